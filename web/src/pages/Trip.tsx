// One trip: where and when, the price line by line, the rules agreed to, and what the guest can do
// next (write to the host, cancel). Checkout leads here, announcing the booking just made.
import { useMutation, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { api, unwrap } from '../api/client'
import { bookingQueries } from '../api/queries/bookings'
import { StatusBadge } from '../components/BookingSummary'
import { CancelDialog } from '../components/CancelDialog'
import { ListingPicture } from '../components/Photo'
import { PriceLines } from '../components/PriceLines'
import { ErrorBox, Notice, PageHeading, Skeleton } from '../components/ui'
import { type MessageKey, useI18n } from '../i18n'
import { todayIn } from '../lib/dates'
import { useSession, useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
import { Link, navigate, useSearchParams } from '../lib/router'
import { NeedLogin } from './NotFound'

export default function Trip({ id }: { id: string }) {
  const { t, date, dateTime, moneyMinor } = useI18n()
  const { session } = useSession()
  const params = useSearchParams()
  const booking = useQuery({ ...bookingQueries.one(id), enabled: Boolean(session) })
  const [cancelling, setCancelling] = useState(false)
  const write = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/conversations', { body: { booking_id: id } })),
    onSuccess: (conversation) => navigate(paths.conversation(conversation.id)),
  })
  useTitle(booking.data?.place.title ?? t('trips.title'))
  if (!session) return <NeedLogin />
  if (booking.isPending) {
    return (
      <div className="container section">
        <Skeleton lines={8} />
      </div>
    )
  }
  if (booking.error) {
    return (
      <div className="container section">
        <PageHeading>{t('trips.title')}</PageHeading>
        <ErrorBox error={booking.error} onRetry={() => booking.refetch()} />
        <Link to={paths.trips()}>{t('trip.allTrips')}</Link>
      </div>
    )
  }
  const b = booking.data
  const host = b.host_id === session.user.id
  const cancellable = ['pending', 'confirmed'].includes(b.status) && b.check_in >= todayIn(b.timezone)
  return (
    <div className="container section trip-page" data-booking={b.id}>
      <p className="small">
        <Link to={host ? paths.reservations() : paths.trips()}>← {t('trip.allTrips')}</Link>
      </p>
      {params.get('booked') && (
        <Notice kind="success">
          {b.status === 'confirmed'
            ? t('trips.bookedConfirmed', { place: b.place.title })
            : t('trips.bookedRequested', { place: b.place.title })}
        </Notice>
      )}
      {params.get('unsent') && <Notice kind="info">{t('trip.messageUnsent')}</Notice>}
      <div className="checkout-columns">
        <div>
          <div className="booking-top">
            <PageHeading>{b.place.title}</PageHeading>
            <StatusBadge status={b.status} host={host} />
          </div>
          <p className="muted">{[b.place.city, b.place.country].filter(Boolean).join(', ')}</p>
          <section className="checkout-section" aria-labelledby="trip-when">
            <h2 id="trip-when">{t('checkout.yourTrip')}</h2>
            <dl className="facts">
              <dt>{t('checkout.dates')}</dt>
              <dd>
                {date(b.check_in)} → {date(b.check_out)} · {t('book.nightsCount', { count: b.nights })}
              </dd>
              <dt>{t('search.guests')}</dt>
              <dd>{t('place.guests', { count: b.guests })}</dd>
              <dt>{t('place.checkInTime')}</dt>
              <dd>{t('place.fromTime', { time: b.check_in_time, zone: b.timezone })}</dd>
              <dt>{t('place.checkOutTime')}</dt>
              <dd>{t('place.untilTime', { time: b.check_out_time, zone: b.timezone })}</dd>
              <dt>{t('place.cancellation')}</dt>
              <dd>
                <strong>{t(`policy.${b.cancellation_policy}` as MessageKey)}</strong>:{' '}
                {t(`policy.${b.cancellation_policy}.text` as MessageKey)}
              </dd>
            </dl>
            {b.status === 'pending' && b.expires_at && (
              <p className="muted small">
                {t('trips.expires', { when: dateTime(b.expires_at, b.timezone) })}
              </p>
            )}
            {b.refund_minor !== null && b.status === 'cancelled' && (
              <p>{t('trips.refunded', { amount: moneyMinor(b.refund_minor, b.currency) })}</p>
            )}
          </section>
          <div className="checkout-actions">
            <button
              type="button"
              className="btn btn-primary"
              disabled={write.isPending}
              onClick={() => write.mutate()}
            >
              {host ? t('trip.messageGuest', { name: b.guest.first_name }) : t('trip.messageHost')}
            </button>
            <Link to={paths.place(b.place_id)} className="btn btn-ghost">
              {t('trip.viewListing')}
            </Link>
            {cancellable && (
              <button type="button" className="btn btn-ghost" onClick={() => setCancelling(true)}>
                {b.status === 'pending' && !host ? t('trips.withdraw') : t('trips.cancel')}
              </button>
            )}
          </div>
          {write.error && <ErrorBox error={write.error} />}
        </div>
        <aside className="checkout-aside card" aria-label={t('checkout.summary')}>
          <ListingPicture
            placeId={b.place_id}
            photo={b.place.cover_photo}
            sizes="(max-width: 900px) 100vw, 360px"
            className="place-cover"
          />
          <PriceLines price={b} />
        </aside>
      </div>
      <CancelDialog booking={cancelling ? b : undefined} onClose={() => setCancelling(false)} host={host} />
    </div>
  )
}
