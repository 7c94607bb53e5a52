import { useInfiniteQuery } from '@tanstack/react-query'
import { type PlaceListFilter, placeQueries } from '../api/queries/places'
import { useSession } from './hooks'

/**
 * A list of places a page at a time, with the list's total. Cached under `placeQueries.lists()`,
 * so every change to a place refreshes it.
 */
export function usePlaceList(query: PlaceListFilter, enabled = true) {
  const { session } = useSession()
  const result = useInfiniteQuery({ ...placeQueries.list(session?.user.id, query), enabled })
  const places = result.data?.pages.flatMap((page) => page.items) ?? []
  const total = result.data?.pages[0]?.total ?? places.length
  return { ...result, places, total }
}

/** The signed-in host's listings in every status: draft, published and suspended. */
export function useMyListings() {
  const { session } = useSession()
  return usePlaceList({ owner_id: 'me' }, Boolean(session))
}
