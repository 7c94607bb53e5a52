import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { api, unwrap } from '../api/client'
import { amenityQueries } from '../api/queries/amenities'
import { invalidatePlace } from '../api/queries/places'
import { userQueries } from '../api/queries/users'
import type { Amenity, UserView } from '../api/types'
import { Empty, ErrorBox, Notice, PageHeading, ShowMore, Skeleton, UrlTabs } from '../components/ui'
import { type MessageKey, useI18n } from '../i18n'
import { useSession, useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
import { usePlaceList } from '../lib/places'
import { Link, navigate, useSearchParams } from '../lib/router'
import { NeedLogin } from './NotFound'

type Tab = 'users' | 'amenities' | 'listings'

export default function Admin() {
  const { t } = useI18n()
  const { session } = useSession()
  const params = useSearchParams()
  const tab = (params.get('tab') as Tab | null) ?? 'users'
  useTitle(t('admin.title'))
  if (!session) return <NeedLogin />
  if (!session.user.is_admin) {
    return (
      <div className="container section">
        <PageHeading>{t('admin.title')}</PageHeading>
        <p>{t('admin.only')}</p>
      </div>
    )
  }
  return (
    <div className="container section">
      <PageHeading>{t('admin.title')}</PageHeading>
      <UrlTabs
        label={t('admin.title')}
        hrefOf={(name) => paths.admin({ tab: name })}
        tabs={['users', 'amenities', 'listings'] as const}
        current={tab}
        labelOf={(name) => t(`admin.tab.${name}` as MessageKey)}
      />
      <div role="tabpanel">
        {tab === 'users' && <Users />}
        {tab === 'amenities' && <Amenities />}
        {tab === 'listings' && <Listings />}
      </div>
    </div>
  )
}

function Users() {
  const { t } = useI18n()
  const { session } = useSession()
  const queryClient = useQueryClient()
  const [filter, setFilter] = useState('')
  const users = useQuery(userQueries.all())
  const toggle = useMutation({
    mutationFn: (user: UserView) =>
      unwrap(
        api.PUT('/api/v1/users/{id}', {
          params: { path: { id: user.id } },
          body: { is_admin: !user.is_admin },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userQueries.all().queryKey }),
  })
  const shown = (users.data ?? []).filter((u) =>
    `${u.first_name} ${u.last_name} ${u.email}`.toLowerCase().includes(filter.toLowerCase()),
  )
  return (
    <>
      <label className="field">
        <span>{t('admin.filterUsers')}</span>
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      {users.isPending && <Skeleton lines={5} />}
      {users.error && <ErrorBox error={users.error} onRetry={() => users.refetch()} />}
      {toggle.error && <ErrorBox error={toggle.error} />}
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('admin.name')}</th>
              <th scope="col">{t('auth.email')}</th>
              <th scope="col">{t('admin.role')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((user) => (
              <tr key={user.id}>
                <td>
                  {user.first_name} {user.last_name}
                </td>
                <td>{user.email}</td>
                <td>{user.is_admin ? t('admin.administrator') : t('admin.member')}</td>
                <td>
                  {user.id !== session?.user.id && (
                    <button
                      type="button"
                      className="btn btn-ghost btn-small"
                      onClick={() => toggle.mutate(user)}
                    >
                      {user.is_admin ? t('admin.removeAdmin') : t('admin.makeAdmin')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}

function Amenities() {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const [name, setName] = useState('')
  const amenities = useQuery(amenityQueries.all())
  const add = useMutation({
    mutationFn: (value: string) => unwrap(api.POST('/api/v1/amenities/', { body: { name: value } })),
    onSuccess: () => {
      setName('')
      void queryClient.invalidateQueries({ queryKey: amenityQueries.all().queryKey })
    },
  })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (name.trim()) add.mutate(name.trim())
  }
  return (
    <>
      <form className="row row-end inline-form" onSubmit={submit}>
        <label className="field grow">
          <span>{t('admin.newAmenity')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
        </label>
        <button type="submit" className="btn btn-primary" disabled={!name.trim() || add.isPending}>
          {t('admin.add')}
        </button>
      </form>
      {add.error && <ErrorBox error={add.error} />}
      {amenities.isPending && <Skeleton lines={4} />}
      {amenities.error && <ErrorBox error={amenities.error} />}
      <ul className="amenity-admin">
        {amenities.data?.map((amenity) => (
          <AmenityRow key={amenity.id} amenity={amenity} />
        ))}
      </ul>
    </>
  )
}

function AmenityRow({ amenity }: { amenity: Amenity }) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const [name, setName] = useState(amenity.name)
  const rename = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/amenities/{id}', {
          params: { path: { id: amenity.id } },
          body: { name: name.trim() },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: amenityQueries.all().queryKey }),
  })
  return (
    <li>
      <form
        className="row row-end"
        onSubmit={(event) => {
          event.preventDefault()
          rename.mutate()
        }}
      >
        <label className="grow">
          <span className="visually-hidden">{t('admin.amenityName')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
        </label>
        <button
          type="submit"
          className="btn btn-ghost btn-small"
          disabled={name.trim() === amenity.name || !name.trim()}
        >
          {t('admin.rename')}
        </button>
      </form>
      {rename.error && <ErrorBox error={rename.error} />}
    </li>
  )
}

const STATUSES = ['published', 'suspended', 'draft'] as const
type ListingStatus = (typeof STATUSES)[number]

function Listings() {
  const { t, money } = useI18n()
  const params = useSearchParams()
  const queryClient = useQueryClient()
  const [filter, setFilter] = useState('')
  const wanted = params.get('status') as ListingStatus | null
  const status: ListingStatus = wanted && STATUSES.includes(wanted) ? wanted : 'published'
  const places = usePlaceList({ status })
  const change = useMutation({
    mutationFn: ({ id, to }: { id: string; to: 'published' | 'suspended'; title: string }) =>
      unwrap(api.PUT('/api/v1/places/{id}', { params: { path: { id } }, body: { status: to } })),
    onSuccess: (_, { id }) => {
      invalidatePlace(queryClient, id)
    },
  })
  const needle = filter.trim().toLowerCase()
  const shown = places.places.filter((p) =>
    `${p.title} ${p.city} ${p.country} ${p.id}`.toLowerCase().includes(needle),
  )
  return (
    <>
      <p className="muted">{t('admin.listingsHint')}</p>
      <div className="row row-end inline-form">
        <label className="field field-narrow">
          <span>{t('admin.status')}</span>
          <select
            value={status}
            onChange={(e) => {
              setFilter('')
              change.reset()
              navigate(paths.admin({ tab: 'listings', status: e.target.value }), { replace: true })
            }}
          >
            {STATUSES.map((name) => (
              <option key={name} value={name}>
                {t(`admin.statusFilter.${name}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-wide">
          <span>{t('admin.filterListings')}</span>
          <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </label>
      </div>
      {places.data && places.total > 0 && (
        <p className="small" aria-live="polite">
          {t(`admin.listingCount.${status}` as 'admin.listingCount.published', { count: places.total })}
        </p>
      )}
      {places.isPending && <Skeleton lines={5} />}
      {places.isError && !places.isFetchNextPageError && (
        <ErrorBox error={places.error} onRetry={() => places.refetch()} />
      )}
      {change.error && <ErrorBox error={change.error} />}
      {change.isSuccess && (
        <Notice kind="success">
          {t(change.variables.to === 'published' ? 'admin.reinstated' : 'admin.suspended', {
            title: change.variables.title,
          })}
        </Notice>
      )}
      {places.data && shown.length === 0 && (
        <Empty title={t(needle ? 'admin.noListingMatch' : (`admin.noListings.${status}` as MessageKey))} />
      )}
      {shown.length > 0 && (
        <ul className="admin-listings">
          {shown.map((place) => (
            <li key={place.id} className="admin-listing" data-listing={place.id}>
              <div className="admin-listing-main">
                <Link to={paths.place(place.id)} className="admin-listing-title">
                  {place.title}
                </Link>
                <span className="muted small">
                  {[place.city, place.country].filter(Boolean).join(', ')} ·{' '}
                  {money(place.price, place.currency)} {t('place.perNight')}
                </span>
              </div>
              <span className={`status status-${place.status}`}>
                {t(`host.status.${place.status}` as MessageKey)}
              </span>
              {place.status === 'suspended' ? (
                <button
                  type="button"
                  className="btn btn-primary btn-small"
                  disabled={change.isPending}
                  onClick={() => change.mutate({ id: place.id, to: 'published', title: place.title })}
                >
                  {t('admin.reinstate')}
                </button>
              ) : (
                <button
                  type="button"
                  className="btn btn-danger btn-small"
                  disabled={change.isPending}
                  onClick={() => {
                    if (window.confirm(t('admin.suspendConfirm', { title: place.title })))
                      change.mutate({ id: place.id, to: 'suspended', title: place.title })
                  }}
                >
                  {t('admin.suspend')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {places.hasNextPage && (
        <ShowMore
          shown={places.places.length}
          total={places.total}
          label={t('admin.moreListings')}
          loading={places.isFetchingNextPage}
          onMore={() => places.fetchNextPage()}
        />
      )}
      {places.isFetchNextPageError && (
        <ErrorBox error={places.error} onRetry={() => places.fetchNextPage()} />
      )}
    </>
  )
}
