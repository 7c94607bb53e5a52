import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { api, unwrap } from '../api/client'
import type { Amenity, UserView } from '../api/types'
import { Empty, ErrorBox, PageHeading, Skeleton } from '../components/ui'
import { type MessageKey, useI18n } from '../i18n'
import { useSession, useTitle } from '../lib/hooks'
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
      <div className="tabs" role="tablist" aria-label={t('admin.title')}>
        {(['users', 'amenities', 'listings'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={`tab ${tab === name ? 'is-active' : ''}`}
            onClick={() => navigate(`/admin?tab=${name}`, { replace: true })}
          >
            {t(`admin.tab.${name}` as MessageKey)}
          </button>
        ))}
      </div>
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
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => unwrap(api.GET('/api/v1/users/', { params: { query: { limit: 1000 } } })),
  })
  const toggle = useMutation({
    mutationFn: (user: UserView) =>
      unwrap(
        api.PUT('/api/v1/users/{id}', {
          params: { path: { id: user.id } },
          body: { is_admin: !user.is_admin },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
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
  const amenities = useQuery({
    queryKey: ['amenities'],
    queryFn: () => unwrap(api.GET('/api/v1/amenities/', { params: { query: { limit: 1000 } } })),
  })
  const add = useMutation({
    mutationFn: (value: string) => unwrap(api.POST('/api/v1/amenities/', { body: { name: value } })),
    onSuccess: () => {
      setName('')
      void queryClient.invalidateQueries({ queryKey: ['amenities'] })
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
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['amenities'] }),
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

function Listings() {
  const { t, money } = useI18n()
  const queryClient = useQueryClient()
  const [filter, setFilter] = useState('')
  const places = useQuery({
    queryKey: ['places', 'all'],
    queryFn: () => unwrap(api.GET('/api/v1/places/', { params: { query: { limit: 1000 } } })),
  })
  const suspend = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.PUT('/api/v1/places/{id}', { params: { path: { id } }, body: { status: 'suspended' } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['places'] })
      void queryClient.invalidateQueries({ queryKey: ['search'] })
    },
  })
  const shown = (places.data ?? []).filter((p) =>
    `${p.title} ${p.city} ${p.id}`.toLowerCase().includes(filter.toLowerCase()),
  )
  return (
    <>
      <p className="muted">{t('admin.listingsHint')}</p>
      <label className="field">
        <span>{t('admin.filterListings')}</span>
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      {places.isPending && <Skeleton lines={5} />}
      {places.error && <ErrorBox error={places.error} />}
      {suspend.error && <ErrorBox error={suspend.error} />}
      {places.data && shown.length === 0 && <Empty title={t('search.noResults')} />}
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('editor.title')}</th>
              <th scope="col">{t('editor.city')}</th>
              <th scope="col">{t('editor.price')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((place) => (
              <tr key={place.id}>
                <td>
                  <Link to={`/places/${place.id}`}>{place.title}</Link>
                </td>
                <td>{place.city}</td>
                <td>{money(place.price, place.currency)}</td>
                <td>
                  <button
                    type="button"
                    className="btn btn-danger btn-small"
                    disabled={suspend.isPending}
                    onClick={() => {
                      if (window.confirm(t('admin.suspendConfirm', { title: place.title })))
                        suspend.mutate(place.id)
                    }}
                  >
                    {t('admin.suspend')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}
