// The keys and queries of conversations: my inbox, one conversation, its messages (newest first,
// a page at a time) and my unread totals.
import { infiniteQueryOptions } from '@tanstack/react-query'
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
