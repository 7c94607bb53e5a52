// The keys and queries of bookings, the guest's and the host's.
import { queryOptions } from '@tanstack/react-query'
import { api, unwrap } from '../client'
import { apiQuery } from './api-query'

export const bookingQueries = {
  /** Every list of bookings, the guest's and the host's. */
  all: () => ['bookings'] as const,
  asGuest: (userId: string | undefined) =>
    apiQuery(['bookings', 'guest', userId], () =>
      api.GET('/api/v1/bookings', { params: { query: { role: 'guest', limit: 200 } } }),
    ),
  asHost: (userId: string | undefined) =>
    apiQuery(['bookings', 'host', userId], () =>
      api.GET('/api/v1/bookings', { params: { query: { role: 'host', limit: 200 } } }),
    ),
  pendingForHost: (userId: string | undefined) =>
    apiQuery(['bookings', 'host', userId, 'pending'], () =>
      api.GET('/api/v1/bookings', { params: { query: { role: 'host', status: 'pending' } } }),
    ),
  /** One booking, for its guest or host (a key under `all`, so it is refreshed with the lists). */
  one: (bookingId: string) =>
    apiQuery(['bookings', 'one', bookingId], () =>
      api.GET('/api/v1/bookings/{id}', { params: { path: { id: bookingId } } }),
    ),
  /** What cancelling would refund now: always asked afresh, never kept. */
  cancellation: (bookingId: string) =>
    queryOptions({
      queryKey: ['cancellation', bookingId] as const,
      queryFn: () =>
        unwrap(api.GET('/api/v1/bookings/{id}/cancellation', { params: { path: { id: bookingId } } })),
      staleTime: 0,
      gcTime: 0,
    }),
}
