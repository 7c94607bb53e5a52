import * as Type from '../../json-schema.js'
import { MAX_PRICE } from '../places/money.js'
import { PlaceCard } from '../places/schemas.js'

export const SORTS = ['price', '-price', 'rating', 'distance', 'newest'] as const
export type SearchSort = (typeof SORTS)[number]

/** Results per page when `limit` is not given: a screenful of a search page, not a bulk export. */
export const SEARCH_PAGE_SIZE = 20

const DateString = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'Local date of the listing, YYYY-MM-DD',
})

export const SearchQuery = Type.Object({
  q: Type.Optional(
    Type.String({
      maxLength: 100,
      description: 'Free text: a case-insensitive substring of the title, description or city',
    }),
  ),
  city: Type.Optional(Type.String({ maxLength: 100, description: 'City name (any case)' })),
  country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 code' })),
  bbox: Type.Optional(
    Type.String({
      maxLength: 120,
      description:
        'Map bounds `minLng,minLat,maxLng,maxLat` in degrees; minLng > maxLng crosses the antimeridian',
    }),
  ),
  near: Type.Optional(
    Type.String({
      maxLength: 60,
      description: '`lat,lng`: adds `distance_km` to each result and enables `radius_km` and `sort=distance`',
    }),
  ),
  radius_km: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 20_000,
      description: 'Great-circle distance from `near`, in kilometres',
    }),
  ),
  check_in: Type.Optional(DateString),
  check_out: Type.Optional(
    Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description:
        'With `check_in`: only places free every night of [check_in, check_out) whose stay rules accept the stay; ' +
        'results then carry `nights`, `total_minor` and `total`',
    }),
  ),
  guests: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 50, description: 'Places hosting at least this many guests' }),
  ),
  price_min: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: MAX_PRICE,
      description: "Lowest nightly base price, in major units of the place's currency",
    }),
  ),
  price_max: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: MAX_PRICE,
      description: "Highest nightly base price, in major units of the place's currency",
    }),
  ),
  amenities: Type.Optional(
    Type.String({ maxLength: 2000, description: 'Comma-separated amenity ids: places having all of them' }),
  ),
  instant_book: Type.Optional(
    Type.Boolean({ description: '`true`: instant-book listings only (`false` does not filter)' }),
  ),
  sort: Type.Optional(
    Type.String({
      maxLength: 20,
      description:
        '`price`, `-price` (dearest first), `rating` (best first), `distance` (needs `near`) or `newest`. ' +
        'Default: `distance` with `near`, else `rating`. Ties are broken by id.',
    }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: `Results per page (default ${SEARCH_PAGE_SIZE}, clamped to the configured maximum)`,
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      maxLength: 300,
      description: '`next_cursor` of the previous page (also in `Link: rel="next"`)',
    }),
  ),
})

export const SearchResult = Type.Object({
  ...PlaceCard.properties,
  nights: Type.Optional(Type.Integer({ description: 'With dates: nights of the stay' })),
  total_minor: Type.Optional(
    Type.Integer({
      description: 'With dates: what the stay costs, as a quote computes it (nights, cleaning, fees, taxes)',
    }),
  ),
  total: Type.Optional(Type.Number({ description: 'With dates: total_minor in major units of `currency`' })),
  distance_km: Type.Optional(Type.Number({ description: 'With `near`: great-circle distance, kilometres' })),
})

export const AmenityFacet = Type.Object({ id: Type.String(), name: Type.String(), count: Type.Integer() })

export const PriceBucket = Type.Object({
  min: Type.Number({ description: 'Nightly base price, major units, inclusive' }),
  max: Type.Number({ description: 'Exclusive' }),
  count: Type.Integer(),
})

export const SearchResponse = Type.Object({
  results: Type.Array(SearchResult),
  facets: Type.Object({
    amenities: Type.Array(AmenityFacet, {
      description:
        'Amenities of the matching places (the first `total` of them when `total_is_lower_bound`), ' +
        'with how many have each (most common first)',
    }),
    price_histogram: Type.Array(PriceBucket, {
      description:
        'Nightly base prices of the matching places (the first `total` of them when `total_is_lower_bound`) ' +
        "in equal buckets (at most 10, widths 1, 2 or 5 × 10^n), in major units of each place's currency",
    }),
  }),
  total: Type.Integer({
    description:
      'Places matching the whole search, over all pages, counted exactly up to a limit (1,000 by default, ' +
      '`HBNB_SEARCH_EXACT_TOTAL_MAX`); beyond it, `total` is that limit and `total_is_lower_bound` is true',
  }),
  total_is_lower_bound: Type.Boolean({
    description:
      'True when more places match than `total` (show it as "1,000+"); the facets then cover the first ' +
      '`total` matches in the requested order. Paging with `next_cursor` still reaches every match.',
  }),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
})

export type SearchQueryInput = Type.Static<typeof SearchQuery>
export type SearchResultView = Type.Static<typeof SearchResult>
export type SearchResponseView = Type.Static<typeof SearchResponse>
export type AmenityFacetView = Type.Static<typeof AmenityFacet>
export type PriceBucketView = Type.Static<typeof PriceBucket>
