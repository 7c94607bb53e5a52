import { useQueries, useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { useSession } from './hooks'

export function useWishlists() {
  const { session } = useSession()
  const lists = useQuery({
    queryKey: ['wishlists', session?.user.id],
    queryFn: () => unwrap(api.GET('/api/v1/wishlists')),
    enabled: Boolean(session),
  })
  const details = useQueries({
    queries: (lists.data ?? []).map((list) => ({
      queryKey: ['wishlist', list.id],
      queryFn: () => unwrap(api.GET('/api/v1/wishlists/{id}', { params: { path: { id: list.id } } })),
    })),
  })
  /** Wishlist ids by place id. */
  const saved = new Map<string, Set<string>>()
  for (const detail of details) {
    for (const place of detail.data?.places ?? []) {
      const set = saved.get(place.id) ?? new Set<string>()
      set.add(detail.data!.id)
      saved.set(place.id, set)
    }
  }
  return { lists, saved }
}
