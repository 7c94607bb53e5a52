import { ApiError, api, unwrap } from '../api/client'
import type { PlaceSummary, SearchQuery, SearchResponse } from '../api/types'

export const SORTS = ['rating', 'price', '-price', 'newest'] as const

/** The API's search parameters from the page's URL (unknown or empty ones left out). */
export function searchQuery(params: URLSearchParams): SearchQuery {
  const query: Record<string, string | number | boolean> = {}
  for (const name of ['q', 'city', 'country', 'bbox', 'check_in', 'check_out', 'amenities', 'sort', 'near']) {
    const value = params.get(name)
    if (value) query[name] = value
  }
  for (const name of ['guests', 'price_min', 'price_max', 'radius_km']) {
    const value = Number(params.get(name))
    if (params.get(name) && Number.isFinite(value)) query[name] = value
  }
  if (params.get('instant_book') === 'true') query.instant_book = true
  return query as SearchQuery
}

/**
 * One page of search results. Falls back to filtering the public place list when the server has
 * no search endpoint (an older HBNB), so the page still works.
 */
export async function searchPlaces(query: SearchQuery, cursor?: string): Promise<SearchResponse> {
  try {
    return await unwrap(api.GET('/api/v1/search', { params: { query: { ...query, limit: 24, cursor } } }))
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404 && error.code === 'route_not_found')) throw error
  }
  const all = await unwrap(api.GET('/api/v1/places/', { params: { query: { limit: 1000 } } }))
  const q = query.q?.toLowerCase()
  const results = all.filter(
    (p: PlaceSummary) =>
      (!q || `${p.title} ${p.city} ${p.description}`.toLowerCase().includes(q)) &&
      (!query.guests || p.max_guests >= query.guests) &&
      (query.price_min === undefined || p.price >= query.price_min) &&
      (query.price_max === undefined || p.price <= query.price_max),
  )
  return { results, total: results.length, next_cursor: null, facets: { amenities: [], price_histogram: [] } }
}
