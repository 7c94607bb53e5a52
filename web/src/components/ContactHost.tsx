// "Contact host" on a listing: opens (or finds) the guest's conversation about the place, then
// goes to it. Logged-out visitors log in first; hosts do not contact themselves.
import { useMutation } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { useI18n } from '../i18n'
import { errorMessage } from '../lib/errors'
import { useSession } from '../lib/hooks'
import { paths } from '../lib/paths'
import { Link, loginPath, navigate } from '../lib/router'

export function ContactHost({ placeId, hostName }: { placeId: string; hostName: string }) {
  const { t } = useI18n()
  const { session } = useSession()
  const open = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/conversations', { body: { place_id: placeId } })),
    onSuccess: (conversation) => navigate(paths.conversation(conversation.id)),
  })
  if (!session) {
    return (
      <Link to={loginPath()} className="btn btn-ghost btn-small">
        {t('inbox.contactHost', { name: hostName })}
      </Link>
    )
  }
  return (
    <div className="stack">
      <button
        type="button"
        className="btn btn-ghost btn-small"
        disabled={open.isPending}
        onClick={() => open.mutate()}
      >
        {t('inbox.contactHost', { name: hostName })}
      </button>
      {open.error && (
        <p className="field-error" role="alert">
          {errorMessage(t, open.error)}
        </p>
      )}
    </div>
  )
}
