// The inbox (my conversations, the most recently active first, with what is unread) and one
// conversation (its messages, older ones on demand, a box to answer). Messages are plain text.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useEffect, useId, useState } from 'react'
import { api, unwrap } from '../api/client'
import { conversationQueries, conversationsChanged } from '../api/queries/messaging'
import type { Conversation } from '../api/types'
import { Avatar } from '../components/Avatar'
import { MessageText } from '../components/MessageText'
import { Empty, ErrorBox, OfflineNote, PageHeading, Skeleton } from '../components/ui'
import { useI18n } from '../i18n'
import { errorMessage } from '../lib/errors'
import { useOnline, useSession, useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
import { Link } from '../lib/router'
import { NeedLogin } from './NotFound'

/** Characters a message may hold (the server counts them once trimmed). */
export const MESSAGE_MAX = 4000

const tagOf = (locale: string) => (locale === 'fr' ? 'fr-FR' : 'en-GB')

/** When a message was sent, in the reader's time zone: the time today, the date before. */
function shortWhen(iso: string, locale: string): string {
  const when = new Date(iso)
  const today = new Date().toDateString() === when.toDateString()
  return new Intl.DateTimeFormat(
    tagOf(locale),
    today ? { timeStyle: 'short' } : { day: 'numeric', month: 'short' },
  ).format(when)
}

function fullWhen(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(tagOf(locale), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  )
}

/** The other side of a conversation, as the viewer sees it. */
function otherSide(conversation: Conversation) {
  return conversation.role === 'host' ? conversation.guest : conversation.host
}

export default function Inbox() {
  const { t, locale } = useI18n()
  const { session } = useSession()
  useTitle(t('inbox.title'))
  const inbox = useInfiniteQuery({
    ...conversationQueries.inbox(session?.user.id),
    enabled: Boolean(session),
  })
  if (!session) return <NeedLogin />
  const conversations = inbox.data?.pages.flatMap((page) => page.items) ?? []
  return (
    <div className="container section">
      <PageHeading>{t('inbox.title')}</PageHeading>
      {inbox.isPending && <Skeleton lines={4} />}
      {inbox.error && <ErrorBox error={inbox.error} onRetry={() => inbox.refetch()} />}
      {inbox.data && conversations.length === 0 && (
        <Empty title={t('inbox.empty')}>
          <p>{t('inbox.emptyHint')}</p>
          <Link to={paths.search()} className="btn btn-primary">
            {t('trips.findPlace')}
          </Link>
        </Empty>
      )}
      <ul className="inbox-list" data-testid="inbox">
        {conversations.map((conversation) => {
          const other = otherSide(conversation)
          const unread = conversation.unread_count
          return (
            <li key={conversation.id}>
              <Link
                to={paths.conversation(conversation.id)}
                className={`inbox-item card ${unread > 0 ? 'is-unread' : ''}`}
              >
                <Avatar user={other} />
                <span className="inbox-summary">
                  <strong>{other.first_name}</strong>
                  <span className="muted small">
                    {conversation.place.title}
                    {conversation.kind === 'booking' ? ` · ${t('inbox.aboutBooking')}` : ''}
                  </span>
                  {conversation.last_message && (
                    <span className="inbox-last">{conversation.last_message.text}</span>
                  )}
                </span>
                <span className="inbox-meta">
                  <span className="muted small">{shortWhen(conversation.updated_at, locale)}</span>
                  {unread > 0 && (
                    <span className="badge">
                      <span aria-hidden="true">{unread}</span>
                      <span className="visually-hidden">{t('inbox.unread', { count: unread })}</span>
                    </span>
                  )}
                </span>
              </Link>
            </li>
          )
        })}
      </ul>
      {inbox.hasNextPage && (
        <button
          type="button"
          className="btn btn-ghost"
          disabled={inbox.isFetchingNextPage}
          onClick={() => void inbox.fetchNextPage()}
        >
          {t('inbox.more')}
        </button>
      )}
    </div>
  )
}

export function ConversationPage({ id }: { id: string }) {
  const { t, locale } = useI18n()
  const { session } = useSession()
  const queryClient = useQueryClient()
  const formId = useId()
  const [text, setText] = useState('')
  // Offline, the conversation is read from what this device kept: nothing is sent or marked read.
  const online = useOnline()
  const enabled = Boolean(session)
  const conversation = useQuery({ ...conversationQueries.detail(id), enabled })
  const messages = useInfiniteQuery({ ...conversationQueries.messages(id), enabled })
  const other = conversation.data ? otherSide(conversation.data) : undefined
  useTitle(other ? t('inbox.with', { name: other.first_name }) : t('inbox.title'))

  const refresh = () => void conversationsChanged(queryClient)
  const send = useMutation({
    mutationFn: (body: string) =>
      unwrap(
        api.POST('/api/v1/conversations/{id}/messages', { params: { path: { id } }, body: { text: body } }),
      ),
    onSuccess: () => {
      setText('')
      refresh()
    },
  })
  const markRead = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/conversations/{id}/read', { params: { path: { id } }, body: {} })),
    onSuccess: () => {
      refresh()
      // The inbox too when it is not on screen, so that the copy kept for offline use shows it read.
      void queryClient.refetchQueries({ queryKey: conversationQueries.inboxes(), type: 'inactive' })
    },
  })
  // Opening a conversation with unread messages reads them (once online, when opened offline).
  const unread = conversation.data?.role !== 'moderator' ? (conversation.data?.unread_count ?? 0) : 0
  const mark = markRead.mutate
  useEffect(() => {
    if (unread > 0 && online) mark()
  }, [unread, mark, online])

  if (!session) return <NeedLogin />
  // Newest first from the server; shown oldest first, the newest at the bottom.
  const shown = (messages.data?.pages.flatMap((page) => page.items) ?? []).slice().reverse()
  const trimmed = text.trim()
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (trimmed && !send.isPending && online) send.mutate(trimmed)
  }
  return (
    <div className="container section conversation-page">
      <p>
        <Link to={paths.inbox()}>← {t('inbox.title')}</Link>
      </p>
      {conversation.isPending && <Skeleton lines={2} />}
      {conversation.error && <ErrorBox error={conversation.error} onRetry={() => conversation.refetch()} />}
      {conversation.data && other && (
        <header className="conversation-header">
          <Avatar user={other} size="large" />
          <div>
            <PageHeading>{t('inbox.with', { name: other.first_name })}</PageHeading>
            <p className="muted">
              <Link to={paths.place(conversation.data.place.id)}>{conversation.data.place.title}</Link>
              {conversation.data.kind === 'booking' ? ` · ${t('inbox.aboutBooking')}` : ''}
            </p>
            {conversation.data.enquiry_id && (
              <p className="small">
                <Link to={paths.conversation(conversation.data.enquiry_id)}>{t('inbox.earlierEnquiry')}</Link>
              </p>
            )}
          </div>
        </header>
      )}
      {messages.hasNextPage && (
        <button
          type="button"
          className="btn btn-ghost btn-small"
          disabled={messages.isFetchingNextPage}
          onClick={() => void messages.fetchNextPage()}
        >
          {t('inbox.older')}
        </button>
      )}
      {messages.isPending && conversation.data && <Skeleton lines={4} />}
      {messages.error && <ErrorBox error={messages.error} onRetry={() => messages.refetch()} />}
      {messages.data && shown.length === 0 && <p className="muted">{t('inbox.noMessages')}</p>}
      <ol className="message-list" data-testid="messages" aria-live="polite">
        {shown.map((message) => {
          const mine = message.sender_id === session.user.id
          return (
            <li key={message.id} className={`message ${mine ? 'is-mine' : ''}`}>
              <span className="visually-hidden">{mine ? t('inbox.you') : (other?.first_name ?? '')}: </span>
              <MessageText text={message.text} />
              <time className="muted small" dateTime={message.created_at}>
                {fullWhen(message.created_at, locale)}
              </time>
            </li>
          )
        })}
      </ol>
      {conversation.data && conversation.data.role !== 'moderator' && (
        <form className="stack message-form" onSubmit={submit}>
          <label htmlFor={`${formId}-text`}>{t('inbox.write', { name: other?.first_name ?? '' })}</label>
          <textarea
            id={`${formId}-text`}
            name="text"
            rows={3}
            maxLength={MESSAGE_MAX}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) submit(e)
            }}
          />
          <OfflineNote>{t('offline.sendNeedsConnection')}</OfflineNote>
          <div className="row row-end">
            <span className="muted small" aria-live="polite">
              {text.length > MESSAGE_MAX - 200 ? t('inbox.left', { count: MESSAGE_MAX - text.length }) : ''}
            </span>
            <button
              type="submit"
              className="btn btn-primary"
              disabled={!trimmed || send.isPending || !online}
            >
              {send.isPending ? t('inbox.sending') : t('inbox.send')}
            </button>
          </div>
          {send.error && (
            <p className="field-error" role="alert">
              {t('inbox.notSent', { reason: errorMessage(t, send.error, { action: true }) })}
            </p>
          )}
        </form>
      )}
    </div>
  )
}
