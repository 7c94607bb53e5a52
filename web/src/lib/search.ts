import type { SearchQuery } from '../api/types'

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
