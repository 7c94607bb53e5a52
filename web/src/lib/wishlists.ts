import { useQueries, useQuery } from '@tanstack/react-query'
import { wishlistQueries } from '../api/queries/wishlists'
import { useSession } from './hooks'

export function useWishlists() {
  const { session } = useSession()
  const lists = useQuery({ ...wishlistQueries.mine(session?.user.id), enabled: Boolean(session) })
  const details = useQueries({
    queries: (lists.data ?? []).map((list) => wishlistQueries.detail(list.id)),
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
