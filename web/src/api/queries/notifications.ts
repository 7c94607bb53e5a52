// The keys and queries of the in-app notification centre.
import { infiniteQueryOptions } from '@tanstack/react-query'
import { api, unwrapPage } from '../client'
import { apiQuery } from './api-query'

export const NOTIFICATIONS_PAGE = 30

export const notificationQueries = {
  /** Everything about in-app notifications (after marking some read). */
  all: () => ['notifications'] as const,
  list: (userId: string | undefined) =>
    infiniteQueryOptions({
      queryKey: ['notifications', 'list', userId] as const,
      queryFn: ({ pageParam }) =>
        unwrapPage(
          api.GET('/api/v1/notifications', {
            params: { query: { limit: NOTIFICATIONS_PAGE, cursor: pageParam } },
          }),
        ),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last) => last.next,
    }),
  unread: (userId: string | undefined) =>
    apiQuery(['notifications', 'unread', userId], () => api.GET('/api/v1/notifications/unread-count')),
}
