import { useMutation, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { api, unwrap } from '../api/client'
import { SESSION_HEADERS, signIn } from '../api/session'
import {
  AuthPage,
  EmailField,
  InputField,
  looksLikeEmail,
  PASSWORD_MIN,
  PasswordField,
  SubmitButton,
} from '../components/AuthForm'
import { ErrorBox, Notice } from '../components/ui'
import { useI18n } from '../i18n'
import { fieldErrors } from '../lib/errors'
import { useClientConfig, useSession, useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
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
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/auth/login', { body: { email: email.trim(), password }, headers: SESSION_HEADERS }),
      ),
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
    <AuthPage title={t('auth.loginTitle')}>
      {signedOut === 'expired' && <Notice>{t('auth.sessionExpired')}</Notice>}
      {params.get('reset') && <Notice kind="success">{t('auth.passwordChanged')}</Notice>}
      <form className="form card" onSubmit={submit} noValidate>
        <EmailField
          label={t('auth.email')}
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <PasswordField
          label={t('auth.password')}
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <p className="forgot-link small">
          <Link to={paths.forgotPassword()}>{t('auth.forgotLink')}</Link>
        </p>
        {login.error && <ErrorBox error={login.error} />}
        <SubmitButton pending={login.isPending} label={t('auth.login')} pendingLabel={t('auth.loggingIn')} />
        <p className="center">
          {t('auth.noAccount')}{' '}
          <Link to={paths.signup(params.get('next') ? nextPath(params) : undefined)}>
            {t('auth.signupLink')}
          </Link>
        </p>
      </form>
      <p className="muted small center">{t('auth.demoHint')}</p>
    </AuthPage>
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
          headers: SESSION_HEADERS,
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
    if (!looksLikeEmail(form.email.trim())) problems.email = t('auth.badEmail')
    if (form.password.length < PASSWORD_MIN) problems.password = t('auth.shortPassword')
    setLocal(problems)
    if (Object.keys(problems).length === 0) signup.mutate()
  }
  if (!config.signup) {
    return (
      <AuthPage title={t('auth.signupTitle')}>
        <Notice>{t('auth.signupClosed')}</Notice>
      </AuthPage>
    )
  }
  return (
    <AuthPage title={t('auth.signupTitle')}>
      <form className="form card" onSubmit={submit} noValidate>
        <div className="row">
          <InputField
            label={t('auth.firstName')}
            error={errors.first_name}
            className="grow"
            name="first_name"
            autoComplete="given-name"
            value={form.first_name}
            onChange={set('first_name')}
          />
          <InputField
            label={t('auth.lastName')}
            error={errors.last_name}
            className="grow"
            name="last_name"
            autoComplete="family-name"
            value={form.last_name}
            onChange={set('last_name')}
          />
        </div>
        <EmailField label={t('auth.email')} error={errors.email} value={form.email} onChange={set('email')} />
        <PasswordField
          label={t('auth.password')}
          error={errors.password}
          hint={t('auth.passwordHint')}
          autoComplete="new-password"
          value={form.password}
          onChange={set('password')}
        />
        {signup.error && <ErrorBox error={signup.error} />}
        <SubmitButton
          pending={signup.isPending}
          label={t('auth.signup')}
          pendingLabel={t('auth.signingUp')}
        />
        <p className="center">
          {t('auth.haveAccount')} <Link to={paths.login()}>{t('auth.loginLink')}</Link>
        </p>
      </form>
    </AuthPage>
  )
}
