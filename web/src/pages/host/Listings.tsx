import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { api, unwrap } from '../../api/client'
import { bookingQueries } from '../../api/queries/bookings'
import { invalidatePlace } from '../../api/queries/places'
import type { PlaceSummary } from '../../api/types'
import { ListingPicture } from '../../components/Photo'
import { Empty, ErrorBox, Notice, PageHeading, ShowMore, Skeleton } from '../../components/ui'
import { type MessageKey, useI18n } from '../../i18n'
import { useSession, useTitle } from '../../lib/hooks'
import { paths } from '../../lib/paths'
import { useMyListings } from '../../lib/places'
import { Link, useSearchParams } from '../../lib/router'
import { NeedLogin } from '../NotFound'

export default function HostListings() {
  const { t } = useI18n()
  const { session } = useSession()
  const params = useSearchParams()
  useTitle(t('host.title'))
  const listings = useMyListings()
  const pending = useQuery({ ...bookingQueries.pendingForHost(session?.user.id), enabled: Boolean(session) })
  if (!session) return <NeedLogin />
  const saved = params.get('saved')
  return (
    <div className="container section">
      <div className="section-head">
        <PageHeading>{t('host.title')}</PageHeading>
        <Link to={paths.newListing()} className="btn btn-primary">
          {t('host.new')}
        </Link>
      </div>
      {saved && <Notice kind="success">{t('host.savedNotice')}</Notice>}
      {pending.data && pending.data.length > 0 && (
        <Notice>
          {t('host.pendingRequests', { count: pending.data.length })}{' '}
          <Link to={paths.reservations()}>{t('host.answer')}</Link>
        </Notice>
      )}
      <p>
        <Link to={paths.reservations()}>{t('nav.reservations')} →</Link>
      </p>
      {listings.isPending && <Skeleton lines={4} />}
      {listings.isError && !listings.isFetchNextPageError && (
        <ErrorBox error={listings.error} onRetry={() => listings.refetch()} />
      )}
      {listings.data && listings.places.length === 0 && (
        <Empty title={t('host.empty')}>
          <p>{t('host.emptyHint')}</p>
          <Link to={paths.newListing()} className="btn btn-primary">
            {t('host.new')}
          </Link>
        </Empty>
      )}
      <div className="listing-rows">
        {listings.places.map((place) => (
          <ListingRow key={place.id} place={place} saved={place.id === saved} />
        ))}
      </div>
      {listings.hasNextPage && (
        <ShowMore
          shown={listings.places.length}
          total={listings.total}
          label={t('host.more')}
          loading={listings.isFetchingNextPage}
          onMore={() => listings.fetchNextPage()}
        />
      )}
      {listings.isFetchNextPageError && (
        <ErrorBox error={listings.error} onRetry={() => listings.fetchNextPage()} />
      )}
    </div>
  )
}

function ListingRow({ place, saved }: { place: PlaceSummary; saved: boolean }) {
  const { t, money } = useI18n()
  const queryClient = useQueryClient()
  const ref = useRef<HTMLElement>(null)
  // The listing just saved may be far down the list: bring it into view.
  useEffect(() => {
    if (saved) ref.current?.scrollIntoView({ block: 'center' })
  }, [saved])
  const change = useMutation({
    mutationFn: (status: 'draft' | 'published') =>
      unwrap(api.PUT('/api/v1/places/{id}', { params: { path: { id: place.id } }, body: { status } })),
    onSuccess: () => {
      invalidatePlace(queryClient, place.id)
    },
  })
  return (
    <article ref={ref} className={`listing-row card ${saved ? 'is-saved' : ''}`} data-listing={place.id}>
      <ListingPicture
        placeId={place.id}
        photo={place.cover_photo}
        sizes="(min-width: 600px) 200px, 100vw"
        className="listing-row-visual"
      />
      <div className="listing-row-body">
        <div className="booking-top">
          <h2 className="h3">
            <Link to={paths.place(place.id)}>{place.title}</Link>
          </h2>
          <span className={`status status-${place.status}`}>
            {t(`host.status.${place.status}` as MessageKey)}
          </span>
        </div>
        <p className="muted">
          {[place.city, place.country].filter(Boolean).join(', ')} · {money(place.price, place.currency)}{' '}
          {t('place.perNight')}
        </p>
        {saved && (
          <p className="saved-tag">
            <span aria-hidden="true">✓ </span>
            {t('host.justSaved')}
          </p>
        )}
        <div className="booking-actions">
          <Link to={paths.editListing(place.id)} className="btn btn-ghost btn-small">
            {t('host.edit')}
          </Link>
          <Link to={paths.listingCalendar(place.id)} className="btn btn-ghost btn-small">
            {t('host.calendar')}
          </Link>
          {place.status === 'draft' && (
            <button
              type="button"
              className="btn btn-primary btn-small"
              disabled={change.isPending}
              onClick={() => change.mutate('published')}
            >
              {t('host.publish')}
            </button>
          )}
          {place.status === 'published' && (
            <button
              type="button"
              className="btn btn-ghost btn-small"
              disabled={change.isPending}
              onClick={() => change.mutate('draft')}
            >
              {t('host.unpublish')}
            </button>
          )}
        </div>
        {place.status === 'suspended' && <p className="muted small">{t('host.suspendedHint')}</p>}
        {change.error && <ErrorBox error={change.error} />}
      </div>
    </article>
  )
}
