import type { SearchQuery } from '../api/types'
import { isDate } from './dates'

/** The sorts offered in the page's menu; `distance` also works from an address with `near`. */
export const SORTS = ['rating', 'price', '-price', 'newest'] as const
const NUMBER = String.raw`-?\d+(\.\d+)?`
const BBOX = new RegExp(`^${NUMBER}(,${NUMBER}){3}$`)
const POINT = new RegExp(`^${NUMBER},${NUMBER}$`)

/** Whether a search parameter of the address is one the API understands. */
const VALID: Record<string, (value: string, params: URLSearchParams) => boolean> = {
  q: () => true,
  city: () => true,
  country: (v) => /^[A-Za-z]{2}$/.test(v),
  amenities: () => true,
  bbox: (v) => BBOX.test(v),
  near: (v) => POINT.test(v),
  sort: (v, params) =>
    (SORTS as readonly string[]).includes(v) || (v === 'distance' && POINT.test(params.get('near') ?? '')),
  check_in: (v, params) =>
    isDate(v) && isDate(params.get('check_out')) && (params.get('check_out') ?? '') > v,
  check_out: (v, params) => isDate(v) && isDate(params.get('check_in')) && v > (params.get('check_in') ?? ''),
  guests: (v) => Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 50,
  price_min: (v) => Number(v) >= 0,
  price_max: (v) => Number(v) > 0,
  radius_km: (v) => Number(v) > 0,
  instant_book: (v) => v === 'true' || v === 'false',
}

const NUMERIC = new Set(['guests', 'price_min', 'price_max', 'radius_km'])

/**
 * The API search of the address's parameters. Those it would refuse (a date that is not one, an
 * unknown sort...) are left out and named in `ignored`, so the page shows results and says so.
 */
export function searchQuery(params: URLSearchParams): { query: SearchQuery; ignored: string[] } {
  const query: Record<string, string | number | boolean> = {}
  const ignored: string[] = []
  for (const [name, valid] of Object.entries(VALID)) {
    const value = params.get(name)
    if (!value) continue
    if (!valid(value, params)) {
      ignored.push(name)
      continue
    }
    if (name === 'instant_book') {
      if (value === 'true') query.instant_book = true
    } else query[name] = NUMERIC.has(name) ? Number(value) : value
  }
  return { query: query as SearchQuery, ignored }
}
