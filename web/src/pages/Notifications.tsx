// The in-app notification centre: what happened that concerns me, newest first; opening one marks
// it read and goes to what it is about; all can be marked read at once. The list is live: the
// header (Layout) follows my `user:` topic and has it fetched again when a notification arrives.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { conversationsChanged } from '../api/queries/messaging'
import { notificationQueries } from '../api/queries/notifications'
import { Empty, ErrorBox, OfflineNote, PageHeading, Skeleton } from '../components/ui'
import { useI18n } from '../i18n'
import { useOnline, useSession, useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
import { navigate } from '../lib/router'
import { NeedLogin } from './NotFound'

interface Target {
  conversation_id?: unknown
  place_id?: unknown
}

/** Where a notification leads, if anywhere. */
function targetOf(data: Target): string | undefined {
  if (typeof data.conversation_id === 'string') return paths.conversation(data.conversation_id)
  if (typeof data.place_id === 'string') return paths.place(data.place_id)
  return undefined
}

export default function Notifications() {
  const { t, locale } = useI18n()
  const { session } = useSession()
  const queryClient = useQueryClient()
  // Offline, the list is what this device kept: it can be read, not marked read.
  const online = useOnline()
  useTitle(t('notifications.title'))
  const list = useInfiniteQuery({ ...notificationQueries.list(session?.user.id), enabled: Boolean(session) })
  const refresh = () => void queryClient.invalidateQueries({ queryKey: notificationQueries.all() })
  const markOne = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: refresh,
  })
  const markAll = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/notifications/read-all')),
    onSuccess: refresh,
  })
  if (!session) return <NeedLogin />
  const items = list.data?.pages.flatMap((page) => page.items) ?? []
  const format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  })
  return (
    <div className="container section conversation-page">
      <PageHeading>{t('notifications.title')}</PageHeading>
      {items.some((item) => !item.read) && <OfflineNote>{t('offline.markReadNeedsConnection')}</OfflineNote>}
      {items.some((item) => !item.read) && (
        <p>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            disabled={markAll.isPending || !online}
            onClick={() => markAll.mutate()}
          >
            {t('notifications.markAll')}
          </button>
        </p>
      )}
      {(markAll.error || markOne.error) && <ErrorBox error={markAll.error ?? markOne.error} action />}
      {list.isPending && <Skeleton lines={4} />}
      {list.error && <ErrorBox error={list.error} onRetry={() => list.refetch()} />}
      {list.data && items.length === 0 && <Empty title={t('notifications.empty')} />}
      <ul className="inbox-list" data-testid="notifications-list">
        {items.map((item) => {
          const target = targetOf(item.data as Target)
          return (
            <li key={item.id}>
              <button
                type="button"
                className={`inbox-item card notification-item ${item.read ? '' : 'is-unread'}`}
                onClick={() => {
                  if (!item.read && online) markOne.mutate(item.id)
                  if (target) {
                    void conversationsChanged(queryClient)
                    navigate(target)
                  }
                }}
              >
                <span className="inbox-summary">
                  <span className="inbox-last">{item.text}</span>
                  <time className="muted small" dateTime={item.created_at}>
                    {format.format(new Date(item.created_at))}
                  </time>
                </span>
                {!item.read && <span className="visually-hidden">{t('notifications.unread')}</span>}
              </button>
            </li>
          )
        })}
      </ul>
      {list.hasNextPage && (
        <button
          type="button"
          className="btn btn-ghost"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {t('notifications.more')}
        </button>
      )}
    </div>
  )
}
