// The keys and queries of users and of the signed-in user's account.
import { queryOptions } from '@tanstack/react-query'
import { api, unwrap, WHOLE_LIST } from '../client'
import { apiQuery } from './api-query'

export const userQueries = {
  all: () => apiQuery(['users'], () => api.GET('/api/v1/users/', { params: WHOLE_LIST })),
  me: (userId: string | undefined) => apiQuery(['me', userId], () => api.GET('/api/v1/auth/me')),
}

/** The account settings a user edits in place (optimistic updates set their data directly). */
export const accountQueries = {
  phone: (userId: string) => apiQuery(['phone', userId], () => api.GET('/api/v1/users/me/phone')),
  notificationPreferences: (userId: string) =>
    apiQuery(['notification-preferences', userId], () =>
      api.GET('/api/v1/users/me/notification-preferences'),
    ),
  /**
   * Verifying an address: a query rather than an effect, since the token is single use and a query
   * runs once per token even when React mounts the page twice (StrictMode). Never retried, never
   * run again, for the same reason.
   */
  emailVerification: (token: string) =>
    queryOptions({
      queryKey: ['verify-email', token] as const,
      queryFn: async () => {
        await unwrap(api.POST('/api/v1/auth/verify-email', { body: { token } }))
        return true
      },
      retry: false,
      staleTime: Number.POSITIVE_INFINITY,
      gcTime: Number.POSITIVE_INFINITY,
    }),
}
