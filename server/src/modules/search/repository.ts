import {
  type AliasedRawBuilder,
  CompiledQuery,
  type ExpressionBuilder,
  type RawBuilder,
  type SelectQueryBuilder,
  sql,
} from 'kysely'
import { dayNumber, daysBetween } from '../../dates.js'
import type { Database } from '../../db/database.js'
import { hexShowsTaken, stayFreeInRecord, stayInRecord } from '../../db/night-records.js'
import { currencyListSql, scaledPriceSql } from '../../db/scaled-price.js'
import type { DB, PlaceRow } from '../../db/schema.js'
import { cellsOf, searchCell } from '../../db/search-cells.js'
import { directReadOf } from '../../db/sqlite.js'
import { placeCoverVersion } from '../photos/repository.js'
import { amenityBits, bitsOf, MASK_BITS, maskOf } from './amenity-bits-repository.js'
import type { ZonesByDate } from './zone-dates.js'

/** A longitude interval; `from > to` means it crosses the antimeridian. */
export interface LngRange {
  from: number
  to: number
}

/** A latitude band and, unless it spans every longitude, a longitude interval. */
export interface Area {
  minLat: number
  maxLat: number
  lng?: LngRange
}

/** Base-price bounds, in minor units, for the currencies with the same number of decimals (all give the same sides). */
export interface PriceBounds {
  /** The currencies these bounds apply to; `others` is every currency not listed by another bound. */
  currencies: string[] | 'others'
  /** Their minor units times this are 1/10^4 of a major unit. */
  scale: number
  minMinor?: number
  maxMinor?: number
}

/**
 * What the candidates query filters on. Everything here is exact except `stay`: its notice and
 * window are a superset, and the nights' availability is checked by `takenAmong`.
 */
export interface SearchFilter {
  /** Lower-cased; matched as a substring of title, description and city. */
  text?: string
  /** Lower-cased. */
  city?: string
  /** Upper-cased. */
  country?: string
  /** Every area must contain the place. */
  areas: Area[]
  minGuests?: number
  stay?: {
    checkIn: string
    checkOut: string
    nights: number
    /** Days from the listing's local today to check-in, at most and at least, over every time zone. */
    maxLead: number
    minLead: number
    /** Now: checkout holds ending by then take no night. */
    at: string
  }
  prices?: PriceBounds[]
  amenityIds: string[]
  instantBook: boolean
}

/** The nights of a stay, and now (checkout holds ending by then take no night). */
export interface StayNights {
  checkIn: string
  checkOut: string
  at: string
}

/** What a search reads of each matching place besides its id and base price. */
export interface CandidateColumns {
  /** rating_avg and rating_count (rating sort). */
  rating: boolean
  /** created_at (newest first). */
  created: boolean
  /** latitude and longitude (distance). */
  location: boolean
  /**
   * With dates: `settled` is 1 when the notice and window rules hold in every time zone for check-in
   * this many days after today in UTC (the lead); 0 when the listing's own today decides.
   */
  lead?: number
  /** Amenity ids by bit: column `amenities_<k>` has bit b set when the place has `amenityBits[k][b]`. */
  amenityBits: string[][]
}

export interface Candidate {
  id: string
  price_minor: number
  currency: string
  rating_avg?: number
  rating_count?: number
  created_at?: string
  latitude?: number
  longitude?: number
  settled?: number
  /**
   * With dates, from the place's record of taken nights (db/night-records.ts, `stayInRecord`): NULL
   * when it does not cover the stay, '' when the stay's nights are free, else the bytes to test.
   */
  taken_from_day?: number | null
  stay_in_record?: string | null
  /** With an ExactSearch: 1 when SQL could not decide whether the place matches. */
  uncertain?: number
  [amenities: `amenities_${number}`]: number | null
}

/**
 * What makes a place an exact match in SQL (the search answered by `summary` and an ordered
 * `candidates`), with dates: the stay's nights free in the place's record of taken nights, its
 * notice and booking window from its own local date, and no checkout hold on them. A place whose
 * record does not decide (not known, or not covering the stay) is counted as `uncertain`; one whose
 * notice or window depends on its local date is `unzoned` when `zones` are not given, or when its
 * time zone is not among them. The caller then answers the search in Node instead, or asks again
 * with the zones.
 */
export interface ExactStay {
  checkInDay: number
  nights: number
  /** Days from UTC's date to check-in. */
  lead: number
  /**
   * Which time zones' date is behind UTC's, the same, or ahead: only when a search met places that
   * need them (the names of every zone made MariaDB's summary a third dearer, for the few searches
   * whose check-in is as near as some listing's notice).
   */
  zones?: ZonesByDate
  /** The stay's dates and now, for the checkout holds that take its nights. */
  dates: StayNights
  /**
   * The places those holds take (`SearchRepository.withHolds`), read apart: as a subquery, MariaDB
   * planned and probed it for every candidate (0.4 ms of a 1.3 ms summary at 100,000 places, 1 ms
   * at a million), though holds are few and usually none.
   */
  held?: string[]
}

/** A search answered in SQL: `stay` with dates. */
export interface ExactSearch {
  stay?: ExactStay
}

/** The matches of a search as far as a limit: how many, and what the facets need of them. */
export interface MatchSummary {
  matches: number
  /** Of them, those SQL could not decide (see ExactStay), and those whose amenity mask is not known. */
  uncertain: number
  /** Of them, those whose notice or window needs their time zone's date (see ExactStay). */
  unzoned: number
  /** Base prices in 1/10^4 of a major unit, of the first `counted` (summary's argument). */
  prices: number[]
  /** How many of the first `counted` have each amenity (by id). */
  amenityCounts: Map<string, number>
  /** In order (`SummaryScope` with `sort`): the ids of all of them in the search's order. */
  ids?: string[]
}

export type PageRow = PlaceRow & { overrides?: string | null; cover_version: string | null }

/**
 * The candidates in the search's order, as far as `limit` (`ORDER BY ... LIMIT` in the database):
 * every sort but distance. The order is the service's: the sort key, then the id. A price is
 * compared as `price_minor` times the scale of its currency (`priceScales`, 100 for the others), so
 * in 1/10^4 of a major unit whatever the currency's decimals.
 */
export interface CandidateOrder {
  sort: 'price' | '-price' | 'rating' | 'newest'
  /** Only the candidates after this position of the order (the service's sort key and id). */
  after?: { key: number[]; id: string }
  limit: number
  /** Scale of `price_minor` by currency, for the currencies whose scale is not 100. */
  priceScales: { currencies: string[]; scale: number }[]
}

/** The terms a stay is checked against, for the places whose notice and window depend on their time zone. */
export type StayTerms = Pick<
  PlaceRow,
  | 'id'
  | 'timezone'
  | 'min_nights'
  | 'max_nights'
  | 'advance_notice_days'
  | 'booking_window_days'
  | 'max_guests'
>

/**
 * SQLite: which of the ids (a JSON array) have a night of [checkIn, checkOut) taken at `at`: one
 * seek each on the key of place_nights, stopping at the first taken night (`json_each` rather than
 * an IN list, which SQLite would first sort into a temporary index). For the places whose record
 * does not cover the stay.
 */
const TAKEN_SQLITE = `select ids.value as place_id from json_each(?) ids
  where exists (select 1 from place_nights taken where taken.place_id = ids.value
    and taken.night >= ? and taken.night < ? and (taken.expires_at is null or taken.expires_at > ?))`

/**
 * The places with a night of [checkIn, checkOut) held by a checkout hold that lasts past `at` (the
 * nights records leave holds out): a range of place_nights_expiry_idx, the holds that have not ended
 * (named: without it SQLite scanned the whole table in key order).
 */
function heldQuery(dialect: Database['dialect'], { at, checkIn, checkOut }: StayNights) {
  const index =
    dialect === 'sqlite'
      ? sql`indexed by place_nights_expiry_idx`
      : sql`force index (place_nights_expiry_idx)`
  return sql<{ place_id: string }>`select place_id from place_nights ${index}
    where expires_at > ${at} and night >= ${checkIn} and night < ${checkOut}`
}

/** The most values in one `IN` list. */
const IN_CHUNK = 1024

/**
 * `IN` lists of at most IN_CHUNK values. On SQLite each is padded to a power of two (repeating a
 * value changes nothing) so that its statement is prepared once and cached; MariaDB gets the values
 * as they are (the driver sends the statement as text, and each value is a range its optimizer
 * looks up).
 */
function inLists<T>(dialect: Database['dialect'], values: T[]): T[][] {
  const chunks: T[][] = []
  for (let i = 0; i < values.length; i += IN_CHUNK) {
    const chunk = values.slice(i, i + IN_CHUNK)
    let size = dialect === 'sqlite' ? 16 : chunk.length
    while (size < chunk.length) size *= 2
    while (chunk.length < size) chunk.push(chunk[chunk.length - 1]!)
    chunks.push(chunk)
  }
  return chunks
}

/** `%text%` for LIKE, with `!` escaping the wildcards of the text itself. */
function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`
}

type PlacesQuery = SelectQueryBuilder<DB, 'places', object>

function lowerLike(column: 'title' | 'description' | 'city', pattern: string) {
  return sql<boolean>`lower(${sql.ref(`places.${column}`)}) like ${pattern} escape '!'`
}

function inArea(area: Area): RawBuilder<boolean> {
  const latitude = sql`places.latitude >= ${area.minLat} and places.latitude <= ${area.maxLat}`
  if (!area.lng) return sql`(${latitude})`
  const { from, to } = area.lng
  return from <= to
    ? sql`(${latitude} and places.longitude >= ${from} and places.longitude <= ${to})`
    : sql`(${latitude} and (places.longitude >= ${from} or places.longitude <= ${to}))`
}

/** The cells of the area that overlaps the fewest (every area must contain the place). */
function areaCells(areas: Area[]) {
  const size = (cells: ReturnType<typeof cellsOf>) =>
    'cells' in cells ? cells.cells.length : cells.to - cells.from
  let best: ReturnType<typeof cellsOf> | undefined
  for (const area of areas) {
    const cells = cellsOf(area)
    if (
      !best ||
      ('cells' in cells && !('cells' in best)) ||
      ('cells' in cells === 'cells' in best && size(cells) < size(best))
    )
      best = cells
  }
  return best
}

/**
 * SQL text made once for each of a few arrays, the same in every search (the currencies by number
 * of decimals): written into the statement rather than sent as a hundred parameters to escape.
 */
function rawOnce<K extends object, T>(write: (key: K) => string): (key: K) => RawBuilder<T> {
  const made = new WeakMap<K, RawBuilder<T>>()
  return (key) => {
    let raw = made.get(key)
    if (!raw) {
      raw = sql.raw<T>(write(key))
      made.set(key, raw)
    }
    return raw
  }
}

const currencyList = rawOnce<readonly string[], unknown>(currencyListSql)

/** The base price in 1/10^4 of a major unit, whatever the currency's decimals. */
const scaledPrice = rawOnce<CandidateOrder['priceScales'], number>(
  (scales) => `(${scaledPriceSql(scales, 'places')})`,
)

/**
 * Base price within bounds that depend on the currency's decimals. With `scaled` (the base price in
 * 1/10^4 of a major unit, MariaDB's `places.price_scaled`), one number each side when one does for
 * every currency (`scaledBound`). Else a CASE on the currency rather than an OR of ranges: MariaDB's
 * range optimizer would otherwise combine every currency with the area into thousands of index
 * ranges, and spend longer on them than on the scan.
 */
function priceCondition(bounds: PriceBounds[], scaled?: RawBuilder<number>): RawBuilder<boolean> {
  const conditions = []
  const single = scaled && scaledBounds(bounds)
  if (scaled && single) {
    if (single.min !== undefined) conditions.push(sql`${scaled} >= ${single.min}`)
    if (single.max !== undefined) conditions.push(sql`${scaled} <= ${single.max}`)
  } else {
    const boundOf = (side: 'minMinor' | 'maxMinor') => {
      const listed = bounds.filter((b) => b.currencies !== 'others')
      const others = bounds.find((b) => b.currencies === 'others')
      const whens = listed.map(
        (b) => sql`when places.currency in ${currencyList(b.currencies as string[])} then ${b[side]}`,
      )
      return sql<number>`case ${sql.join(whens, sql` `)} else ${others?.[side]} end`
    }
    if (bounds[0]?.minMinor !== undefined) conditions.push(sql`places.price_minor >= ${boundOf('minMinor')}`)
    if (bounds[0]?.maxMinor !== undefined) conditions.push(sql`places.price_minor <= ${boundOf('maxMinor')}`)
  }
  return conditions.length ? sql`(${sql.join(conditions, sql` and `)})` : sql`1 = 1`
}

/** `scaledBound` on each side; undefined when one of them has no single bound. */
function scaledBounds(bounds: PriceBounds[]): { min?: number; max?: number } | undefined {
  const [min, max] = [scaledBound(bounds, 'minMinor'), scaledBound(bounds, 'maxMinor')]
  return min === null || max === null ? undefined : { min, max }
}

/**
 * One bound on the price in 1/10^4 of a major unit that keeps the places every currency's bound in
 * its minor units keeps: the scaled prices of a currency of scale s are multiples of s, so `minor >=
 * m` is `scaled >= b` for any b in [m*s - s + 1, m*s], and `minor <= m` for any b in [m*s, m*s + s -
 * 1]. Undefined without bounds on that side; null when no number is in every currency's range.
 */
function scaledBound(bounds: PriceBounds[], side: 'minMinor' | 'maxMinor'): number | null | undefined {
  let [low, high] = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]
  for (const { scale, [side]: minor } of bounds) {
    if (minor === undefined) return undefined
    const at = minor * scale
    low = Math.max(low, side === 'minMinor' ? at - scale + 1 : at)
    high = Math.min(high, side === 'minMinor' ? at : at + scale - 1)
  }
  return low <= high ? low : null
}

/**
 * Each list of `zones` by region (the name's part before its first `/`), each region's names as one
 * string with `|` before and after every name; made once per grouping.
 */
type RegionLists = [region: string, names: string][]

const zoneLists = new WeakMap<ZonesByDate, Record<keyof ZonesByDate, RegionLists>>()

function zoneListsOf(zones: ZonesByDate): Record<keyof ZonesByDate, RegionLists> {
  let lists = zoneLists.get(zones)
  if (!lists) {
    const byRegion = (names: string[]): RegionLists => {
      const regions = new Map<string, string[]>()
      for (const name of names) {
        const region = name.split('/')[0]!
        const members = regions.get(region)
        if (members) members.push(name)
        else regions.set(region, [name])
      }
      return [...regions].map(([region, members]) => [region, `|${members.join('|')}|`])
    }
    lists = { behind: byRegion(zones.behind), same: byRegion(zones.same), ahead: byRegion(zones.ahead) }
    zoneLists.set(zones, lists)
  }
  return lists
}

/**
 * 1 when the stay's check-in keeps the place's notice and booking window from its own local date, 0
 * when it does not, NULL when its time zone is not in `zones` (or none are given). Most places are
 * settled on their index entry (the rules hold whatever the zone); the others find the zone of
 * their index entry with `instr` among the names of its region (an `IN` list of the few hundred
 * zones costs a set built for every statement, whether or not a place needs it; one string of them
 * all cost MariaDB about 5 µs a place, half of the densest views' time).
 */
function stayAllowed(stay: ExactStay) {
  const settled = sql`places.advance_notice_days <= ${stay.lead - 1} and places.booking_window_days >= ${stay.lead + 1}`
  if (!stay.zones) return sql<number | null>`case when ${settled} then 1 end`
  const lists = zoneListsOf(stay.zones)
  const rule = (lead: number) =>
    sql`case when ${lead} >= 0 and places.advance_notice_days <= ${lead}
      and places.booking_window_days >= ${lead} then 1 else 0 end`
  const region = sql`substr(places.timezone, 1, instr(concat(places.timezone, '/'), '/') - 1)`
  const listed = (lists: RegionLists) => {
    if (lists.length === 0) return sql`0 = 1`
    const whens = lists.map(
      ([name, names]) => sql`when ${name} then instr(${names}, concat('|', places.timezone, '|'))`,
    )
    return sql`case ${region} ${sql.join(whens, sql` `)} else 0 end > 0`
  }
  // Days its local date is behind UTC's: 1, 0 or -1.
  const behind = sql`case when ${listed(lists.behind)} then 1 when ${listed(lists.same)} then 0
    when ${listed(lists.ahead)} then -1 end`
  return sql<number | null>`case
    when ${settled} then 1
    else case ${behind} when 1 then ${rule(stay.lead + 1)} when 0 then ${rule(stay.lead)}
      when -1 then ${rule(stay.lead - 1)} end end`
}

/**
 * What a summary reads (`SearchRepository.summary`): the matches in no order as far as `limit`, or,
 * with `sort`, the first `limit` in the search's order, with their ids in that order.
 */
export type SummaryScope = { limit: number; priceScales: CandidateOrder['priceScales'] } | CandidateOrder

/** The search's order but for its last key, the id (ascending); `price` is the scaled base price. */
function sortKeys(sort: CandidateOrder['sort'], price: RawBuilder<number>) {
  const key = (value: RawBuilder<unknown>, direction: 'asc' | 'desc') => ({ value, direction })
  switch (sort) {
    case 'price':
    case '-price':
      return [key(price, sort === 'price' ? 'asc' : 'desc')]
    case 'rating':
      return [key(sql`places.rating_avg`, 'desc'), key(sql`places.rating_count`, 'desc')]
    case 'newest':
      return [key(sql`places.created_at`, 'desc')]
  }
}

/**
 * 1 for a place that an exact search's SQL cannot decide (ExactStay; with `summary`, but for its
 * time zone, counted apart), or, with `summary`, whose amenity mask is not known (the facets need it).
 */
function uncertainty(exact: ExactSearch, summary: boolean) {
  const unknown = []
  if (exact.stay) unknown.push(sql`places.stay_free is null`)
  if (exact.stay && !summary) unknown.push(sql`places.stay_allowed is null`)
  if (summary) unknown.push(sql`places.amenity_mask is null`)
  return unknown.length
    ? sql<number>`case when ${sql.join(unknown, sql` or `)} then 1 else 0 end`
    : sql<number>`0`
}

/** Bits of the amenities (never changed once given), read again when a search meets one it does not know. */
interface BitCache {
  byId: Map<string, number>
  byBit: Map<number, string>
  /** The amenities of each mask met so far. */
  byMask: Map<number, string[]>
}

/** The amenities of a mask; undefined when one of its bits is not in `bits`. */
function amenitiesOfMask(bits: BitCache, mask: number): string[] | undefined {
  let ids = bits.byMask.get(mask)
  if (!ids) {
    ids = []
    for (const slot of bitsOf(mask)) {
      const id = bits.byBit.get(slot)
      if (id === undefined) return undefined
      ids.push(id)
    }
    // Bounded: a few thousand distinct combinations of amenities at most in practice.
    if (bits.byMask.size < 65_536) bits.byMask.set(mask, ids)
  }
  return ids
}

/**
 * A search the search copy cannot answer: a place whose record of taken nights does not cover the
 * stay, whose nights only MariaDB's place_nights holds (the copy keeps checkout holds only).
 */
export class NotInCopy extends Error {}

/** Search reads: the matching places in one pass, then details of one page and the facets' counts. */
export class SearchRepository {
  private bits: BitCache = { byId: new Map(), byBit: new Map(), byMask: new Map() }
  private readonly scaledColumn: RawBuilder<number> | undefined

  /** `copy`: `db` is the search copy (search-copy.ts), whose place_nights holds checkout holds only. */
  constructor(
    private readonly db: Database,
    private readonly options: { copy?: boolean } = {},
  ) {
    this.scaledColumn = db.dialect === 'mysql' ? sql<number>`places.price_scaled` : undefined
  }

  private async reloadBits(): Promise<BitCache> {
    const byId = await amenityBits(this.db.read)
    this.bits = { byId, byBit: new Map([...byId].map(([id, bit]) => [bit, id])), byMask: new Map() }
    return this.bits
  }

  /** The bits, read again first when one of `ids` has none here (it may have got one since). */
  private async bitsFor(ids: readonly string[]): Promise<BitCache> {
    return ids.some((id) => !this.bits.byId.has(id)) ? this.reloadBits() : this.bits
  }

  /**
   * The base price in 1/10^4 of a major unit: MariaDB's column `places.price_scaled` (migration 0024),
   * else worked out from the currency.
   */
  private scaledPrice(priceScales: CandidateOrder['priceScales']): RawBuilder<number> {
    return this.scaledColumn ?? scaledPrice(priceScales)
  }

  /**
   * The cells of a map view as an `IN` list: on SQLite parameters, padded so that the statement is
   * prepared once per length; on MariaDB the numbers themselves (the driver writes every parameter
   * into the statement's text).
   */
  private cellList(cells: number[]): RawBuilder<unknown> {
    if (this.db.dialect === 'sqlite') return sql`(${sql.join(inLists('sqlite', cells)[0]!)})`
    if (!cells.every(Number.isSafeInteger)) throw new Error('a search cell is a whole number')
    return sql.raw(`(${cells.join(', ')})`)
  }

  private matching(filter: SearchFilter, bits: BitCache, exact?: ExactSearch): PlacesQuery {
    // The conditions as one fragment: every builder `where` costs Kysely nodes to make and compile
    // (docs/benchmarks.md, "Node's share of a search"). `status` is a literal: SQLite prepares a
    // statement with an ORDER BY again at every run when an equality of its WHERE is a bound
    // parameter (about 0.2 ms for a search's summary).
    const conditions: RawBuilder<unknown>[] = [sql`places.status = 'published'`]
    const cells = areaCells(filter.areas)
    const cell = sql.raw(searchCell(this.db.dialect))
    if (cells && 'cells' in cells) conditions.push(sql`${cell} in ${this.cellList(cells.cells)}`)
    else if (cells) conditions.push(sql`${cell} >= ${cells.from} and ${cell} <= ${cells.to}`)
    for (const area of filter.areas) conditions.push(inArea(area))
    if (filter.country) conditions.push(sql`places.country = ${filter.country}`)
    if (filter.city !== undefined) conditions.push(sql`lower(places.city) = ${filter.city}`)
    if (filter.text) {
      const pattern = containsPattern(filter.text)
      conditions.push(
        sql`(${lowerLike('title', pattern)} or ${lowerLike('description', pattern)} or ${lowerLike('city', pattern)})`,
      )
    }
    if (filter.minGuests !== undefined) conditions.push(sql`places.max_guests >= ${filter.minGuests}`)
    if (filter.instantBook) conditions.push(sql`places.instant_book = 1`)
    if (filter.prices) conditions.push(priceCondition(filter.prices, this.scaledColumn))
    const stay = filter.stay
    if (stay) {
      // The stay's terms as far as they hold in every time zone.
      conditions.push(sql`places.min_nights <= ${stay.nights} and places.max_nights >= ${stay.nights}
        and places.advance_notice_days <= ${stay.maxLead} and places.booking_window_days >= ${stay.minLead}`)
    }
    let query: PlacesQuery = this.db.read
      .selectFrom('places')
      .where(sql<boolean>`${sql.join(conditions, sql` and `)}`)
    // Amenities with a bit are checked on the mask (in the index); places whose mask is not known,
    // and amenities without a bit, on place_amenities.
    const has = (eb: ExpressionBuilder<DB, 'places'>, amenityId: string) =>
      eb.exists(
        eb
          .selectFrom('place_amenities')
          .select(sql.lit(1).as('has'))
          .whereRef('place_amenities.place_id', '=', 'places.id')
          .where('place_amenities.amenity_id', '=', amenityId),
      )
    const bitOf = (id: string) => bits.byId.get(id) ?? MASK_BITS
    const masked = filter.amenityIds.filter((id) => bitOf(id) < MASK_BITS)
    if (masked.length) {
      const mask = sql.lit(maskOf(masked.map(bitOf)))
      query = query.where(
        (eb) =>
          sql<boolean>`case when places.amenity_mask is null then ${eb.and(masked.map((id) => has(eb, id)))}
            else (places.amenity_mask & ${mask}) = ${mask} end`,
      )
    }
    for (const amenityId of filter.amenityIds.filter((id) => bitOf(id) >= MASK_BITS)) {
      query = query.where((eb) => has(eb, amenityId))
    }
    if (exact?.stay) {
      // Last: the dearest conditions, for the places that pass every other one.
      const stay = exact.stay
      if (!stay.held) throw new Error('an exact search reads its holds first (withHolds)')
      if (stay.held.length) query = query.where('places.id', 'not in', stay.held)
      // Each written once, as a column of a derived table that the database merges into the query:
      // its WHERE and the uncertainty of a place (`uncertainty`) read the same column.
      const decided = query
        .selectAll('places')
        .select([
          stayFreeInRecord(stay.checkInDay, stay.nights).as('stay_free'),
          stayAllowed(stay).as('stay_allowed'),
        ])
      query = this.db.read
        .selectFrom(decided.as('places'))
        .where(sql<boolean>`coalesce(places.stay_free, 1) = 1`)
        .where(sql<boolean>`coalesce(places.stay_allowed, 1) = 1`) as unknown as PlacesQuery
    }
    return query
  }

  /** The ORDER BY and LIMIT of an ordered candidates query, and its keyset condition after a position. */
  private ordered(query: PlacesQuery, order: CandidateOrder): PlacesQuery {
    const after = order.after
    const id = sql.ref('places.id')
    switch (order.sort) {
      case 'price':
      case '-price': {
        const price = this.scaledPrice(order.priceScales)
        if (after) {
          const k = order.sort === 'price' ? after.key[0]! : -after.key[0]!
          const beyond = order.sort === 'price' ? sql`${price} > ${k}` : sql`${price} < ${k}`
          query = query.where(sql<boolean>`(${beyond} or (${price} = ${k} and ${id} > ${after.id}))`)
        }
        return query
          .orderBy(sql`${price} ${sql.raw(order.sort === 'price' ? 'asc' : 'desc')}`)
          .orderBy('places.id', 'asc')
          .limit(order.limit)
      }
      case 'rating': {
        if (after) {
          const [avg, count] = [-after.key[0]!, -after.key[1]!]
          query = query.where(
            sql<boolean>`(places.rating_avg < ${avg} or (places.rating_avg = ${avg} and (places.rating_count < ${count}
              or (places.rating_count = ${count} and ${id} > ${after.id}))))`,
          )
        }
        return query
          .orderBy('places.rating_avg', 'desc')
          .orderBy('places.rating_count', 'desc')
          .orderBy('places.id', 'asc')
          .limit(order.limit)
      }
      case 'newest': {
        if (after) {
          const at = new Date(-after.key[0]!).toISOString()
          query = query.where(
            sql<boolean>`(places.created_at < ${at} or (places.created_at = ${at} and ${id} > ${after.id}))`,
          )
        }
        return query.orderBy('places.created_at', 'desc').orderBy('places.id', 'asc').limit(order.limit)
      }
    }
  }

  private candidatesQuery(
    filter: SearchFilter,
    columns: CandidateColumns,
    bits: BitCache,
    order?: CandidateOrder,
    exact?: ExactSearch,
  ) {
    const selections: AliasedRawBuilder<unknown, string>[] = [
      sql.ref('places.id').as('id'),
      sql.ref('places.price_minor').as('price_minor'),
    ]
    selections.push(sql.ref('places.currency').as('currency'))
    if (columns.rating) {
      selections.push(sql.ref('places.rating_avg').as('rating_avg'))
      selections.push(sql.ref('places.rating_count').as('rating_count'))
    }
    if (columns.created) selections.push(sql.ref('places.created_at').as('created_at'))
    if (columns.location) {
      selections.push(sql.ref('places.latitude').as('latitude'))
      selections.push(sql.ref('places.longitude').as('longitude'))
    }
    if (columns.lead !== undefined) {
      selections.push(
        sql`case when places.advance_notice_days <= ${columns.lead - 1} and places.booking_window_days >= ${columns.lead + 1} then 1 else 0 end`.as(
          'settled',
        ),
      )
    }
    if (exact) {
      selections.push(uncertainty(exact, false).as('uncertain'))
    } else if (filter.stay) {
      const { checkIn, checkOut } = filter.stay
      selections.push(sql.ref('places.taken_from_day').as('taken_from_day'))
      selections.push(stayInRecord(dayNumber(checkIn), daysBetween(checkIn, checkOut)).as('stay_in_record'))
    }
    if (columns.amenityBits.length) {
      // The amenities come as the place's mask, turned into the caller's bits here; only places
      // whose mask is not known look up place_amenities, which gives all their amenities as the
      // caller's bits (a sum of distinct powers of two).
      selections.push(sql.ref('places.amenity_mask').as('amenity_mask'))
      columns.amenityBits.forEach((ids, k) => {
        const bits = sql.join(
          ids.map((id, bit) => sql`when ${id} then ${2 ** bit}`),
          sql` `,
        )
        selections.push(
          sql`case when places.amenity_mask is null then (select cast(sum(case pa.amenity_id ${bits} end) as signed) from place_amenities pa where pa.place_id = places.id) end`.as(
            `amenities_${k}`,
          ),
        )
      })
    }
    const query = this.matching(filter, bits, exact)
    return (order ? this.ordered(query, order) : query).select(selections)
  }

  /**
   * An exact search's matches (ExactSearch) in no order as far as `limit`, or with `order` the
   * first `order.limit` in the search's order: how many, how many SQL could not decide, and their
   * prices and amenities for the facets. One row from the database, whatever the number of matches.
   */
  async summary(
    filter: SearchFilter,
    exact: ExactSearch,
    scope: SummaryScope,
    counted = Number.POSITIVE_INFINITY,
  ): Promise<MatchSummary> {
    const bits = await this.bitsFor(filter.amenityIds)
    exact = await this.withHolds(exact)
    const row = (await this.summaryQuery(filter, exact, scope, bits).executeTakeFirstOrThrow()) as {
      matches: number
      uncertain: number | null
      unzoned: number | null
      prices?: string | null
      masks?: string | null
      entries?: string | null
    }
    const list = (value: unknown) => (value === null || value === undefined ? [] : String(value).split(','))
    const summary = {
      matches: Number(row.matches),
      uncertain: Number(row.uncertain ?? 0),
      unzoned: Number(row.unzoned ?? 0),
    }
    if (!('sort' in scope)) {
      return {
        ...summary,
        prices: list(row.prices).map(Number),
        amenityCounts: await this.amenityCounts(list(row.masks).map(Number)),
      }
    }
    // In order: `id:price:mask` each.
    const entries = list(row.entries).map((entry) => entry.split(':'))
    const facets = entries.slice(0, counted)
    return {
      ...summary,
      prices: facets.map(([, price]) => Number(price)),
      amenityCounts: await this.amenityCounts(
        facets.filter(([, , mask]) => mask).map(([, , mask]) => Number(mask)),
      ),
      ids: entries.map(([id]) => id!),
    }
  }

  private summaryQuery(filter: SearchFilter, exact: ExactSearch, scope: SummaryScope, bits: BitCache) {
    const matching = this.matching(filter, bits, exact)
    const ordered = 'sort' in scope
    const price = this.scaledPrice(scope.priceScales)
    const keys = ordered ? sortKeys(scope.sort, price) : []
    const matches = (ordered ? this.ordered(matching, scope) : matching.limit(scope.limit)).select([
      sql.ref('places.id').as('id'),
      price.as('price'),
      sql.ref('places.amenity_mask').as('amenity_mask'),
      uncertainty(exact, true).as('uncertain'),
      (exact.stay ? sql<number>`places.stay_allowed is null` : sql<number>`0`).as('unzoned'),
      ...keys.map((key, i) => key.value.as(`k${i}`)),
    ])
    const columns: AliasedRawBuilder<unknown, string>[] = [
      sql<number>`count(*)`.as('matches'),
      sql<number>`sum(m.uncertain)`.as('uncertain'),
      sql<number>`sum(m.unzoned)`.as('unzoned'),
    ]
    if (ordered) {
      // The database's order of the rows of `m` does not carry into an aggregate: each is put in
      // order again (one sort of at most `limit` rows).
      const order = sql.join([
        ...keys.map((key, i) => sql`${sql.ref(`m.k${i}`)} ${sql.raw(key.direction)}`),
        sql`m.id asc`,
      ])
      const entry = sql`concat(m.id, ':', m.price, ':', coalesce(m.amenity_mask, ''))`
      columns.push(
        (this.db.dialect === 'sqlite'
          ? sql<string | null>`group_concat(${entry}, ',' order by ${order})`
          : sql<string | null>`group_concat(${entry} order by ${order} separator ',')`
        ).as('entries'),
      )
    } else {
      columns.push(sql<string | null>`group_concat(m.price)`.as('prices'))
      columns.push(sql<string | null>`group_concat(m.amenity_mask)`.as('masks'))
    }
    return this.db.read.selectFrom(matches.as('m')).select(columns)
  }

  /** How many of the masks have each amenity (by id). */
  private async amenityCounts(masks: number[]): Promise<Map<string, number>> {
    const byMask = new Map<number, number>()
    for (const mask of masks) byMask.set(mask, (byMask.get(mask) ?? 0) + 1)
    let bits = this.bits
    if (![...byMask.keys()].every((mask) => amenitiesOfMask(bits, mask))) bits = await this.reloadBits()
    const counts = new Map<string, number>()
    for (const [mask, count] of byMask) {
      for (const id of amenitiesOfMask(bits, mask) ?? []) counts.set(id, (counts.get(id) ?? 0) + count)
    }
    return counts
  }

  /**
   * The published places the filter matches, with what sorting, facets and the rule checks need:
   * all of them, or with `order` the first `order.limit` in the search's order (after `order.after`).
   */
  async candidates(
    filter: SearchFilter,
    columns: CandidateColumns,
    order?: CandidateOrder,
    exact?: ExactSearch,
  ): Promise<Candidate[]> {
    let bits = await this.bitsFor(filter.amenityIds)
    if (exact) exact = await this.withHolds(exact)
    const rows = (await this.candidatesQuery(
      filter,
      columns,
      bits,
      order,
      exact,
    ).execute()) as unknown as (Candidate & {
      amenity_mask?: number | null
    })[]
    if (columns.amenityBits.length === 0) return rows
    let unknown = false
    const slots = (cache: BitCache) => {
      // By mask bit: the caller's column and bit value.
      const bySlot: ([number, number] | undefined)[] = []
      for (const [k, ids] of columns.amenityBits.entries()) {
        for (const [bit, id] of ids.entries()) {
          const slot = cache.byId.get(id)
          if (slot !== undefined && slot < MASK_BITS) bySlot[slot] = [k, 2 ** bit]
        }
      }
      return bySlot
    }
    let bySlot = slots(bits)
    const decoded = new Map<number, number[]>()
    const decode = (mask: number): number[] => {
      let values = decoded.get(mask)
      if (!values) {
        values = new Array<number>(columns.amenityBits.length).fill(0)
        for (const slot of bitsOf(mask)) {
          const target = bySlot[slot]
          if (target) values[target[0]]! |= target[1]
          else if (!bits.byBit.has(slot)) unknown = true
        }
        decoded.set(mask, values)
      }
      return values
    }
    const fill = () => {
      for (const row of rows) {
        if (row.amenity_mask === null || row.amenity_mask === undefined) continue
        const values = decode(Number(row.amenity_mask))
        for (let k = 0; k < values.length; k++) row[`amenities_${k}`] = values[k]!
      }
    }
    fill()
    if (unknown) {
      // A bit given after this process read them: read them again (bits never change, only add).
      bits = await this.reloadBits()
      bySlot = slots(bits)
      decoded.clear()
      fill()
    }
    return rows
  }

  /**
   * Which of the candidates have a night in [checkIn, checkOut) taken: their record of taken nights
   * as the candidates query read it from the search index (`stay_in_record`: usually '', free, with
   * no work here; else a few bytes whose bits are tested), a checkout hold's night while it
   * lasts (one statement for the holds of the stay), and, for the places whose record is not known
   * or does not cover the stay, place_nights itself: one seek per place on its key, stopping at the
   * first taken night (SQLite: the ids as one JSON array; MariaDB: IN lists of up to 1,024, ranged
   * over place_nights_search_idx).
   */
  async takenAmong(candidates: Candidate[], stay: StayNights): Promise<Set<string>> {
    const taken = new Set<string>()
    const unknown: string[] = []
    const nights = daysBetween(stay.checkIn, stay.checkOut)
    const checkInDay = dayNumber(stay.checkIn)
    for (const place of candidates) {
      const bytes = place.stay_in_record
      if (bytes === null || bytes === undefined) unknown.push(place.id)
      else if (bytes !== '' && hexShowsTaken(bytes, checkInDay - place.taken_from_day!, nights))
        taken.add(place.id)
    }
    for (const id of await this.heldPlaces(stay)) taken.add(id)
    if (unknown.length === 0) return taken
    if (this.options.copy) throw new NotInCopy(`${unknown.length} places' records do not cover the stay`)
    if (this.db.dialect === 'sqlite') {
      const parameters = [JSON.stringify(unknown), stay.checkIn, stay.checkOut, stay.at]
      for (const id of await this.read(TAKEN_SQLITE, parameters)) taken.add(id)
      return taken
    }
    for (const chunk of inLists(this.db.dialect, unknown)) {
      const { rows } = await this.takenQuery(chunk, stay).execute(this.db.read)
      for (const row of rows) taken.add(row.place_id)
    }
    return taken
  }

  /** The exact search with its stay's holds read (see ExactStay.held). */
  async withHolds(exact: ExactSearch): Promise<ExactSearch> {
    if (!exact.stay || exact.stay.held) return exact
    return { stay: { ...exact.stay, held: [...new Set(await this.heldPlaces(exact.stay.dates))] } }
  }

  /** The places with a night of the stay held by a checkout hold that lasts past `stay.at`. */
  heldPlaces(stay: StayNights): Promise<string[]> {
    const held = heldQuery(this.db.dialect, stay).compile(this.db.read)
    return this.read(held.sql, [...held.parameters])
  }

  /**
   * The `place_id` column of a fixed statement; on SQLite run on the connection at once when it is
   * free (no Kysely building, compiling nor queueing: most of the cost of such a statement there).
   */
  private async read(text: string, parameters: unknown[]): Promise<string[]> {
    const rows =
      directReadOf(this.db.read)?.(text, parameters) ??
      (await this.db.read.executeQuery(CompiledQuery.raw(text, parameters))).rows
    return rows.map((row) => (row as { place_id: string }).place_id)
  }

  /** MariaDB's statement (SQLite's is TAKEN_SQLITE). */
  private takenQuery(ids: string[], stay: StayNights) {
    return sql<{ place_id: string }>`select distinct taken.place_id
      from place_nights taken force index (place_nights_search_idx)
      where taken.place_id in (${sql.join(ids)}) and taken.night >= ${stay.checkIn} and taken.night < ${stay.checkOut}
      and (taken.expires_at is null or taken.expires_at > ${stay.at})`
  }

  /**
   * The plans the database chooses (EXPLAIN QUERY PLAN / EXPLAIN) for the candidates query and,
   * with dates, for the availability of a batch of candidates (the `query` column says which).
   */
  async explain(
    filter: SearchFilter,
    columns: CandidateColumns,
    order?: CandidateOrder,
  ): Promise<Record<string, unknown>[]> {
    const bits = await this.bitsFor(filter.amenityIds)
    const rows = await this.plan('candidates', this.candidatesQuery(filter, columns, bits, order).compile())
    if (filter.stay) {
      const { checkIn, checkOut, at } = filter.stay
      rows.push(...(await this.plan('holds', heldQuery(this.db.dialect, filter.stay).compile(this.db.read))))
      if (this.db.dialect === 'sqlite') {
        const unknown = { sql: TAKEN_SQLITE, parameters: ['["a","b"]', checkIn, checkOut, at] }
        rows.push(...(await this.plan('availability without a record', unknown)))
      } else {
        rows.push(
          ...(await this.plan(
            'availability without a record',
            this.takenQuery(['a', 'b'], filter.stay).compile(this.db.read),
          )),
        )
      }
    }
    return rows
  }

  /**
   * The plans of a search answered in SQL (ExactSearch): the summary of the first `cap` + 1 matches
   * (in the search's order without a cursor) and the page in the search's order (with a cursor).
   */
  async explainExact(
    filter: SearchFilter,
    exact: ExactSearch,
    columns: CandidateColumns,
    page: CandidateOrder,
    cap: number,
  ): Promise<Record<string, unknown>[]> {
    const bits = await this.bitsFor(filter.amenityIds)
    exact = await this.withHolds(exact)
    const scope = page.after ? { limit: cap + 1, priceScales: page.priceScales } : { ...page, limit: cap + 1 }
    const summary = this.summaryQuery(filter, exact, scope, bits)
    return [
      ...(await this.plan('summary', summary.compile())),
      ...(await this.plan('page', this.candidatesQuery(filter, columns, bits, page, exact).compile())),
    ]
  }

  /** The plan the database chooses (EXPLAIN QUERY PLAN / EXPLAIN) for a statement, its rows named `query`. */
  private async plan(query: string, compiled: { sql: string; parameters: readonly unknown[] }) {
    const prefix = this.db.dialect === 'sqlite' ? 'explain query plan ' : 'explain '
    const result = await this.db.read.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(prefix + compiled.sql, [...compiled.parameters]),
    )
    return result.rows.map((row) => ({ query, ...row }))
  }

  /**
   * Full rows of the given places (any order) and, with a stay, their nightly price overrides in
   * [from, to) as `night=price_minor` pairs joined by commas: one statement for the whole page.
   */
  async pageRows(ids: string[], stay?: { from: string; to: string }): Promise<PageRow[]> {
    const rows: PageRow[] = []
    for (const chunk of inLists(this.db.dialect, ids)) {
      let query = this.db.read
        .selectFrom('places')
        .selectAll('places')
        .select(placeCoverVersion.as('cover_version'))
        .where('places.id', 'in', chunk)
      if (stay) {
        query = query.select(
          sql<string | null>`(select group_concat(concat(np.night, '=', np.price_minor)) from night_prices np
            where np.place_id = places.id and np.night >= ${stay.from} and np.night < ${stay.to})`.as(
            'overrides',
          ),
        ) as typeof query
      }
      rows.push(...((await query.execute()) as PageRow[]))
    }
    return rows
  }

  /** The stay terms of the given places. */
  async stayTerms(ids: string[]): Promise<StayTerms[]> {
    const rows: StayTerms[] = []
    for (const chunk of inLists(this.db.dialect, ids)) {
      const found = await this.db.read
        .selectFrom('places')
        .select(['id', 'timezone', 'min_nights', 'max_nights', 'advance_notice_days', 'booking_window_days'])
        .select('max_guests')
        .where('id', 'in', chunk)
        .execute()
      rows.push(...found)
    }
    return rows
  }

  /** Every amenity, in a stable order (by id). */
  amenities(): Promise<{ id: string; name: string }[]> {
    return this.db.read.selectFrom('amenities').select(['id', 'name']).orderBy('id').execute()
  }
}
