// The keys and queries of wishlists.
import { queryOptions } from '@tanstack/react-query'
import { api, unwrap } from '../client'

export const wishlistQueries = {
  /** Every user's list of wishlists. */
  lists: () => ['wishlists'] as const,
  /** Every single wishlist. */
  details: () => ['wishlist'] as const,
  mine: (userId: string | undefined) =>
    queryOptions({
      queryKey: ['wishlists', userId] as const,
      queryFn: () => unwrap(api.GET('/api/v1/wishlists')),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: ['wishlist', id] as const,
      queryFn: () => unwrap(api.GET('/api/v1/wishlists/{id}', { params: { path: { id } } })),
    }),
}
