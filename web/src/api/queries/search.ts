// The keys and queries of search results.
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query'
import { ApiError, api, unwrap, WHOLE_LIST } from '../client'
import type { PlaceSummary, SearchQuery, SearchResponse } from '../types'

export const searchQueries = {
  /** Every search (results change with any place or calendar). */
  all: () => ['search'] as const,
  /** The results of a search, a page at a time. */
  results: (query: SearchQuery) =>
    infiniteQueryOptions({
      queryKey: ['search', query] as const,
      queryFn: ({ pageParam }) => searchPlaces(query, pageParam),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last) => last.next_cursor ?? undefined,
    }),
  /** The best rated places, on the home page. */
  home: () =>
    queryOptions({
      queryKey: ['search', { sort: 'rating', home: true }] as const,
      queryFn: () => searchPlaces({ sort: 'rating' }),
    }),
}

/**
 * One page of search results. Falls back to filtering the public place list when the server has
 * no search endpoint (an older HBNB), so the page still works.
 */
async function searchPlaces(query: SearchQuery, cursor?: string): Promise<SearchResponse> {
  try {
    return await unwrap(api.GET('/api/v1/search', { params: { query: { ...query, limit: 24, cursor } } }))
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404 && error.code === 'route_not_found')) throw error
  }
  const all = await unwrap(api.GET('/api/v1/places/', { params: WHOLE_LIST }))
  const q = query.q?.toLowerCase()
  const results = all
    .filter(
      (p: PlaceSummary) =>
        (!q || `${p.title} ${p.city} ${p.description}`.toLowerCase().includes(q)) &&
        (!query.guests || p.max_guests >= query.guests) &&
        (query.price_min === undefined || p.price >= query.price_min) &&
        (query.price_max === undefined || p.price <= query.price_max),
    )
    .map((p: PlaceSummary) => ({ ...p, cover_photo: null }))
  return {
    results,
    total: results.length,
    total_is_lower_bound: false,
    next_cursor: null,
    facets: { amenities: [], price_histogram: [] },
  }
}
