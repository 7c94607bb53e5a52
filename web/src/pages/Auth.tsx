import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { api, unwrap } from '../api/client'
import { signIn } from '../api/session'
import { ErrorBox, Field, Notice, PageHeading } from '../components/ui'
import { useI18n } from '../i18n'
import { fieldErrors } from '../lib/errors'
import { useClientConfig, useSession, useTitle } from '../lib/hooks'
import { Link, navigate, useSearchParams } from '../lib/router'

/** Where to go after logging in: only a path of this site. */
function nextPath(params: URLSearchParams) {
  const next = params.get('next') ?? '/'
  return next.startsWith('/') && !next.startsWith('//') ? next : '/'
}

export function Login() {
  const { t } = useI18n()
  const params = useSearchParams()
  const { signedOut } = useSession()
  const queryClient = useQueryClient()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  useTitle(t('auth.loginTitle'))
  const login = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/login', { body: { email: email.trim(), password } })),
    onSuccess: (body) => {
      queryClient.clear()
      signIn(body)
      navigate(nextPath(params), { replace: true })
    },
  })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    login.mutate()
  }
  return (
    <div className="container narrow section">
      <PageHeading>{t('auth.loginTitle')}</PageHeading>
      {signedOut === 'expired' && <Notice>{t('auth.sessionExpired')}</Notice>}
      {params.get('reset') && <Notice kind="success">{t('auth.passwordChanged')}</Notice>}
      <form className="form card" onSubmit={submit} noValidate>
        <Field label={t('auth.email')}>
          {(props) => (
            <input
              {...props}
              type="email"
              name="email"
              autoComplete="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </Field>
        <Field label={t('auth.password')}>
          {(props) => (
            <input
              {...props}
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        <p className="forgot-link small">
          <Link to="/forgot-password">{t('auth.forgotLink')}</Link>
        </p>
        {login.error && <ErrorBox error={login.error} />}
        <button type="submit" className="btn btn-primary btn-block" disabled={login.isPending}>
          {login.isPending ? t('auth.loggingIn') : t('auth.login')}
        </button>
        <p className="center">
          {t('auth.noAccount')}{' '}
          <Link to={`/signup${params.get('next') ? `?next=${encodeURIComponent(nextPath(params))}` : ''}`}>
            {t('auth.signupLink')}
          </Link>
        </p>
      </form>
      <p className="muted small center">{t('auth.demoHint')}</p>
    </div>
  )
}

export function Signup() {
  const { t } = useI18n()
  const params = useSearchParams()
  const config = useClientConfig()
  const queryClient = useQueryClient()
  const [form, setForm] = useState({ first_name: '', last_name: '', email: '', password: '' })
  const [local, setLocal] = useState<Record<string, string>>({})
  useTitle(t('auth.signupTitle'))
  const signup = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/auth/register', {
          body: {
            ...form,
            first_name: form.first_name.trim(),
            last_name: form.last_name.trim(),
            email: form.email.trim(),
          },
        }),
      ),
    onSuccess: (body) => {
      queryClient.clear()
      signIn(body)
      navigate(nextPath(params), { replace: true })
    },
  })
  const errors = { ...fieldErrors(signup.error), ...local }
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: event.target.value }))
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const problems: Record<string, string> = {}
    if (!form.first_name.trim()) problems.first_name = t('auth.required')
    if (!form.last_name.trim()) problems.last_name = t('auth.required')
    if (!/^\S+@\S+\.\S+$/.test(form.email.trim())) problems.email = t('auth.badEmail')
    if (form.password.length < 8) problems.password = t('auth.shortPassword')
    setLocal(problems)
    if (Object.keys(problems).length === 0) signup.mutate()
  }
  if (!config.signup) {
    return (
      <div className="container narrow section">
        <PageHeading>{t('auth.signupTitle')}</PageHeading>
        <Notice>{t('auth.signupClosed')}</Notice>
      </div>
    )
  }
  return (
    <div className="container narrow section">
      <PageHeading>{t('auth.signupTitle')}</PageHeading>
      <form className="form card" onSubmit={submit} noValidate>
        <div className="row">
          <Field label={t('auth.firstName')} error={errors.first_name} className="grow">
            {(props) => (
              <input
                {...props}
                name="first_name"
                autoComplete="given-name"
                value={form.first_name}
                onChange={set('first_name')}
              />
            )}
          </Field>
          <Field label={t('auth.lastName')} error={errors.last_name} className="grow">
            {(props) => (
              <input
                {...props}
                name="last_name"
                autoComplete="family-name"
                value={form.last_name}
                onChange={set('last_name')}
              />
            )}
          </Field>
        </div>
        <Field label={t('auth.email')} error={errors.email}>
          {(props) => (
            <input
              {...props}
              type="email"
              name="email"
              autoComplete="email"
              value={form.email}
              onChange={set('email')}
            />
          )}
        </Field>
        <Field label={t('auth.password')} error={errors.password} hint={t('auth.passwordHint')}>
          {(props) => (
            <input
              {...props}
              type="password"
              name="password"
              autoComplete="new-password"
              value={form.password}
              onChange={set('password')}
            />
          )}
        </Field>
        {signup.error && <ErrorBox error={signup.error} />}
        <button type="submit" className="btn btn-primary btn-block" disabled={signup.isPending}>
          {signup.isPending ? t('auth.signingUp') : t('auth.signup')}
        </button>
        <p className="center">
          {t('auth.haveAccount')} <Link to="/login">{t('auth.loginLink')}</Link>
        </p>
      </form>
    </div>
  )
}
