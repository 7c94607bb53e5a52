import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { wishlistQueries } from '../api/queries/wishlists'
import { NewWishlistForm } from '../components/NewWishlistForm'
import { GRID_SIZES, ListingPicture } from '../components/Photo'
import { PlaceCard } from '../components/PlaceCard'
import { Empty, ErrorBox, OfflineNote, PageHeading, Skeleton } from '../components/ui'
import { useI18n } from '../i18n'
import { useOnline, useSession, useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
import { Link, navigate } from '../lib/router'
import { NeedLogin } from './NotFound'

export default function Wishlists() {
  const { t } = useI18n()
  const { session } = useSession()
  const queryClient = useQueryClient()
  useTitle(t('wishlist.title'))
  const lists = useQuery({ ...wishlistQueries.mine(session?.user.id), enabled: Boolean(session) })
  const create = useMutation({
    mutationFn: (listName: string) => unwrap(api.POST('/api/v1/wishlists', { body: { name: listName } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: wishlistQueries.lists() }),
  })
  if (!session) return <NeedLogin />
  return (
    <div className="container section">
      <PageHeading>{t('wishlist.title')}</PageHeading>
      <OfflineNote>{t('offline.wishlistNeedsConnection')}</OfflineNote>
      <NewWishlistForm
        className="row row-end inline-form"
        pending={create.isPending}
        onCreate={create.mutateAsync}
      />
      {create.error && <ErrorBox error={create.error} action />}
      {lists.isPending && <Skeleton lines={3} />}
      {lists.error && <ErrorBox error={lists.error} onRetry={() => lists.refetch()} />}
      {lists.data?.length === 0 && (
        <Empty title={t('wishlist.empty')}>
          <p>{t('wishlist.emptyHint')}</p>
          <Link to={paths.search()} className="btn btn-primary">
            {t('trips.findPlace')}
          </Link>
        </Empty>
      )}
      <div className="card-grid">
        {lists.data?.map((list) => (
          <Link key={list.id} to={paths.wishlist(list.id)} className="wishlist-tile">
            <ListingPicture placeId={list.id} photo={list.cover_photo} sizes={GRID_SIZES} />
            <strong>{list.name}</strong>
            <span className="muted">{t('wishlist.count', { count: list.place_count })}</span>
          </Link>
        ))}
      </div>
    </div>
  )
}

export function WishlistPage({ id }: { id: string }) {
  const { t } = useI18n()
  const { session } = useSession()
  const queryClient = useQueryClient()
  // Offline, the list is what this device kept: it can be read, not changed.
  const online = useOnline()
  const list = useQuery({ ...wishlistQueries.detail(id), enabled: Boolean(session) })
  useTitle(list.data?.name ?? t('wishlist.title'))
  const remove = useMutation({
    mutationFn: (placeId: string) =>
      unwrap(
        api.DELETE('/api/v1/wishlists/{id}/places/{place_id}', {
          params: { path: { id, place_id: placeId } },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: wishlistQueries.detail(id).queryKey })
      void queryClient.invalidateQueries({ queryKey: wishlistQueries.lists() })
    },
  })
  const destroy = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/wishlists/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: wishlistQueries.lists() })
      navigate(paths.wishlists())
    },
  })
  if (!session) return <NeedLogin />
  return (
    <div className="container section">
      <p>
        <Link to={paths.wishlists()}>← {t('wishlist.title')}</Link>
      </p>
      <PageHeading>{list.data?.name ?? t('wishlist.title')}</PageHeading>
      {list.data && <OfflineNote>{t('offline.wishlistNeedsConnection')}</OfflineNote>}
      {(remove.error || destroy.error) && <ErrorBox error={remove.error ?? destroy.error} action />}
      {list.isPending && <Skeleton lines={3} />}
      {list.error && <ErrorBox error={list.error} onRetry={() => list.refetch()} />}
      {list.data?.places.length === 0 && <Empty title={t('wishlist.listEmpty')} />}
      <div className="card-grid">
        {list.data?.places.map((place) => (
          <div key={place.id} className="stack">
            <PlaceCard place={place} />
            <button
              type="button"
              className="btn btn-ghost btn-small"
              disabled={!online || (remove.isPending && remove.variables === place.id)}
              onClick={() => remove.mutate(place.id)}
            >
              {t('wishlist.remove')}
            </button>
          </div>
        ))}
      </div>
      {list.data && (
        <p>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            disabled={!online || destroy.isPending}
            onClick={() => {
              if (window.confirm(t('wishlist.deleteConfirm', { name: list.data.name }))) destroy.mutate()
            }}
          >
            {t('wishlist.delete')}
          </button>
        </p>
      )}
    </div>
  )
}
