// The pages the account emails link to: verify an email address (`/verify-email?token=...`), ask
// for a password reset link (`/forgot-password`) and choose a new password (`/reset-password?token=...`).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { ApiError, api, unwrap } from '../api/client'
import { accountQueries } from '../api/queries/users'
import { currentSession, signOut } from '../api/session'
import {
  AuthPage,
  EmailField,
  looksLikeEmail,
  PASSWORD_MAX,
  PASSWORD_MIN,
  PasswordField,
  SubmitButton,
} from '../components/AuthForm'
import { ResendVerification, refreshMe } from '../components/ResendVerification'
import { ErrorBox, Loading, Notice } from '../components/ui'
import { type MessageKey, type Translate, useI18n } from '../i18n'
import { fieldErrors } from '../lib/errors'
import { useSession, useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
import { Link, navigate, useSearchParams } from '../lib/router'

/** The codes the API answers for a link that cannot be used (all HTTP 400). */
const LINK_PROBLEMS = ['invalid_token', 'token_expired', 'token_used', 'email_changed'] as const
type LinkProblem = (typeof LINK_PROBLEMS)[number]

function linkProblem(error: unknown): LinkProblem | null {
  if (!(error instanceof ApiError)) return null
  return (LINK_PROBLEMS as readonly string[]).includes(error.code) ? (error.code as LinkProblem) : null
}

/** What is wrong with an email link, and what to do about it. */
function linkMessage(t: Translate, problem: LinkProblem, kind: 'verify' | 'reset'): string {
  if (problem === 'token_used' && kind === 'verify') return t('verify.used')
  return t(`link.${problem}` as MessageKey)
}

function tokenOf(params: URLSearchParams): string {
  return (params.get('token') ?? '').trim()
}

export function VerifyEmail() {
  const { t } = useI18n()
  const token = tokenOf(useSearchParams())
  const { session } = useSession()
  const signedIn = Boolean(session)
  useTitle(t('verify.title'))
  const verify = useQuery({ ...accountQueries.emailVerification(token), enabled: Boolean(token) })
  useEffect(() => {
    if (verify.isSuccess && signedIn) void refreshMe()
  }, [verify.isSuccess, signedIn])
  const problem = token ? linkProblem(verify.error) : 'invalid_token'
  return (
    <AuthPage title={t('verify.title')}>
      <div className="card stack" data-testid="verify-email">
        {token && verify.isPending && <Loading label={t('verify.checking')} />}
        {verify.isSuccess && (
          <>
            <Notice kind="success">{t('verify.done')}</Notice>
            <div className="form-actions start">
              {signedIn ? (
                <>
                  <Link to={paths.home()} className="btn btn-primary">
                    {t('verify.continue')}
                  </Link>
                  <Link to={paths.account()} className="btn btn-ghost">
                    {t('verify.profile')}
                  </Link>
                </>
              ) : (
                <Link to={paths.login({ next: paths.home() })} className="btn btn-primary">
                  {t('nav.login')}
                </Link>
              )}
            </div>
          </>
        )}
        {problem && (
          <>
            <Notice kind="error">{linkMessage(t, problem, 'verify')}</Notice>
            {session ? (
              <ResendVerification email={session.user.email} />
            ) : (
              <>
                <p>{t('verify.loginToResendText')}</p>
                <div>
                  <Link to={paths.login({ next: paths.account() })} className="btn btn-primary">
                    {t('verify.loginToResend')}
                  </Link>
                </div>
              </>
            )}
          </>
        )}
        {verify.error && !problem && <ErrorBox error={verify.error} onRetry={() => verify.refetch()} />}
      </div>
    </AuthPage>
  )
}

export function ForgotPassword() {
  const { t } = useI18n()
  const [email, setEmail] = useState('')
  const [problem, setProblem] = useState<string>()
  const [sentTo, setSentTo] = useState<string>()
  const sentRef = useRef<HTMLDivElement>(null)
  useTitle(t('recover.forgotTitle'))
  const forgot = useMutation({
    mutationFn: (address: string) =>
      unwrap(api.POST('/api/v1/auth/password/forgot', { body: { email: address } })),
    onSuccess: (_body, address) => setSentTo(address),
  })
  useEffect(() => {
    if (sentTo) sentRef.current?.focus()
  }, [sentTo])
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const address = email.trim()
    const wrong = !address ? t('auth.required') : looksLikeEmail(address) ? undefined : t('auth.badEmail')
    setProblem(wrong)
    if (!wrong) forgot.mutate(address)
  }
  const again = () => {
    setSentTo(undefined)
    forgot.reset()
  }
  return (
    <AuthPage title={t('recover.forgotTitle')}>
      {sentTo ? (
        <div className="card stack" ref={sentRef} tabIndex={-1} data-testid="reset-sent">
          <Notice kind="success">
            <p>{t('recover.sent', { email: sentTo })}</p>
          </Notice>
          <p className="muted">{t('recover.sentHint')}</p>
          <div className="form-actions start">
            <Link to={paths.login()} className="btn btn-primary">
              {t('recover.backToLogin')}
            </Link>
            <button type="button" className="btn btn-ghost" onClick={again}>
              {t('recover.sendAgain')}
            </button>
          </div>
        </div>
      ) : (
        <form className="form card" onSubmit={submit} noValidate>
          <p>{t('recover.forgotLead')}</p>
          <EmailField
            label={t('auth.email')}
            error={problem}
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          {forgot.error && <ErrorBox error={forgot.error} />}
          <SubmitButton
            pending={forgot.isPending}
            label={t('recover.send')}
            pendingLabel={t('recover.sending')}
          />
          <p className="center">
            <Link to={paths.login()}>{t('recover.backToLogin')}</Link>
          </p>
        </form>
      )}
    </AuthPage>
  )
}

export function ResetPassword() {
  const { t } = useI18n()
  const token = tokenOf(useSearchParams())
  const queryClient = useQueryClient()
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [local, setLocal] = useState<Record<string, string>>({})
  useTitle(t('recover.resetTitle'))
  const reset = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/password/reset', { body: { token, password } })),
    onSuccess: () => {
      // The reset ended every login of the account: a session kept here would fail at its next refresh.
      if (currentSession()) {
        signOut('logout')
        queryClient.clear()
      }
      navigate(paths.login({ reset: '1' }), { replace: true })
    },
  })
  const problem = token ? linkProblem(reset.error) : 'invalid_token'
  const errors = { ...fieldErrors(reset.error), ...local }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const problems: Record<string, string> = {}
    if (!password) problems.password = t('auth.required')
    else if (password.length < PASSWORD_MIN) problems.password = t('auth.shortPassword')
    else if (password.length > PASSWORD_MAX) problems.password = t('recover.longPassword')
    if (!confirm) problems.confirm = t('auth.required')
    else if (!problems.password && confirm !== password) problems.confirm = t('recover.mismatch')
    setLocal(problems)
    if (Object.keys(problems).length === 0) reset.mutate()
  }
  return (
    <AuthPage title={t('recover.resetTitle')}>
      {problem ? (
        <div className="card stack" data-testid="reset-problem">
          <Notice kind="error">{linkMessage(t, problem, 'reset')}</Notice>
          <div className="form-actions start">
            <Link to={paths.forgotPassword()} className="btn btn-primary">
              {t('recover.newLink')}
            </Link>
            <Link to={paths.login()} className="btn btn-ghost">
              {t('recover.backToLogin')}
            </Link>
          </div>
        </div>
      ) : (
        <form className="form card" onSubmit={submit} noValidate>
          <p>{t('recover.resetLead')}</p>
          <PasswordField
            label={t('recover.newPassword')}
            error={errors.password}
            hint={t('auth.passwordHint')}
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN}
            maxLength={PASSWORD_MAX}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <PasswordField
            label={t('recover.confirmPassword')}
            error={errors.confirm}
            name="confirm"
            autoComplete="new-password"
            required
            maxLength={PASSWORD_MAX}
            value={confirm}
            onChange={(event) => setConfirm(event.target.value)}
          />
          {reset.error && !errors.password && <ErrorBox error={reset.error} />}
          <p className="muted small">{t('recover.resetNote')}</p>
          <SubmitButton
            pending={reset.isPending}
            label={t('recover.save')}
            pendingLabel={t('recover.saving')}
          />
        </form>
      )}
    </AuthPage>
  )
}
