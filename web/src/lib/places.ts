import { useInfiniteQuery } from '@tanstack/react-query'
import { api, unwrapPage } from '../api/client'
import { placeQueries } from '../api/queries'
import type { PlaceListQuery } from '../api/types'
import { useSession } from './hooks'

/** Places per page on the host's and the administrators' lists. */
export const PLACES_PAGE = 50

/**
 * A list of places a page at a time (`Link: rel="next"` cursors), with the list's total
 * (X-Total-Count). Cached under ['places', ...], so every change to a place refreshes it.
 */
export function usePlaceList(query: Omit<PlaceListQuery, 'cursor' | 'limit'>, enabled = true) {
  const { session } = useSession()
  const result = useInfiniteQuery({
    queryKey: placeQueries.list(session?.user.id, query),
    queryFn: ({ pageParam }) =>
      unwrapPage(
        api.GET('/api/v1/places/', {
          params: { query: { ...query, limit: PLACES_PAGE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
    enabled,
  })
  const places = result.data?.pages.flatMap((page) => page.items) ?? []
  const total = result.data?.pages[0]?.total ?? places.length
  return { ...result, places, total }
}

/** The signed-in host's listings in every status: draft, published and suspended. */
export function useMyListings() {
  const { session } = useSession()
  return usePlaceList({ owner_id: 'me' }, Boolean(session))
}
