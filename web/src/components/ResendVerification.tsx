import { useMutation } from '@tanstack/react-query'
import { ApiError, api, unwrap } from '../api/client'
import { updateUser } from '../api/session'
import { useI18n } from '../i18n'
import { ErrorBox, Notice } from './ui'

/** Reads the signed-in user again (after their email address was verified) and keeps it. */
export async function refreshMe(): Promise<void> {
  const me = await unwrap(api.GET('/api/v1/auth/me')).catch(() => null)
  if (me) updateUser(me)
}

/** "Send a new verification email": the API emails the signed-in user a fresh link. */
export function ResendVerification({ email }: { email: string }) {
  const { t } = useI18n()
  const send = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/verify-email/request')),
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'email_already_verified') void refreshMe()
    },
  })
  if (send.isSuccess) {
    return (
      <Notice kind="success">
        <p data-testid="verification-sent">{t('verify.resent', { email })}</p>
      </Notice>
    )
  }
  if (send.error instanceof ApiError && send.error.code === 'email_already_verified') {
    return <Notice kind="success">{t('verify.alreadyVerified')}</Notice>
  }
  return (
    <div className="stack">
      <div>
        <button
          type="button"
          className="btn btn-primary"
          disabled={send.isPending}
          onClick={() => send.mutate()}
        >
          {send.isPending ? t('verify.resending') : t('verify.resend')}
        </button>
      </div>
      {send.error && <ErrorBox error={send.error} />}
    </div>
  )
}
