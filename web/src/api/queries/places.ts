// The keys and queries of places. A reader asks for `placeQueries.detail(id)`, and a change to a
// place calls `invalidatePlace`, so the reader and the writers that refresh it share one key.
import { infiniteQueryOptions, type QueryClient } from '@tanstack/react-query'
import { api, unwrapPage } from '../client'
import type { PlaceListQuery } from '../types'
import { apiQuery } from './api-query'
import { searchQueries } from './search'

/** Places per page on the host's and the administrators' lists. */
export const PLACES_PAGE = 50

export type PlaceListFilter = Omit<PlaceListQuery, 'cursor' | 'limit'>

export const placeQueries = {
  /** Every list of places (host listings, admin lists). */
  lists: () => ['places'] as const,
  /** A list a page at a time (`Link: rel="next"` cursors), with its total (X-Total-Count). */
  list: (userId: string | undefined, query: PlaceListFilter) =>
    infiniteQueryOptions({
      queryKey: ['places', 'list', userId, query] as const,
      queryFn: ({ pageParam }) =>
        unwrapPage(
          api.GET('/api/v1/places/', {
            params: { query: { ...query, include: 'cover_photo', limit: PLACES_PAGE, cursor: pageParam } },
          }),
        ),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last) => last.next,
    }),
  detail: (id: string) =>
    apiQuery(['place', id], () => api.GET('/api/v1/places/{id}', { params: { path: { id } } })),
}

/** After a change to a place: its detail, every list of places and every search. */
export function invalidatePlace(queryClient: QueryClient, id: string) {
  void queryClient.invalidateQueries({ queryKey: placeQueries.lists() })
  void queryClient.invalidateQueries({ queryKey: placeQueries.detail(id).queryKey })
  void queryClient.invalidateQueries({ queryKey: searchQueries.all() })
}
