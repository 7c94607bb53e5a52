// The profile's notification settings: for each kind of message, an email switch and (for the
// kinds sent by text too) an SMS switch. Each change is saved at once and says so on its row;
// security emails are always on, and text messages wait for a verified phone number.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type ReactNode, useId, useState } from 'react'
import { api, unwrap } from '../api/client'
import { accountQueries } from '../api/queries/users'
import type { NotificationPreferences, NotificationPreferencesUpdate } from '../api/types'
import { type MessageKey, useI18n } from '../i18n'
import { errorMessage } from '../lib/errors'
import { PHONE_SECTION_ID } from './PhoneSettings'
import { ErrorBox, Skeleton } from './ui'

type Channel = 'email' | 'sms'
interface Change {
  channel: Channel
  kind: string
  value: boolean
}
interface Feedback extends Change {
  state: 'saving' | 'saved' | 'failed'
  error?: unknown
}

/** The order the kinds show in; kinds the server adds later come after them. */
const ORDER = [
  'booking_requested',
  'booking_confirmed',
  'booking_declined',
  'booking_cancelled',
  'booking_expired',
  'check_in_reminder',
  'review_reminder',
  'new_message',
  'dates_freed',
  'security',
]
/** Kinds that cannot be turned off (the server answers preference_locked). */
const LOCKED = new Set(['email.security'])

function withChoice(
  data: NotificationPreferences,
  { channel, kind, value }: Change,
): NotificationPreferences {
  return { ...data, [channel]: { ...data[channel], [kind]: value } }
}

export function NotificationSettings({ userId }: { userId: string }) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const query = accountQueries.notificationPreferences(userId)
  const key = query.queryKey
  const ids = useId()
  const [feedback, setFeedback] = useState<Record<string, Feedback>>({})
  const preferences = useQuery(query)
  const save = useMutation({
    mutationKey: key,
    mutationFn: ({ channel, kind, value }: Change) =>
      unwrap(
        api.PUT('/api/v1/users/me/notification-preferences', {
          body: { [channel]: { [kind]: value } } as NotificationPreferencesUpdate,
        }),
      ),
    onMutate: async (change) => {
      await queryClient.cancelQueries({ queryKey: key })
      queryClient.setQueryData<NotificationPreferences>(key, (old) => old && withChoice(old, change))
      setFeedback((all) => ({ ...all, [change.kind]: { ...change, state: 'saving' } }))
    },
    onSuccess: (next, change) => {
      // The server's answer is the truth, unless another change is still on its way.
      if (queryClient.isMutating({ mutationKey: key }) <= 1) queryClient.setQueryData(key, next)
      setFeedback((all) => ({ ...all, [change.kind]: { ...change, state: 'saved' } }))
    },
    onError: (error, change) => {
      queryClient.setQueryData<NotificationPreferences>(
        key,
        (old) => old && withChoice(old, { ...change, value: !change.value }),
      )
      setFeedback((all) => ({ ...all, [change.kind]: { ...change, state: 'failed', error } }))
    },
  })

  const card = (children: ReactNode) => (
    <section
      className="card section-tight stack settings-card"
      aria-labelledby={`${ids}-title`}
      data-testid="notifications"
    >
      <h2 id={`${ids}-title`}>{t('notify.title')}</h2>
      {children}
    </section>
  )
  if (preferences.isPending) return card(<Skeleton lines={4} />)
  if (preferences.error)
    return card(<ErrorBox error={preferences.error} onRetry={() => void preferences.refetch()} />)

  const data = preferences.data
  const phone = data.phone
  const email = data.email as Record<string, boolean>
  const sms = data.sms as Record<string, boolean>
  const kinds = [
    ...ORDER.filter((kind) => kind in email || kind in sms),
    ...[...Object.keys(email), ...Object.keys(sms)].filter(
      (kind, i, all) => !ORDER.includes(kind) && all.indexOf(kind) === i,
    ),
  ]
  const name = (kind: string) => {
    const message = t(`notify.kind.${kind}` as MessageKey)
    return message.startsWith('notify.kind.') ? kind.replace(/_/g, ' ') : message
  }
  const hint = (kind: string) => {
    const message = t(`notify.hint.${kind}` as MessageKey)
    return message.startsWith('notify.hint.') ? null : message
  }
  const smsNoteId = `${ids}-sms-note`
  const lockedId = `${ids}-locked`

  const toggle = (change: Change) => {
    if (feedback[change.kind]?.state === 'saving') return
    save.mutate(change)
  }

  const switchFor = (channel: Channel, kind: string) => {
    const values = channel === 'email' ? email : sms
    if (!(kind in values)) {
      return (
        <>
          <span aria-hidden="true" className="muted">
            —
          </span>
          <span className="visually-hidden">
            {channel === 'email' ? t('notify.notByEmail') : t('notify.notBySms')}
          </span>
        </>
      )
    }
    const locked = LOCKED.has(`${channel}.${kind}`)
    const noPhone = channel === 'sms' && !phone
    const label = t(channel === 'email' ? 'notify.byEmail' : 'notify.bySms', { kind: name(kind) })
    return (
      <label className="switch">
        <input
          type="checkbox"
          name={`${channel}.${kind}`}
          checked={noPhone ? false : Boolean(values[kind])}
          disabled={locked || noPhone}
          aria-describedby={locked ? lockedId : noPhone ? smsNoteId : undefined}
          onChange={(e) => toggle({ channel, kind, value: e.target.checked })}
        />
        <span className="visually-hidden">{label}</span>
      </label>
    )
  }

  const feedbackText = (item: Feedback | undefined) => {
    if (!item) return null
    if (item.state === 'saving') return t('notify.saving')
    if (item.state === 'saved') {
      return t(
        item.channel === 'email'
          ? item.value
            ? 'notify.saved.emailOn'
            : 'notify.saved.emailOff'
          : item.value
            ? 'notify.saved.smsOn'
            : 'notify.saved.smsOff',
      )
    }
    return t('notify.failed', { reason: errorMessage(t, item.error) })
  }

  return card(
    <>
      <p className="muted">{t('notify.lead')}</p>
      {phone ? (
        <p className="small" data-testid="sms-to">
          {t('notify.smsTo', { phone })}
        </p>
      ) : (
        <div className="sms-note" data-testid="sms-needs-phone">
          <p id={smsNoteId}>{t('notify.smsNeedsPhone')}</p>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => {
              const section = document.getElementById(PHONE_SECTION_ID)
              section?.scrollIntoView({ block: 'start' })
              section?.querySelector<HTMLElement>('input:not([disabled]), button:not([disabled])')?.focus()
            }}
          >
            {t('notify.addPhone')}
          </button>
        </div>
      )}
      <table className="pref-table">
        <caption className="visually-hidden">{t('notify.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('notify.kind')}</th>
            <th scope="col">{t('notify.email')}</th>
            <th scope="col">{t('notify.sms')}</th>
          </tr>
        </thead>
        <tbody>
          {kinds.map((kind) => {
            const item = feedback[kind]
            const text = feedbackText(item)
            const detail = hint(kind)
            return (
              <tr key={kind} data-kind={kind}>
                <th scope="row">
                  <span className="pref-name">{name(kind)}</span>
                  {detail && <span className="pref-hint">{detail}</span>}
                  {kind === 'security' && (
                    <span className="pref-locked" id={lockedId}>
                      {t('notify.alwaysOn')}
                    </span>
                  )}
                  <span className="pref-feedback" role="status" data-testid={`saved-${kind}`}>
                    {item?.state === 'saved' && <span aria-hidden="true">✓ </span>}
                    {item?.state !== 'failed' && text}
                  </span>
                  {item?.state === 'failed' && (
                    <span className="pref-feedback is-failed" role="alert">
                      {text}
                    </span>
                  )}
                </th>
                <td>{switchFor('email', kind)}</td>
                <td>{switchFor('sms', kind)}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </>,
  )
}
