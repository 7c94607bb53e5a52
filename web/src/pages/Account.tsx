import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useEffect, useState } from 'react'
import { api, unwrap } from '../api/client'
import { userQueries } from '../api/queries/users'
import { updateUser } from '../api/session'
import { logOut } from '../components/log-out'
import { NotificationSettings } from '../components/NotificationSettings'
import { PhoneSettings } from '../components/PhoneSettings'
import { ProfilePhotoSettings } from '../components/ProfilePhotoSettings'
import { ResendVerification } from '../components/ResendVerification'
import { ErrorBox, Field, Notice, PageHeading } from '../components/ui'
import { LOCALES, type Locale, useI18n } from '../i18n'
import { fieldErrors } from '../lib/errors'
import { useSession, useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
import { Link } from '../lib/router'
import { NeedLogin } from './NotFound'

export default function Account() {
  const { t, locale, setLocale } = useI18n()
  const { session } = useSession()
  const queryClient = useQueryClient()
  const user = session?.user
  const [form, setForm] = useState({ first_name: user?.first_name ?? '', last_name: user?.last_name ?? '' })
  useTitle(t('account.title'))
  const save = useMutation({
    mutationFn: () =>
      unwrap(api.PUT('/api/v1/users/{id}', { params: { path: { id: user!.id } }, body: form })),
    onSuccess: (updated) => updateUser(updated),
  })
  // The account as the server has it now: the address may have been verified in another tab.
  const me = useQuery({
    ...userQueries.me(user?.id),
    enabled: Boolean(user),
    staleTime: 0,
  })
  useEffect(() => {
    if (me.data) updateUser(me.data)
  }, [me.data])
  if (!user) return <NeedLogin />
  const errors = fieldErrors(save.error)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    save.mutate()
  }
  return (
    <div className="container narrow section">
      <PageHeading>{t('account.title')}</PageHeading>
      <form className="form card" onSubmit={submit}>
        <div className="row">
          <Field label={t('auth.firstName')} error={errors.first_name} className="grow">
            {(props) => (
              <input
                {...props}
                autoComplete="given-name"
                value={form.first_name}
                onChange={(e) => setForm({ ...form, first_name: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('auth.lastName')} error={errors.last_name} className="grow">
            {(props) => (
              <input
                {...props}
                autoComplete="family-name"
                value={form.last_name}
                onChange={(e) => setForm({ ...form, last_name: e.target.value })}
              />
            )}
          </Field>
        </div>
        <Field label={t('auth.email')} hint={t('account.emailHint')}>
          {(props) => <input {...props} value={user.email} readOnly />}
        </Field>
        {user.email_verified_at ? (
          <p className="email-verified" data-testid="email-verified">
            <span aria-hidden="true">✓ </span>
            {t('account.emailVerified')}
          </p>
        ) : (
          <div className="email-unverified stack" data-testid="email-unverified">
            <p>{t('account.emailUnverified')}</p>
            <ResendVerification email={user.email} />
          </div>
        )}
        <Field label={t('nav.language')}>
          {(props) => (
            <select {...props} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
              {Object.entries(LOCALES).map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {save.isSuccess && <Notice kind="success">{t('account.saved')}</Notice>}
        {save.error && <ErrorBox error={save.error} />}
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {t('common.save')}
        </button>
      </form>
      <ProfilePhotoSettings user={user} />
      <PhoneSettings userId={user.id} />
      <NotificationSettings userId={user.id} />
      <div className="card section-tight">
        <h2>{t('account.shortcuts')}</h2>
        <ul className="link-list">
          <li>
            <Link to={paths.trips()}>{t('nav.trips')}</Link>
          </li>
          <li>
            <Link to={paths.wishlists()}>{t('nav.wishlists')}</Link>
          </li>
          <li>
            <Link to={paths.host()}>{t('nav.host')}</Link>
          </li>
          <li>
            <Link to={paths.reservations()}>{t('nav.reservations')}</Link>
          </li>
          {user.is_admin && (
            <li>
              <Link to={paths.admin()}>{t('nav.admin')}</Link>
            </li>
          )}
        </ul>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => void logOut(() => queryClient.clear())}
        >
          {t('nav.logout')}
        </button>
      </div>
    </div>
  )
}
