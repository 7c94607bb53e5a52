// Place search: the database narrows the published places with every filter its index entries
// answer exactly (area, text, price, guests, stay length, amenities); exact great-circle distance is
// checked here, and the candidates are put in the search's one total order. They are then visited in
// that order, and only as far as the answer needs: with dates, each visited batch has its time-zone
// rules and (on SQLite; MariaDB's candidates query does it) its free nights checked in one statement.
// The first HBNB_SEARCH_EXACT_TOTAL_MAX + 1 matches give the total and the facets (capped beyond:
// `total_is_lower_bound`), the matches after the cursor give the page, which alone is priced.
import { createHash } from 'node:crypto'
import {
  currencyDigits,
  OTHER_CURRENCIES,
  PRICE_SCALE_DIGITS,
  type PriceScale,
  priceScales,
} from '../../currencies.js'
import { dayNumber, daysBetween, isCalendarDate, localDate, nightsOf } from '../../dates.js'
import { badRequest } from '../../errors.js'
import type { CachedResponse, ResponseCache, Serialize } from '../../infra/cache/index.js'
import { counter, startAtZero } from '../../metrics.js'
import type { AmenityRepository } from '../amenities/repository.js'
import { type FeeRates, priceStay } from '../bookings/pricing.js'
import { type Stay, stayProblems } from '../bookings/rules.js'
import { Tags } from '../cache-scopes.js'
import type { CoversByVersion } from '../photos/service.js'
import { toMajorUnits } from '../places/money.js'
import { toPlaceSummary } from '../places/service.js'
import type {
  Area,
  Candidate,
  CandidateColumns,
  CandidateOrder,
  ExactSearch,
  PageRow,
  PriceBounds,
  SearchFilter,
  SearchRepository,
} from './repository.js'
import { NotInCopy } from './repository.js'
import {
  type AmenityFacetView,
  type PriceBucketView,
  SEARCH_PAGE_SIZE,
  type SearchQueryInput,
  type SearchResponseView,
  type SearchResultView,
  type SearchSort,
  SORTS,
} from './schemas.js'
import type { SearchCopy } from './search-copy.js'
import { zonesByDate } from './zone-dates.js'

export interface SearchOptions extends FeeRates {
  pageSizeMax: number
  /** Matches counted exactly; beyond, the total is this with `total_is_lower_bound` and the facets cover the first this many. */
  exactTotalMax: number
  /** Life of a cached search page. */
  cacheTtlMs?: number
}

/** Mean Earth radius (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088
/** A stay is at most this long (the largest `max_nights` a listing can set). */
export const MAX_STAY_NIGHTS = 1095
export const MAX_AMENITY_FILTERS = 50
export const HISTOGRAM_BUCKETS = 10
/** Amenities per bit column: 30 keeps every mask a positive 32-bit integer. */
const AMENITY_BITS = 30
/** Slack, in degrees, so the bounding box of a radius never loses a point to rounding. */
const BOX_SLACK = 1e-7
const RAD = Math.PI / 180
/** Fewest candidates whose availability one statement asks for. */
const VISIT_BATCH_MIN = 32

/**
 * Searches by who decided their matches: `database` (answered in SQL), `node` (the database met a
 * place it could not decide, or the search is by distance: its candidates were visited in Node).
 */
const searchAnswers = counter('hbnb_search_answers_total', 'Searches answered, by who decided the matches.', [
  'by',
])
startAtZero(searchAnswers, [{ by: 'database' }, { by: 'node' }])

/**
 * With a search copy: searches it `answered`, and those MariaDB answered because the copy was
 * `lagging` (or being loaded), the client had written lately (`client_wrote`), or a place's nights
 * were `not_in_copy`.
 */
const copyOutcomes = counter(
  'hbnb_search_copy_total',
  'Searches and whether the search copy answered them.',
  ['outcome'],
)
/** An answer cached for everyone waits this long at most for the copy to have every earlier change. */
const COPY_CATCH_UP_MS = 250

/** Great-circle (haversine) distance in km between two points given in degrees. */
export function distanceKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const dLat = (lat2 - lat1) * RAD
  const dLng = (lng2 - lng1) * RAD
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)))
}

/** The smallest latitude/longitude box holding every point within `radiusKm` of (lat, lng). */
export function radiusBox(lat: number, lng: number, radiusKm: number): Area {
  const angle = radiusKm / EARTH_RADIUS_KM
  const dLat = angle / RAD + BOX_SLACK
  const minLat = lat - dLat
  const maxLat = lat + dLat
  // A circle reaching a pole covers every longitude.
  if (minLat <= -90 || maxLat >= 90) return { minLat: Math.max(-90, minLat), maxLat: Math.min(90, maxLat) }
  const dLng = Math.asin(Math.min(1, Math.sin(angle) / Math.cos(lat * RAD))) / RAD + BOX_SLACK
  let from = lng - dLng
  let to = lng + dLng
  if (dLng >= 180 || (from < -180 && to > 180)) return { minLat, maxLat }
  if (from < -180) from += 360
  if (to > 180) to -= 360
  return { minLat, maxLat, lng: { from, to } }
}

function invalid(message: string): never {
  throw badRequest(message, 'validation_failed')
}

function numbers(name: string, raw: string, count: number, shape: string): number[] {
  const parts = raw.split(',').map((part) => part.trim())
  const values = parts.map(Number)
  if (parts.length !== count || parts.some((p) => p === '') || values.some((v) => !Number.isFinite(v))) {
    invalid(`${name} must be ${count} comma-separated numbers ${shape}, got "${raw}"`)
  }
  return values
}

function checkLatitude(name: string, value: number) {
  if (value < -90 || value > 90) invalid(`${name}: latitude ${value} is outside -90..90`)
}

function checkLongitude(name: string, value: number) {
  if (value < -180 || value > 180) invalid(`${name}: longitude ${value} is outside -180..180`)
}

function parseBbox(raw: string): Area {
  const [minLng, minLat, maxLng, maxLat] = numbers('bbox', raw, 4, 'minLng,minLat,maxLng,maxLat') as [
    number,
    number,
    number,
    number,
  ]
  checkLongitude('bbox', minLng)
  checkLongitude('bbox', maxLng)
  checkLatitude('bbox', minLat)
  checkLatitude('bbox', maxLat)
  if (minLat > maxLat) invalid(`bbox: minLat ${minLat} is larger than maxLat ${maxLat}`)
  return { minLat, maxLat, lng: { from: minLng, to: maxLng } }
}

function parseNear(raw: string): { lat: number; lng: number } {
  const [lat, lng] = numbers('near', raw, 2, 'lat,lng') as [number, number]
  checkLatitude('near', lat)
  checkLongitude('near', lng)
  return { lat, lng }
}

function parseAmenityIds(raw: string | undefined): string[] {
  if (raw === undefined) return []
  const ids = [
    ...new Set(
      raw
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  ]
  if (ids.length > MAX_AMENITY_FILTERS) invalid(`amenities: at most ${MAX_AMENITY_FILTERS} amenity ids`)
  if (ids.some((id) => id.length > 64)) invalid('amenities: an amenity id is at most 64 characters')
  return ids
}

/** A price in major units as minor units, rounding towards the inside of the range. */
function minorBound(major: number, digits: number, direction: 'up' | 'down'): number {
  const scaled = major * 10 ** digits
  const nearest = Math.round(scaled)
  if (Math.abs(scaled - nearest) < 1e-6) return nearest
  return direction === 'up' ? Math.ceil(scaled) : Math.floor(scaled)
}

function priceBounds(min: number | undefined, max: number | undefined): PriceBounds[] | undefined {
  if (min === undefined && max === undefined) return undefined
  const bounds = ({ currencies, digits, scale }: PriceScale | typeof OTHER_CURRENCIES): PriceBounds => ({
    currencies,
    scale,
    ...(min !== undefined ? { minMinor: minorBound(min, digits, 'up') } : {}),
    ...(max !== undefined ? { maxMinor: minorBound(max, digits, 'down') } : {}),
  })
  return [...priceScales().map(bounds), bounds(OTHER_CURRENCIES)]
}

/** The base price as an integer in 1/10^4 major units, comparable across currencies' decimals. */
function scaledPrice(place: Pick<Candidate, 'price_minor' | 'currency'>): number {
  return place.price_minor * 10 ** (PRICE_SCALE_DIGITS - currencyDigits(place.currency))
}

type SortKey = number[]

interface Match {
  place: Candidate
  distance: number | undefined
  key: SortKey
}

function sortKey(sort: SearchSort, place: Candidate, distance: number | undefined): SortKey {
  switch (sort) {
    case 'price':
      return [scaledPrice(place)]
    case '-price':
      return [-scaledPrice(place)]
    case 'rating':
      return [-place.rating_avg!, -place.rating_count!]
    case 'distance':
      return [distance!]
    case 'newest':
      return [-Date.parse(place.created_at!)]
  }
}

/** The search's total order: the sort key, then the id. */
function compare(a: { key: SortKey; id: string }, b: { key: SortKey; id: string }): number {
  for (let i = 0; i < a.key.length; i++) {
    const diff = a.key[i]! - b.key[i]!
    if (diff !== 0) return diff < 0 ? -1 : 1
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

function encodeCursor(sort: SearchSort, match: Match): string {
  return Buffer.from(JSON.stringify([sort, ...match.key, match.place.id])).toString('base64url')
}

function decodeCursor(raw: string, sort: SearchSort): { key: SortKey; id: string } {
  const bad = () => invalid('cursor is not valid for this search: use the next_cursor of the same search')
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    return bad()
  }
  const keyLength = sort === 'rating' ? 2 : 1
  if (!Array.isArray(parsed) || parsed.length !== keyLength + 2 || parsed[0] !== sort) return bad()
  const key = parsed.slice(1, -1)
  const id = parsed[parsed.length - 1]
  if (!key.every((k) => typeof k === 'number' && Number.isFinite(k)) || typeof id !== 'string') return bad()
  return { key: key as number[], id }
}

/** Equal buckets over the nightly base prices: the narrowest width of 1, 2 or 5 × 10^n that needs at most 10. */
export function priceHistogram(places: Pick<Candidate, 'price_minor' | 'currency'>[]): PriceBucketView[] {
  return histogramOf(places.map(scaledPrice))
}

/** `priceHistogram` of base prices already in 1/10^4 of a major unit. */
function histogramOf(scaled: number[]): PriceBucketView[] {
  if (scaled.length === 0) return []
  let low = scaled[0]!
  let high = scaled[0]!
  for (const value of scaled) {
    if (value < low) low = value
    if (value > high) high = value
  }
  const unit = 10 ** PRICE_SCALE_DIGITS
  const bucketOf = (value: number, width: number) => Math.floor(value / (width * unit))
  let width = 1
  for (let step = 1; bucketOf(high, width) - bucketOf(low, width) + 1 > HISTOGRAM_BUCKETS; step++) {
    width = [1, 2, 5][step % 3]! * 10 ** Math.floor(step / 3)
  }
  const first = bucketOf(low, width)
  const counts = new Array<number>(bucketOf(high, width) - first + 1).fill(0)
  for (const value of scaled) counts[bucketOf(value, width) - first]!++
  return counts.map((count, i) => ({ min: (first + i) * width, max: (first + i + 1) * width, count }))
}

/**
 * The candidates of a search in its order, read from the database as far as they are needed: all
 * at once (`firstLimit` undefined: the database does not order them, they are sorted here), or
 * `firstLimit` first and then twice as many each time, after the last one read.
 */
class CandidateList {
  readonly pool: Match[] = []
  private complete = false
  private last: { key: SortKey; id: string } | undefined
  private limit: number

  constructor(
    private readonly fetch: (
      after: { key: SortKey; id: string } | undefined,
      limit: number,
    ) => Promise<Candidate[]>,
    private readonly toMatch: (place: Candidate) => Match,
    /** False for a candidate that is not a match after all (outside the radius). */
    private readonly accept: (match: Match) => boolean,
    after: { key: SortKey; id: string } | undefined,
    private readonly firstLimit: number | undefined,
  ) {
    this.last = after
    this.limit = firstLimit ?? 0
  }

  /** Whether there is a candidate at `index` (reading more from the database when needed). */
  async has(index: number): Promise<boolean> {
    while (index >= this.pool.length && !this.complete) await this.more()
    return index < this.pool.length
  }

  private async more(): Promise<void> {
    const rows = await this.fetch(this.last, this.limit)
    const matches: Match[] = []
    for (const place of rows) {
      const match = this.toMatch(place)
      if (this.accept(match)) matches.push(match)
    }
    matches.sort((a, b) => compare({ key: a.key, id: a.place.id }, { key: b.key, id: b.place.id }))
    if (this.firstLimit === undefined) {
      // Unordered: every candidate at once.
      this.complete = true
    } else {
      this.complete = rows.length < this.limit
      const lastRow = rows[rows.length - 1]
      // The keyset goes on after the last row read, whether or not it was a match (radius).
      if (lastRow) this.last = { key: this.toMatch(lastRow).key, id: lastRow.id }
      this.limit *= 2
    }
    for (const match of matches) this.pool.push(match)
  }
}

/**
 * How the database orders a search's candidates (`ORDER BY ... LIMIT`, after a position): for every
 * sort but distance, which is sorted here once every candidate is read (undefined).
 */
function candidateOrder(
  sort: SearchSort,
  limit: number,
  after?: { key: SortKey; id: string },
): CandidateOrder | undefined {
  return sort === 'distance' ? undefined : { sort, after, limit, priceScales: priceScales() }
}

interface ParsedSearch {
  filter: SearchFilter
  near: { lat: number; lng: number } | undefined
  radiusKm: number | undefined
  stay: Stay | undefined
  lead: number
  sort: SearchSort
  limit: number
  after: { key: SortKey; id: string } | undefined
}

export interface SearchServiceDeps {
  search: SearchRepository
  /** The search copy (HBNB_SEARCH_COPY), which answers searches while it is current. */
  copy?: SearchCopy
  /** Whether the request's client wrote lately: its searches then read MariaDB, which has its writes. */
  clientWroteRecently?: () => Promise<boolean>
  amenities: AmenityRepository
  /** The cover photos of listings from their versions read with the page (the photos module's). */
  covers: CoversByVersion
  options: SearchOptions
  cache: ResponseCache
  /** The clock (milliseconds since the epoch). */
  now: () => number
}

export class SearchService {
  constructor(private readonly deps: SearchServiceDeps) {}

  /**
   * `find` serialized, from the cache: a search page is the same for everyone. The key holds the
   * query and today's UTC date (searches with dates depend on it).
   */
  async findResponse(query: SearchQueryInput, serialize?: Serialize): Promise<CachedResponse> {
    const cache = this.deps.cache
    const entries = Object.entries(query).filter(([, value]) => value !== undefined)
    entries.sort(([a], [b]) => (a < b ? -1 : 1))
    const dated = query.check_in !== undefined || query.check_out !== undefined
    const hash = createHash('sha1').update(JSON.stringify(entries)).digest('base64url')
    const today = new Date(this.deps.now()).toISOString().slice(0, 10)
    const key = `search:${today}:${hash}`
    const build = async () => {
      const found = await this.find(query, cache.enabled)
      return { value: found, total: found.total, next: found.next_cursor ?? undefined }
    }
    return cache.get('search', key, Tags.search(dated), build, {
      ttlMs: this.deps.options.cacheTtlMs,
      serialize,
    })
  }

  /**
   * The search, from the search copy when there is one that is current and holds what the search
   * needs; else from MariaDB. `shared`: the answer is cached for everyone, so the copy must first
   * have every change committed before the search began.
   */
  async find(query: SearchQueryInput, shared = false): Promise<SearchResponseView> {
    const copy = this.deps.copy
    if (!copy) return this.findWith(this.deps.search, query)
    if (await this.deps.clientWroteRecently?.()) {
      copyOutcomes.inc({ outcome: 'client_wrote' })
      return this.findWith(this.deps.search, query)
    }
    const current = shared ? await copy.caughtUp(COPY_CATCH_UP_MS) : copy.current()
    if (!current) {
      copyOutcomes.inc({ outcome: 'lagging' })
      return this.findWith(this.deps.search, query)
    }
    try {
      const found = await this.findWith(current, query)
      copyOutcomes.inc({ outcome: 'answered' })
      return found
    } catch (error) {
      if (!(error instanceof NotInCopy)) throw error
      copyOutcomes.inc({ outcome: 'not_in_copy' })
      return this.findWith(this.deps.search, query)
    }
  }

  private async findWith(search: SearchRepository, query: SearchQueryInput): Promise<SearchResponseView> {
    const now = this.deps.now()
    const parsed = await this.parse(query, now)
    const empty = {
      results: [],
      facets: { amenities: [], price_histogram: [] },
      total: 0,
      total_is_lower_bound: false,
      next_cursor: null,
    }
    // Check-in before today in every time zone: nothing can match.
    if (parsed.stay && parsed.lead + 1 < 0) return empty

    const amenities = await search.amenities()
    const answer = await this.answerInSql(search, parsed, amenities, now)
    searchAnswers.inc({ by: answer ? 'database' : 'node' })
    if (answer) return answer === 'none' ? empty : answer
    const columns = this.columnsFor(parsed, amenities)
    // The candidates pass every filter the index entries answer (area, text, price from the stored
    // base price, guests, stay length and the rules that hold in every time zone, amenities). Every
    // sort but distance is the database's (ORDER BY with a LIMIT, continued after the last one read
    // when more are needed); by distance, they are all read and put in order here.
    const cap = this.deps.options.exactTotalMax
    const ordered = parsed.sort !== 'distance'
    const list = (after: { key: SortKey; id: string } | undefined, wanted: number) =>
      new CandidateList(
        (from, limit) => search.candidates(parsed.filter, columns, candidateOrder(parsed.sort, limit, from)),
        (place) => {
          const distance = parsed.near
            ? distanceKm(parsed.near.lat, parsed.near.lng, place.latitude!, place.longitude!)
            : undefined
          return { place, distance, key: sortKey(parsed.sort, place, distance) }
        },
        (match) => parsed.radiusKm === undefined || match.distance! <= parsed.radiusKm,
        after,
        // A quarter more than wanted: some candidates turn out booked.
        ordered ? Math.ceil(wanted * 1.25) + 8 : undefined,
      )

    // They are visited in that order, and only as far as the answer needs: the first
    // exactTotalMax + 1 matches (the total and facets) and the page after the cursor.
    const after = parsed.after
    const head = list(undefined, Math.max(cap, after ? 0 : parsed.limit) + 1)
    if (!(await head.has(0))) return empty
    const visitHead = this.visitor(search, head, parsed.stay, parsed.filter.stay?.at, now)
    const first = await visitHead(0, cap + 1)
    const capped = first.length > cap
    const counted = capped ? first.slice(0, cap) : first
    if (counted.length === 0) return empty

    let found: Match[]
    if (!after) {
      found = await visitHead(0, parsed.limit + 1)
    } else if (ordered) {
      // The page: the candidates after the cursor, read from there.
      const page = list(after, parsed.limit + 1)
      found = await this.visitor(search, page, parsed.stay, parsed.filter.stay?.at, now)(0, parsed.limit + 1)
    } else {
      const start = head.pool.findIndex((m) => compare({ key: m.key, id: m.place.id }, after) > 0)
      found = start < 0 ? [] : await visitHead(start, parsed.limit + 1)
    }
    const page = found.slice(0, parsed.limit)
    const hasMore = found.length > parsed.limit
    return {
      results: await this.results(search, page, parsed.stay),
      facets: {
        amenities: amenityFacet(counted, columns.amenityBits, amenities),
        price_histogram: priceHistogram(counted.map((m) => m.place)),
      },
      total: counted.length,
      total_is_lower_bound: capped,
      next_cursor: hasMore ? encodeCursor(parsed.sort, page[page.length - 1]!) : null,
    }
  }

  /**
   * The search answered by the database alone, when it can decide every match it meets (most
   * searches): a summary of the first HBNB_SEARCH_EXACT_TOTAL_MAX + 1 matches (the total and the
   * facets; in the search's order only when there are more) and the page in the search's order,
   * so the work grows with the page, not with the matches. Undefined when the database meets a
   * place it cannot decide (see ExactStay) or the search is by distance: `find` then visits the
   * candidates in Node. 'none' when nothing matches.
   */
  private async answerInSql(
    search: SearchRepository,
    parsed: ParsedSearch,
    amenities: { id: string; name: string }[],
    now: number,
  ): Promise<SearchResponseView | 'none' | undefined> {
    if (parsed.near) return undefined
    const filter = parsed.filter
    // The holds once for every statement of the search.
    let exact = await search.withHolds(this.exactSearch(parsed))
    const cap = this.deps.options.exactTotalMax
    const sort = parsed.sort as CandidateOrder['sort']
    // Without a cursor the summary reads the first `cap` + 1 matches in the search's order, so
    // the page is their first ids. With one, it reads them in no order (cheaper), and again in
    // order only when there are more than `cap`; the page is then read after the cursor.
    const first = () =>
      parsed.after
        ? search.summary(filter, exact, { limit: cap + 1, priceScales: priceScales() })
        : search.summary(filter, exact, candidateOrder(sort, cap + 1)!, cap)
    let summary = await first()
    if (summary.uncertain === 0 && summary.unzoned > 0 && exact.stay && !exact.stay.zones) {
      // Some places' notice or window depends on their local date: again with the time zones'.
      exact = { stay: { ...exact.stay, zones: zonesByDate(now) } }
      summary = await first()
    }
    if (summary.uncertain > 0 || summary.unzoned > 0) return undefined
    if (summary.matches === 0) return 'none'
    const capped = summary.matches > cap
    if (capped && parsed.after) {
      summary = await search.summary(filter, exact, candidateOrder(sort, cap)!)
      if (summary.uncertain > 0 || summary.unzoned > 0) return undefined
    }
    const stayNights = parsed.stay && { from: parsed.stay.check_in, to: parsed.stay.check_out }
    let found: Match[]
    let rows: PageRow[] | undefined
    // The ids hold the page unless capped below it.
    if (!parsed.after && summary.ids && (!capped || summary.ids.length > parsed.limit)) {
      const ids = summary.ids.slice(0, parsed.limit + 1)
      rows = await search.pageRows(ids, stayNights)
      const byId = new Map(rows.map((row) => [row.id, row]))
      // A place deleted since the summary is left out.
      found = ids.flatMap((id) => {
        const place = byId.get(id)
        return place ? [{ place, distance: undefined, key: sortKey(sort, place, undefined) }] : []
      })
    } else {
      const candidates = await search.candidates(
        filter,
        pageColumns(parsed),
        candidateOrder(sort, parsed.limit + 1, parsed.after),
        exact,
      )
      if (candidates.some((place) => place.uncertain)) return undefined
      found = candidates.map((place) => ({
        place,
        distance: undefined,
        key: sortKey(sort, place, undefined),
      }))
    }
    const page = found.slice(0, parsed.limit)
    const names = new Map(amenities.map((a) => [a.id, a.name]))
    const facet: AmenityFacetView[] = []
    for (const [id, count] of summary.amenityCounts) {
      const name = names.get(id)
      if (name !== undefined) facet.push({ id, name, count })
    }
    return {
      results: await this.results(search, page, parsed.stay, rows),
      facets: { amenities: facet.sort(byCount), price_histogram: histogramOf(summary.prices) },
      total: capped ? cap : summary.matches,
      total_is_lower_bound: capped,
      next_cursor: found.length > parsed.limit ? encodeCursor(parsed.sort, page[page.length - 1]!) : null,
    }
  }

  /** What the database decides of a search answered in SQL: with dates, the stay (no zones yet). */
  private exactSearch(parsed: ParsedSearch): ExactSearch {
    const stay = parsed.filter.stay
    if (!stay) return {}
    return {
      stay: {
        checkInDay: dayNumber(stay.checkIn),
        nights: stay.nights,
        lead: parsed.lead,
        dates: { checkIn: stay.checkIn, checkOut: stay.checkOut, at: stay.at },
      },
    }
  }

  /**
   * `visit(from, wanted)`: the first `wanted` matches among the list's candidates from `from` on (in
   * the search's order). Without dates every candidate matches. With dates the candidates are
   * checked in batches (the stay rules that depend on the listing's time zone, then, unless the
   * candidates query did, one availability statement per batch), each at most once per search, the
   * batch sized after what is still wanted.
   */
  private visitor(
    search: SearchRepository,
    list: CandidateList,
    stay: Stay | undefined,
    at: string | undefined,
    now: number,
  ) {
    const pool = list.pool
    if (!stay) {
      return async (from: number, wanted: number): Promise<Match[]> => {
        await list.has(from + wanted - 1)
        return pool.slice(from, from + wanted)
      }
    }
    const nights = { checkIn: stay.check_in, checkOut: stay.check_out, at: at! }
    const verdicts: (boolean | undefined)[] = []
    const check = async (indexes: number[]) => {
      const batch = indexes.map((i) => pool[i]!.place)
      const allowed = await this.allowedStays(search, batch, stay, now)
      const open = batch.filter((place) => place.settled === 1 || allowed.has(place.id))
      const taken = open.length === 0 ? new Set<string>() : await search.takenAmong(open, nights)
      indexes.forEach((i, n) => {
        const place = batch[n]!
        verdicts[i] = (place.settled === 1 || allowed.has(place.id)) && !taken.has(place.id)
      })
    }
    return async (from: number, wanted: number): Promise<Match[]> => {
      const found: Match[] = []
      for (let i = from; found.length < wanted && (await list.has(i)); i++) {
        if (verdicts[i] === undefined) {
          // A few more than still wanted: some candidates turn out booked.
          const size = Math.max(VISIT_BATCH_MIN, Math.ceil((wanted - found.length) * 1.25))
          await list.has(i + size - 1)
          const unchecked: number[] = []
          for (let j = i; j < pool.length && unchecked.length < size; j++) {
            if (verdicts[j] === undefined) unchecked.push(j)
          }
          await check(unchecked)
        }
        if (verdicts[i]) found.push(pool[i]!)
      }
      return found
    }
  }

  /** The query plan of the database's part of a search, for benchmarks and tuning. */
  async explain(query: SearchQueryInput): Promise<Record<string, unknown>[]> {
    const now = this.deps.now()
    const parsed = await this.parse(query, now)
    if (!parsed.near) {
      return this.deps.search.explainExact(
        parsed.filter,
        this.exactSearch(parsed),
        pageColumns(parsed),
        candidateOrder(parsed.sort, parsed.limit + 1, parsed.after)!,
        this.deps.options.exactTotalMax,
      )
    }
    return this.deps.search.explain(
      parsed.filter,
      this.columnsFor(parsed, await this.deps.search.amenities()),
      candidateOrder(parsed.sort, Math.max(this.deps.options.exactTotalMax, parsed.limit) + 1),
    )
  }

  private columnsFor(parsed: ParsedSearch, amenities: { id: string }[]): CandidateColumns {
    const amenityBits: string[][] = []
    for (let i = 0; i < amenities.length; i += AMENITY_BITS) {
      amenityBits.push(amenities.slice(i, i + AMENITY_BITS).map((a) => a.id))
    }
    return {
      rating: parsed.sort === 'rating',
      created: parsed.sort === 'newest',
      location: parsed.near !== undefined,
      ...(parsed.stay ? { lead: parsed.lead } : {}),
      amenityBits,
    }
  }

  /**
   * The notice and window rules depend on each listing's local date. The database settles most
   * places (the rules hold whatever the time zone); the others are checked here, exactly.
   */
  private async allowedStays(
    search: SearchRepository,
    candidates: Candidate[],
    stay: Stay,
    now: number,
  ): Promise<Set<string>> {
    const unsettled = candidates.filter((c) => c.settled !== 1).map((c) => c.id)
    const allowed = new Set<string>()
    if (unsettled.length === 0) return allowed
    for (const terms of await search.stayTerms(unsettled)) {
      if (stayProblems(terms, stay, now).length === 0) allowed.add(terms.id)
    }
    return allowed
  }

  /** The page's results, from their rows (`pageRows`, read here unless given). */
  private async results(
    search: SearchRepository,
    page: Match[],
    stay: Stay | undefined,
    pageRows?: PageRow[],
  ): Promise<SearchResultView[]> {
    const ids = page.map((m) => m.place.id)
    const rows = pageRows ?? (await search.pageRows(ids, stay && { from: stay.check_in, to: stay.check_out }))
    const byId = new Map(rows.map((row) => [row.id, row]))
    const covers = await this.deps.covers(
      new Map(rows.flatMap((row) => (row.cover_version ? [[row.id, row.cover_version]] : []))),
    )
    const nights = stay ? nightsOf(stay.check_in, stay.check_out) : []
    const results: SearchResultView[] = []
    for (const match of page) {
      const row = byId.get(match.place.id)
      if (!row) continue // deleted since the candidates were read
      const result: SearchResultView = { ...toPlaceSummary(row), cover_photo: covers.get(row.id) ?? null }
      if (stay) {
        const overrides = new Map(
          (row.overrides ? row.overrides.split(',') : []).map((pair) => {
            const [night, price] = pair.split('=')
            return [night!, Number(price)]
          }),
        )
        const nightly = nights.map((date) => ({ date, price_minor: overrides.get(date) ?? row.price_minor }))
        const charges = priceStay(nightly, row.cleaning_fee_minor, this.deps.options)
        result.nights = nightly.length
        result.total_minor = charges.total_minor
        result.total = toMajorUnits(charges.total_minor, row.currency)
      }
      if (match.distance !== undefined) result.distance_km = Math.round(match.distance * 1000) / 1000
      results.push(result)
    }
    return results
  }

  private async parse(query: SearchQueryInput, now: number): Promise<ParsedSearch> {
    const sort = (query.sort ?? (query.near !== undefined ? 'distance' : 'rating')) as SearchSort
    if (!SORTS.includes(sort)) invalid(`sort must be one of ${SORTS.join(', ')}, got "${query.sort}"`)
    const near = query.near !== undefined ? parseNear(query.near) : undefined
    if (query.radius_km !== undefined && !near) invalid('radius_km needs near=lat,lng')
    if (sort === 'distance' && !near) invalid('sort=distance needs near=lat,lng')
    if (query.price_min !== undefined && query.price_max !== undefined && query.price_min > query.price_max) {
      invalid(`price_min (${query.price_min}) must not be larger than price_max (${query.price_max})`)
    }

    const areas: Area[] = []
    if (query.bbox !== undefined) areas.push(parseBbox(query.bbox))
    if (near && query.radius_km !== undefined) areas.push(radiusBox(near.lat, near.lng, query.radius_km))

    let stay: Stay | undefined
    let lead = 0
    const filter: SearchFilter = {
      areas,
      amenityIds: parseAmenityIds(query.amenities),
      instantBook: query.instant_book === true,
      prices: priceBounds(query.price_min, query.price_max),
    }
    if (query.check_in !== undefined || query.check_out !== undefined) {
      if (query.check_in === undefined || query.check_out === undefined) {
        invalid('check_in and check_out go together: give both, or neither')
      }
      if (!isCalendarDate(query.check_in)) invalid('check_in must be a date written YYYY-MM-DD')
      if (!isCalendarDate(query.check_out)) invalid('check_out must be a date written YYYY-MM-DD')
      const nights = daysBetween(query.check_in, query.check_out)
      if (nights <= 0) invalid('check_out must be after check_in')
      if (nights > MAX_STAY_NIGHTS) invalid(`a stay is at most ${MAX_STAY_NIGHTS} nights`)
      stay = { check_in: query.check_in, check_out: query.check_out, guests: query.guests ?? 1 }
      lead = daysBetween(localDate(now, 'UTC'), query.check_in)
      filter.stay = {
        checkIn: query.check_in,
        checkOut: query.check_out,
        nights,
        maxLead: lead + 1,
        minLead: lead - 1,
        at: new Date(now).toISOString(),
      }
    }
    if (query.guests !== undefined) filter.minGuests = query.guests
    const text = query.q?.trim().toLowerCase()
    if (text) filter.text = text
    const city = query.city?.trim().toLowerCase()
    if (city) filter.city = city
    if (query.country) filter.country = query.country.toUpperCase()

    if (filter.amenityIds.length) {
      const known = new Set(await this.deps.amenities.existing(filter.amenityIds))
      const unknown = filter.amenityIds.filter((id) => !known.has(id))
      if (unknown.length) invalid(`amenities: unknown amenity id ${unknown.join(', ')}`)
    }
    return {
      filter,
      near,
      radiusKm: query.radius_km,
      stay,
      lead,
      sort,
      limit: Math.min(query.limit ?? SEARCH_PAGE_SIZE, this.deps.options.pageSizeMax),
      after: query.cursor !== undefined ? decodeCursor(query.cursor, sort) : undefined,
    }
  }
}

/** What the page of a search answered in SQL reads of each place: its sort key. */
function pageColumns(parsed: ParsedSearch): CandidateColumns {
  return {
    rating: parsed.sort === 'rating',
    created: parsed.sort === 'newest',
    location: false,
    amenityBits: [],
  }
}

function byCount(a: AmenityFacetView, b: AmenityFacetView): number {
  return b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1)
}

/** How many matching places have each amenity, from the bits the database returned. */
function amenityFacet(
  matches: Match[],
  amenityBits: string[][],
  amenities: { id: string; name: string }[],
): AmenityFacetView[] {
  const names = new Map(amenities.map((a) => [a.id, a.name]))
  const facet: AmenityFacetView[] = []
  amenityBits.forEach((ids, k) => {
    const counts = new Array<number>(ids.length).fill(0)
    const column = `amenities_${k}` as const
    for (const { place } of matches) {
      for (let mask = place[column] ?? 0; mask !== 0; mask &= mask - 1)
        counts[31 - Math.clz32(mask & -mask)]!++
    }
    ids.forEach((id, bit) => {
      if (counts[bit]) facet.push({ id, name: names.get(id)!, count: counts[bit]! })
    })
  })
  return facet.sort(byCount)
}
