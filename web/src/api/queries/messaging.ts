// The keys and queries of conversations: my inbox, one conversation, its messages (newest first,
// a page at a time) and my unread totals.
import { infiniteQueryOptions, type QueryClient } from '@tanstack/react-query'
import { api, unwrapPage } from '../client'
import { apiQuery } from './api-query'

/** Conversations per inbox page, messages per page of a conversation. */
export const INBOX_PAGE = 30
export const MESSAGES_PAGE = 50

export const conversationQueries = {
  /** Everything about conversations (after sending or reading). */
  all: () => ['conversations'] as const,
  /** My inbox's pages (of whoever is signed in). */
  inboxes: () => ['conversations', 'inbox'] as const,
  inbox: (userId: string | undefined) =>
    infiniteQueryOptions({
      queryKey: ['conversations', 'inbox', userId] as const,
      queryFn: ({ pageParam }) =>
        unwrapPage(
          api.GET('/api/v1/conversations', { params: { query: { limit: INBOX_PAGE, cursor: pageParam } } }),
        ),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last) => last.next,
    }),
  detail: (id: string) =>
    apiQuery(['conversations', 'detail', id], () =>
      api.GET('/api/v1/conversations/{id}', { params: { path: { id } } }),
    ),
  messages: (id: string) =>
    infiniteQueryOptions({
      queryKey: ['conversations', 'messages', id] as const,
      queryFn: ({ pageParam }) =>
        unwrapPage(
          api.GET('/api/v1/conversations/{id}/messages', {
            params: { path: { id }, query: { limit: MESSAGES_PAGE, cursor: pageParam } },
          }),
        ),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last) => last.next,
    }),
  unread: (userId: string | undefined) =>
    apiQuery(['conversations', 'unread', userId], () => api.GET('/api/v1/conversations/unread')),
}

/**
 * Conversations changed (a message sent or read, here, in another tab or by the other side): every
 * conversation query is out of date, and those on screen fetch again. So do those off screen that
 * were being fetched, such as the inbox fetched after a read to keep its offline copy current: their
 * answer may have been read before the change and, landing after it, would clear the invalidation,
 * so that the inbox opened next would show it without the change until its stale time had passed.
 */
export function conversationsChanged(queryClient: QueryClient): Promise<void> {
  const all = conversationQueries.all()
  // Both at once: awaiting the first would let such an answer land in between.
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: all }),
    queryClient.refetchQueries({ queryKey: all, type: 'inactive', fetchStatus: 'fetching' }),
  ]).then(() => undefined)
}
