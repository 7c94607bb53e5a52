// The keys and queries of wishlists.
import { api } from '../client'
import { apiQuery } from './api-query'

export const wishlistQueries = {
  /** Every user's list of wishlists. */
  lists: () => ['wishlists'] as const,
  /** Every single wishlist. */
  details: () => ['wishlist'] as const,
  mine: (userId: string | undefined) => apiQuery(['wishlists', userId], () => api.GET('/api/v1/wishlists')),
  detail: (id: string) =>
    apiQuery(['wishlist', id], () => api.GET('/api/v1/wishlists/{id}', { params: { path: { id } } })),
}
