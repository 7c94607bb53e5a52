import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { createRepositories } from '../../src/app.js'
import { addDays, localDate } from '../../src/dates.js'
import {
  encodeNights,
  rebuildNightRecords,
  recordFirstDay,
  refreshAgingRecords,
} from '../../src/db/night-records.js'
import type { PlaceRow } from '../../src/db/schema.js'
import { uuidv7 } from '../../src/ids.js'
import { countsBy } from '../helpers/metrics.js'
import { expectRecordsAgree } from '../helpers/night-records.js'
import { appWithCopy, type FedCopy } from '../helpers/search-copy.js'
import { describeEachDriver, describeOnDriver, startTestApp, type TestApp } from '../helpers/test-app.js'

// ---------------------------------------------------------------------------------------------
// Independent reference implementation
// ---------------------------------------------------------------------------------------------

function mulberry32(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!
  const chance = (p: number) => next() < p
  const subset = <T>(items: readonly T[], p: number) => items.filter(() => chance(p))
  return { next, int, pick, chance, subset }
}

const DECIMALS: Record<string, number> = { EUR: 2, USD: 2, JPY: 0, KWD: 3 }
const major = (p: { price_minor: number; currency: string }) => p.price_minor / 10 ** DECIMALS[p.currency]!

function haversineKm(lat1: number, lng1: number, lat2: number, lng2: number) {
  const r = Math.PI / 180
  const a =
    Math.sin(((lat2 - lat1) * r) / 2) ** 2 +
    Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lng2 - lng1) * r) / 2) ** 2
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)))
}

const ymd = (instant: number, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(instant),
  )
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000

function stayAllowed(p: PlaceRow, checkIn: string, checkOut: string, guests: number, now: number) {
  const today = ymd(now, p.timezone)
  const nights = dayNumber(checkOut) - dayNumber(checkIn)
  const lead = dayNumber(checkIn) - dayNumber(today)
  return (
    lead >= 0 &&
    lead >= p.advance_notice_days &&
    lead <= p.booking_window_days &&
    nights >= p.min_nights &&
    nights <= p.max_nights &&
    guests <= p.max_guests
  )
}

interface World {
  places: PlaceRow[]
  amenities: Map<string, string>
  placeAmenities: Map<string, Set<string>>
  /** "placeId night" of every taken night. */
  taken: Set<string>
  /** "placeId night" -> overriding price. */
  prices: Map<string, number>
  fees: { service: number; taxes: number }
  /** Owners' tokens by id, for the changes made between searches. */
  tokens: Map<string, string>
  /** Bookings made between searches and not cancelled yet. */
  bookings: { id: string; placeId: string; nights: string[]; token: string }[]
  /** Ranges the host blocked between searches (unblocking one often frees something). */
  blocks: { place: PlaceRow; from: string }[]
}

interface Query {
  q?: string
  city?: string
  country?: string
  bbox?: [number, number, number, number]
  near?: [number, number]
  radius_km?: number
  check_in?: string
  check_out?: string
  guests?: number
  price_min?: number
  price_max?: number
  amenities?: string[]
  instant_book?: boolean
  sort?: string
  limit?: number
}

function toUrl(query: Query): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue
    params.set(key, Array.isArray(value) ? value.join(',') : String(value))
  }
  return `/api/v1/search?${params}`
}

interface Expected {
  ids: string[]
  total: number
  capped: boolean
  totals: Map<string, { nights: number; total_minor: number }>
  distances: Map<string, number>
  amenities: { id: string; name: string; count: number }[]
  histogram: { min: number; max: number; count: number }[]
}

function histogram(prices: number[]) {
  if (prices.length === 0) return []
  const low = Math.min(...prices)
  const high = Math.max(...prices)
  const widths = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000]
  const width = widths.find((w) => Math.floor(high / w) - Math.floor(low / w) + 1 <= 10)!
  const first = Math.floor(low / width)
  const buckets = []
  for (let b = first; b <= Math.floor(high / width); b++) {
    buckets.push({
      min: b * width,
      max: (b + 1) * width,
      count: prices.filter((p) => Math.floor(p / width) === b).length,
    })
  }
  return buckets
}

/** HBNB_SEARCH_EXACT_TOTAL_MAX of the property test: small enough that many searches pass it. */
const EXACT_TOTAL_MAX = 8

function bruteForce(world: World, query: Query, now: number): Expected {
  const sort = query.sort ?? (query.near ? 'distance' : 'rating')
  const stay = query.check_in !== undefined
  const nights: string[] = []
  if (stay) {
    for (let d = query.check_in!; d < query.check_out!; d = addDays(d, 1)) nights.push(d)
  }
  const matches = world.places.filter((p) => {
    if (p.status !== 'published') return false
    if (query.q) {
      const q = query.q.toLowerCase()
      if (![p.title, p.description, p.city].some((text) => text.toLowerCase().includes(q))) return false
    }
    if (query.city && p.city.toLowerCase() !== query.city.toLowerCase()) return false
    if (query.country && p.country !== query.country.toUpperCase()) return false
    if (query.bbox) {
      const [minLng, minLat, maxLng, maxLat] = query.bbox
      if (p.latitude < minLat || p.latitude > maxLat || p.longitude < minLng || p.longitude > maxLng)
        return false
    }
    if (query.near && query.radius_km !== undefined) {
      if (haversineKm(query.near[0], query.near[1], p.latitude, p.longitude) > query.radius_km) return false
    }
    if (query.guests !== undefined && p.max_guests < query.guests) return false
    if (query.price_min !== undefined && major(p) < query.price_min) return false
    if (query.price_max !== undefined && major(p) > query.price_max) return false
    if (query.instant_book && p.instant_book !== 1) return false
    const has = world.placeAmenities.get(p.id)!
    if (query.amenities && !query.amenities.every((a) => has.has(a))) return false
    if (stay) {
      if (nights.some((night) => world.taken.has(`${p.id} ${night}`))) return false
      if (!stayAllowed(p, query.check_in!, query.check_out!, query.guests ?? 1, now)) return false
    }
    return true
  })
  const distance = (p: PlaceRow) => haversineKm(query.near![0], query.near![1], p.latitude, p.longitude)
  const byId = (a: PlaceRow, b: PlaceRow) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  const orders: Record<string, (a: PlaceRow, b: PlaceRow) => number> = {
    price: (a, b) => major(a) - major(b) || byId(a, b),
    '-price': (a, b) => major(b) - major(a) || byId(a, b),
    rating: (a, b) => b.rating_avg - a.rating_avg || b.rating_count - a.rating_count || byId(a, b),
    distance: (a, b) => distance(a) - distance(b) || byId(a, b),
    newest: (a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : byId(a, b)),
  }
  matches.sort(orders[sort])

  const totals = new Map<string, { nights: number; total_minor: number }>()
  const distances = new Map<string, number>()
  for (const p of matches) {
    if (stay) {
      const subtotal = nights.reduce(
        (sum, night) => sum + (world.prices.get(`${p.id} ${night}`) ?? p.price_minor),
        0,
      )
      const base = subtotal + p.cleaning_fee_minor
      const total =
        base + Math.round((base * world.fees.service) / 100) + Math.round((base * world.fees.taxes) / 100)
      totals.set(p.id, { nights: nights.length, total_minor: total })
    }
    if (query.near) distances.set(p.id, distance(p))
  }
  // Beyond the limit the total is the limit, and the facets count the first that many matches.
  const counted = matches.slice(0, EXACT_TOTAL_MAX)
  const counts = new Map<string, number>()
  for (const p of counted)
    for (const a of world.placeAmenities.get(p.id)!) counts.set(a, (counts.get(a) ?? 0) + 1)
  const amenities = [...counts]
    .map(([id, count]) => ({ id, name: world.amenities.get(id)!, count }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1))
  return {
    ids: matches.map((p) => p.id),
    total: counted.length,
    capped: matches.length > EXACT_TOTAL_MAX,
    totals,
    distances,
    amenities,
    histogram: histogram(counted.map(major)),
  }
}

/** Every page of a search, following next_cursor, checking the Link header agrees. */
async function walk(t: TestApp, url: string) {
  const ids: string[] = []
  const results: any[] = []
  let first: any
  let next: string | null = url
  for (let pages = 0; next; pages++) {
    if (pages > 200) throw new Error('more than 200 pages: the cursor does not advance')
    const response: { status: number; text: string; body: any; headers: Record<string, unknown> } =
      await t.get(next)
    if (response.status !== 200) throw new Error(`${next}: ${response.status} ${response.text}`)
    first ??= response.body
    expect(response.headers['x-total-count']).toBe(String(response.body.total))
    const cursor: string | null = response.body.next_cursor
    const link = response.headers.link as string | undefined
    if (cursor) {
      expect(link).toContain('rel="next"')
      expect(link).toContain(`cursor=${encodeURIComponent(cursor)}`)
      next = `${url}&cursor=${encodeURIComponent(cursor)}`
    } else {
      expect(link).toBeUndefined()
      next = null
    }
    for (const result of response.body.results) {
      ids.push(result.id)
      results.push(result)
    }
  }
  return { ids, results, first }
}

// ---------------------------------------------------------------------------------------------
// The property test
// ---------------------------------------------------------------------------------------------

const WORDS = ['sunny', 'loft', 'quiet', 'garden', 'canal', 'view', 'studio', '100%', 'top_floor', 'attic']
const TIME_ZONES = [
  'UTC',
  'Europe/Paris',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'America/New_York',
  'Asia/Kathmandu',
]
const CITIES = [
  { city: 'Paris', country: 'FR' },
  { city: 'Saint-Denis', country: 'FR' },
  { city: 'Bruxelles', country: 'BE' },
]
const AREA = { lat: 48.8, lng: 2.25, dLat: 0.1, dLng: 0.2 }
const PRICES = [
  { currency: 'EUR', minor: [5000, 7500, 10000, 12050, 20000, 99] },
  { currency: 'USD', minor: [5000, 10000, 15000] },
  { currency: 'JPY', minor: [100, 75, 12000] },
  { currency: 'KWD', minor: [50000, 75500] },
]
const SEED = Number(process.env.HBNB_SEARCH_SEED ?? 20_261_126)
const PLACES = 70
const QUERIES = 60

async function buildWorld(t: TestApp, rng: ReturnType<typeof mulberry32>): Promise<World> {
  const admin = await t.adminToken()
  for (const name of ['Kitchen', 'Balcony', 'Sauna']) {
    const created = await t.post('/api/v1/amenities/', { name }, { token: admin })
    expect(created.status).toBe(201)
  }
  const amenityList: { id: string; name: string }[] = (await t.get('/api/v1/amenities/')).body
  const amenities = new Map(amenityList.map((a) => [a.id, a.name]))
  const owners = [await t.user(), await t.user()]
  const repositories = createRepositories(t.app.database)
  const today = localDate(Date.now(), 'UTC')
  const createdAt = [0, 1, 2, 3].map((h) => new Date(Date.UTC(2025, 0, 1, h)).toISOString())

  const world: World = {
    places: [],
    amenities,
    placeAmenities: new Map(),
    taken: new Set(),
    prices: new Map(),
    fees: { service: t.app.config.serviceFeePercent, taxes: t.app.config.taxPercent },
    tokens: new Map(owners.map((o) => [o.id, o.token])),
    bookings: [],
    blocks: [],
  }
  for (let i = 0; i < PLACES; i++) {
    const where = rng.pick(CITIES)
    const price = rng.pick(PRICES)
    const minNights = rng.int(1, 4)
    const row: PlaceRow = {
      id: uuidv7(),
      owner_id: rng.pick(owners).id,
      title: `${rng.pick(WORDS)} ${rng.pick(WORDS)} ${i}`,
      description: rng.chance(0.7) ? `A ${rng.pick(WORDS)} place` : '',
      price_minor: rng.pick(price.minor),
      currency: price.currency,
      latitude: Number((AREA.lat + rng.next() * AREA.dLat).toFixed(6)),
      longitude: Number((AREA.lng + rng.next() * AREA.dLng).toFixed(6)),
      address: '',
      city: rng.chance(0.1) ? where.city.toUpperCase() : where.city,
      country: where.country,
      timezone: rng.pick(TIME_ZONES),
      max_guests: rng.int(1, 8),
      bedrooms: 1,
      bathrooms: 1,
      status: rng.chance(0.85) ? 'published' : rng.pick(['draft', 'suspended'] as const),
      cleaning_fee_minor: rng.pick([0, 0, 2500, 4000]),
      min_nights: minNights,
      max_nights: rng.int(minNights, minNights + 10),
      advance_notice_days: rng.pick([0, 0, 1, 2, 5]),
      booking_window_days: rng.pick([3, 10, 30, 60, 365]),
      check_in_time: '15:00',
      check_out_time: '11:00',
      instant_book: rng.chance(0.4) ? 1 : 0,
      cancellation_policy: 'moderate',
      rating_avg: rng.pick([0, 3.5, 4, 4.25, 5]),
      rating_count: rng.pick([0, 1, 7]),
      ical_token: '',
      deleted_at: null,
      created_at: rng.pick(createdAt),
      updated_at: createdAt[0]!,
    }
    const mine = rng.subset([...amenities.keys()], 0.45)
    await repositories.places.insert(row, mine)
    world.places.push(row)
    world.placeAmenities.set(row.id, new Set(mine))

    for (let blocks = rng.int(0, 4); blocks > 0; blocks--) {
      const start = addDays(today, rng.int(-3, 40))
      const nights = Array.from({ length: rng.int(1, 5) }, (_, n) => addDays(start, n)).filter(
        (night) => !world.taken.has(`${row.id} ${night}`),
      )
      if (nights.length === 0) continue
      await repositories.calendar.block(row.id, nights, rng.pick(['host', 'feed-1']), createdAt[0]!)
      for (const night of nights) world.taken.add(`${row.id} ${night}`)
    }
    if (rng.chance(0.3)) {
      const start = addDays(today, rng.int(0, 30))
      const nights = Array.from({ length: rng.int(1, 8) }, (_, n) => addDays(start, n))
      const override = Math.max(1, row.price_minor + rng.pick([-1000, 2500, 7777]))
      await repositories.calendar.setPrices(row.id, nights, override)
      for (const night of nights) world.prices.set(`${row.id} ${night}`, override)
    }
  }
  return world
}

function randomQuery(rng: ReturnType<typeof mulberry32>, world: World): Query {
  const query: Query = {}
  const today = localDate(Date.now(), 'UTC')
  if (rng.chance(0.25)) {
    const word = rng.pick([...WORDS, 'PARIS', 'saint', 'ux', '%', '_'])
    query.q = rng.chance(0.3) ? word.toUpperCase() : word
  }
  if (rng.chance(0.15)) query.city = rng.pick(['paris', 'Saint-Denis', 'BRUXELLES', 'Lyon'])
  if (rng.chance(0.15)) query.country = rng.pick(['fr', 'BE'])
  if (rng.chance(0.35)) {
    const lng = AREA.lng + rng.next() * AREA.dLng * 0.8
    const lat = AREA.lat + rng.next() * AREA.dLat * 0.8
    query.bbox = [lng, lat, lng + rng.next() * AREA.dLng * 0.6, lat + rng.next() * AREA.dLat * 0.6]
  }
  if (rng.chance(0.35)) {
    query.near = [AREA.lat + rng.next() * AREA.dLat, AREA.lng + rng.next() * AREA.dLng]
    if (rng.chance(0.7)) query.radius_km = Math.round((0.5 + rng.next() * 8) * 1000) / 1000
  }
  if (rng.chance(0.5)) {
    query.check_in = addDays(today, rng.int(-2, 40))
    query.check_out = addDays(query.check_in, rng.int(1, 7))
  }
  if (rng.chance(0.4)) query.guests = rng.int(1, 6)
  if (rng.chance(0.3)) {
    // Bounds with more decimals than a currency's too (MariaDB compares one scaled bound for all).
    query.price_min = rng.pick([0, 1, 50, 75, 75.5001, 99.9999, 100, 120.5])
    if (rng.chance(0.6)) query.price_max = query.price_min + rng.pick([0, 20, 50, 100, 1000])
  } else if (rng.chance(0.15)) {
    query.price_max = rng.pick([1, 74.9999, 75, 100, 100.0001, 150])
  }
  if (rng.chance(0.25)) query.amenities = rng.subset([...world.amenities.keys()], 0.3).slice(0, 3)
  if (rng.chance(0.2)) query.instant_book = true
  if (rng.chance(0.8)) {
    query.sort = rng.pick(
      query.near
        ? ['price', '-price', 'rating', 'distance', 'newest']
        : ['price', '-price', 'rating', 'newest'],
    )
  }
  query.limit = rng.int(1, 12)
  return query
}

const quarterHour = (instant: number) => Math.floor(instant / 900_000)

/**
 * One change through the API between searches, applied to the model when the API accepts it: a
 * booking (instant: confirmed; otherwise pending: both take their nights), a cancellation (frees
 * them), a host's block or unblock, or a listing moved on the map (the spatial index follows).
 */
async function change(
  t: TestApp,
  rng: ReturnType<typeof mulberry32>,
  world: World,
  guest: string,
  applied: Map<string, number>,
) {
  const done = (what: string) => applied.set(what, (applied.get(what) ?? 0) + 1)
  const today = localDate(Date.now(), 'UTC')
  const kind = rng.pick(['book', 'book', 'cancel', 'block', 'unblock', 'move'] as const)
  const earlier =
    kind === 'unblock' && world.blocks.length && rng.chance(0.7) ? rng.pick(world.blocks) : undefined
  const place = earlier?.place ?? rng.pick(world.places)
  const owner = world.tokens.get(place.owner_id)!
  const span = (start: string, length: number) => Array.from({ length }, (_, n) => addDays(start, n))
  if (kind === 'book') {
    const checkIn = addDays(today, rng.int(1, 35))
    const nights = span(checkIn, rng.int(place.min_nights, place.min_nights + 2))
    const body = {
      place_id: place.id,
      check_in: checkIn,
      check_out: addDays(checkIn, nights.length),
      guests: 1,
    }
    const booked = await t.post('/api/v1/bookings', body, { token: guest })
    expect([201, 400, 404, 409, 422], booked.text).toContain(booked.status)
    if (booked.status !== 201) return
    expect(['confirmed', 'pending']).toContain(booked.body.status)
    for (const night of nights) world.taken.add(`${place.id} ${night}`)
    world.bookings.push({ id: booked.body.id, placeId: place.id, nights, token: guest })
    done('book')
  } else if (kind === 'cancel') {
    if (world.bookings.length === 0) return
    const booking = world.bookings.splice(rng.int(0, world.bookings.length - 1), 1)[0]!
    const cancelled = await t.post(`/api/v1/bookings/${booking.id}/cancel`, undefined, {
      token: booking.token,
    })
    expect(cancelled.status, cancelled.text).toBe(200)
    for (const night of booking.nights) world.taken.delete(`${booking.placeId} ${night}`)
    done('cancel')
  } else if (kind === 'block') {
    const from = addDays(today, rng.int(0, 35))
    const nights = span(from, rng.int(1, 4))
    const range = { from, to: addDays(from, nights.length) }
    const blocked = await t.post(`/api/v1/places/${place.id}/calendar/block`, range, { token: owner })
    expect([200, 409], blocked.text).toContain(blocked.status)
    if (blocked.status !== 200) return
    for (const night of nights) world.taken.add(`${place.id} ${night}`)
    world.blocks.push({ place, from })
    done('block')
  } else if (kind === 'unblock') {
    // Only the host's own blocks go: the model knows which nights those are from the API's answer.
    const from = earlier ? addDays(earlier.from, rng.int(-1, 1)) : addDays(today, rng.int(-3, 35))
    const range = { from, to: addDays(from, rng.int(1, 6)) }
    const calendar = await t.get(`/api/v1/places/${place.id}/calendar?from=${range.from}&to=${range.to}`, {
      token: owner,
    })
    expect(calendar.status, calendar.text).toBe(200)
    const unblocked = await t.post(`/api/v1/places/${place.id}/calendar/unblock`, range, { token: owner })
    expect(unblocked.status, unblocked.text).toBe(200)
    for (const night of calendar.body as { date: string; status: string; source?: string | null }[]) {
      if (night.status === 'blocked' && night.source === 'host') {
        world.taken.delete(`${place.id} ${night.date}`)
        done('unblock')
      }
    }
  } else {
    const moved = {
      latitude: Number((AREA.lat + rng.next() * AREA.dLat).toFixed(6)),
      longitude: Number((AREA.lng + rng.next() * AREA.dLng).toFixed(6)),
    }
    const updated = await t.put(`/api/v1/places/${place.id}`, moved, { token: owner })
    expect(updated.status, updated.text).toBe(200)
    Object.assign(place, moved)
    done('move')
  }
}

/**
 * The records of taken nights (db/night-records.ts) in every state search meets: a third of the
 * places get a record that starts 64 or 128 days earlier (still right for its own nights), a sixth
 * none (NULL: search asks place_nights). Writes through the API then replace them. A sixth of the
 * places lose their amenity mask too.
 */
async function mixRecords(t: TestApp, world: World, seed: number) {
  const rng = mulberry32(seed)
  const db = t.app.database.write
  for (const place of world.places) {
    // A sixth without an amenity mask: search reads their place_amenities.
    if (rng.next() < 1 / 6)
      await sql`update places set amenity_mask = null where id = ${place.id}`.execute(db)
    const roll = rng.next()
    if (roll < 1 / 6) {
      await sql`update places set taken_nights = null where id = ${place.id}`.execute(db)
    } else if (roll < 1 / 2) {
      const firstDay = recordFirstDay(Date.now()) - 64 * rng.int(1, 2)
      const nights = await nightsOf(t, place.id)
      await sql`update places set taken_from_day = ${firstDay}, taken_nights = ${encodeNights(firstDay, nights)}
        where id = ${place.id}`.execute(db)
    }
  }
}

/** hbnb_search_answers_total by its label `by`. */
const searchAnswers = (t: TestApp) => countsBy(t, 'hbnb_search_answers_total', 'by')

/** The nights of a place that a record holds (taken, not by a checkout hold). */
async function nightsOf(t: TestApp, placeId: string): Promise<string[]> {
  const rows = await t.app.database.write
    .selectFrom('place_nights')
    .select('night')
    .where('place_id', '=', placeId)
    .where('expires_at', 'is', null)
    .execute()
  return rows.map((row) => row.night)
}

/**
 * The property test: random searches, with random changes between them, against the brute force.
 * With a search copy, each search waits for the copy to have the changes before it (as a search
 * waits for a replica to have its client's writes).
 */
async function propertyTest(t: () => TestApp, copy?: FedCopy) {
  const rng = mulberry32(SEED)
  const world = await buildWorld(t(), rng)
  expect((await expectRecordsAgree(t(), 'after the places were made')).known).toBe(world.places.length)
  await mixRecords(t(), world, SEED + 1)
  const guest = (await t().user()).token
  const answersBefore = await searchAnswers(t())
  const applied = new Map<string, number>()
  let nonEmpty = 0
  let paged = 0
  let capped = 0
  let exact = 0
  for (let n = 0; n < QUERIES; n++) {
    for (let changes = rng.int(0, 2); changes > 0; changes--) await change(t(), rng, world, guest, applied)
    const query = randomQuery(rng, world)
    const url = toUrl(query)
    await copy?.caughtUp()
    const where = `seed ${SEED} (HBNB_SEARCH_SEED=${SEED} to replay), query #${n}: ${url}`
    try {
      // Local dates move at quarter hours: search again when one passed during the walk.
      let attempt = 0
      let walked: Awaited<ReturnType<typeof walk>>
      let now: number
      do {
        now = Date.now()
        walked = await walk(t(), url)
      } while (quarterHour(now) !== quarterHour(Date.now()) && ++attempt < 3)
      const expected = bruteForce(world, query, now)
      await expectRecordsAgree(t(), where)
      expect(walked.ids, where).toEqual(expected.ids)
      expect(walked.first.total, where).toBe(expected.total)
      expect(walked.first.total_is_lower_bound, where).toBe(expected.capped)
      expect(walked.first.facets.amenities, where).toEqual(expected.amenities)
      expect(walked.first.facets.price_histogram, where).toEqual(expected.histogram)
      for (const result of walked.results) {
        const total = expected.totals.get(result.id)
        if (total) {
          expect({ nights: result.nights, total_minor: result.total_minor }, where).toEqual(total)
        } else {
          expect(result.total_minor, where).toBeUndefined()
        }
        if (query.near) expect(result.distance_km, where).toBeCloseTo(expected.distances.get(result.id)!, 3)
        else expect(result.distance_km, where).toBeUndefined()
      }
      if (expected.ids.length) nonEmpty++
      if (expected.ids.length > (query.limit ?? 20)) paged++
      if (expected.capped) capped++
      else if (expected.ids.length > 1) exact++
    } catch (error) {
      console.error(`search property test failed: ${where}`)
      throw error
    }
  }
  // The generator must keep producing searches that find something and span several pages.
  expect(nonEmpty).toBeGreaterThan(QUERIES / 4)
  expect(paged).toBeGreaterThan(QUERIES / 10)
  // Totals both exact and capped.
  expect(capped).toBeGreaterThan(QUERIES / 10)
  expect(exact).toBeGreaterThan(QUERIES / 10)
  // Searches met places with a record and places without one (checked on place_nights).
  const { known } = await expectRecordsAgree(t(), 'at the end')
  expect(known).toBeGreaterThan(world.places.length / 2)
  expect(known).toBeLessThan(world.places.length)
  // Both ways of answering were checked: in SQL, and in Node (by distance, or where SQL met a
  // place it could not decide).
  const answersAfter = await searchAnswers(t())
  for (const by of ['database', 'node'])
    expect(answersAfter[by]! - answersBefore[by]!, by).toBeGreaterThan(QUERIES / 10)
  // And changes of every kind between the searches.
  for (const kind of ['book', 'cancel', 'block', 'unblock', 'move']) {
    expect(applied.get(kind) ?? 0, `${kind}: ${JSON.stringify([...applied])}`).toBeGreaterThan(0)
  }
  if (copy) {
    // The copy answered most searches; those meeting a place without a record, MariaDB.
    const outcomes = await countsBy(t(), 'hbnb_search_copy_total', 'outcome')
    expect(outcomes.answered, JSON.stringify(outcomes)).toBeGreaterThan(QUERIES / 4)
    expect(outcomes.not_in_copy, JSON.stringify(outcomes)).toBeGreaterThan(0)
  }
}

describeEachDriver(
  'search: property test against a brute-force search',
  (t) => {
    it(`matches the brute force on ids, order, totals, prices, distances and facets (seed ${SEED})`, async () => {
      await propertyTest(t)
    }, 120_000)
  },
  { HBNB_SEARCH_EXACT_TOTAL_MAX: String(EXACT_TOTAL_MAX) },
)

describeOnDriver('mysql', 'search: property test against a brute-force search, on the search copy', () => {
  // The test waits for the copy itself: the copy answers however long the machine takes.
  const suite = appWithCopy(
    (env) => startTestApp('mysql', { ...env, HBNB_SEARCH_EXACT_TOTAL_MAX: String(EXACT_TOTAL_MAX) }),
    600_000,
  )
  it(`matches the brute force on ids, order, totals, prices, distances and facets (seed ${SEED})`, async () => {
    await propertyTest(() => suite.t, suite.copy)
  }, 180_000)
})

// ---------------------------------------------------------------------------------------------
// Focused tests: each works in its own one-degree cell of the map, so they do not see each other
// ---------------------------------------------------------------------------------------------

const today = () => localDate(Date.now(), 'UTC')
const day = (offset: number) => addDays(today(), offset)
let cells = 0

describeEachDriver('search', (t) => {
  let ownerToken: string | undefined
  const owner = async () => {
    ownerToken ??= (await t().user()).token
    return ownerToken
  }

  /** A fresh cell; `place` adds a listing at an offset (degrees) from its centre; `search` looks inside it. */
  async function cell() {
    const n = ++cells
    const lat = -50 + n * 2
    const lng = -120 + n * 3
    const token = await owner()
    return {
      lat,
      lng,
      bbox: `${lng - 0.5},${lat - 0.5},${lng + 0.5},${lat + 0.5}`,
      place: async (overrides: Record<string, unknown> = {}, dLat = 0, dLng = 0) =>
        (await t().place(token, { latitude: lat + dLat, longitude: lng + dLng, ...overrides })).id,
      search: async (params = '') => {
        const response = await t().get(
          `/api/v1/search?bbox=${lng - 0.5},${lat - 0.5},${lng + 0.5},${lat + 0.5}&${params}`,
        )
        expect(response.status, response.text).toBe(200)
        return response.body as {
          results: any[]
          total: number
          total_is_lower_bound: boolean
          facets: any
          next_cursor: string | null
        }
      },
    }
  }
  const ids = (body: { results: { id: string }[] }) => body.results.map((r) => r.id)
  const sorted = (list: string[]) => [...list].sort()
  const setColumns = (id: string, values: Partial<PlaceRow>) =>
    t().app.database.write.updateTable('places').set(values).where('id', '=', id).execute()

  it('finds text in the title, description or city, in any case, with % and _ taken literally', async () => {
    const c = await cell()
    const sunny = await c.place({ title: 'Sunny Loft' })
    const canal = await c.place({ title: 'Flat', description: 'With a CANAL view' })
    const city = await c.place({ title: 'House', city: 'Riverside' })
    const percent = await c.place({ title: 'Rated 100% clean' })
    await c.place({ title: 'Rated 100 percent clean' })
    const underscore = await c.place({ title: 'top_floor room' })
    await c.place({ title: 'topXfloor room' })
    expect(ids(await c.search('q=sUNNY'))).toEqual([sunny])
    expect(ids(await c.search('q=canal'))).toEqual([canal])
    expect(ids(await c.search('q=RIVER'))).toEqual([city])
    expect(ids(await c.search(`q=${encodeURIComponent('100%')}`))).toEqual([percent])
    expect(ids(await c.search('q=p_f'))).toEqual([underscore])
    expect((await c.search('q=nowhere-to-be-found')).total).toBe(0)
  })

  it('filters by city in any case and by country code', async () => {
    const c = await cell()
    const a = await c.place({ city: 'Avignon', country: 'FR' })
    const b = await c.place({ city: 'avignon', country: 'fr' })
    const other = await c.place({ city: 'Avignon', country: 'US' })
    await c.place({ city: 'Arles', country: 'FR' })
    expect(sorted(ids(await c.search('city=AVIGNON')))).toEqual(sorted([a, b, other]))
    expect(sorted(ids(await c.search('city=avignon&country=fr')))).toEqual(sorted([a, b]))
    expect(ids(await c.search('country=US'))).toEqual([other])
  })

  it('keeps places inside bbox, edges included, and across the antimeridian', async () => {
    const token = await owner()
    const at = (latitude: number, longitude: number) =>
      t().place(token, { latitude, longitude, city: 'Edges' })
    const west = (await at(-71.5, 179.5)).id
    const east = (await at(-71.5, -179.5)).id
    await at(-71.5, 170)
    const edge = (await at(-72.25, 150.125)).id
    const search = async (bbox: string) => {
      const response = await t().get(`/api/v1/search?city=Edges&bbox=${bbox}`)
      expect(response.status, response.text).toBe(200)
      return sorted(ids(response.body))
    }
    expect(await search('179,-72,-179,-71')).toEqual(sorted([west, east]))
    expect(await search('179,-72,180,-71')).toEqual([west])
    expect(await search('150.125,-72.25,151,-72')).toEqual([edge])
    expect(await search('150,-72.5,150.125,-72.25')).toEqual([edge])
    expect(await search('150,-72.5,150.124,-72.25')).toEqual([])
  })

  it('near + radius_km keeps places within the great-circle distance, nearest first, with distance_km', async () => {
    const c = await cell()
    const km = 1 / 111.195 // degrees of latitude per km on the mean sphere
    const one = await c.place({}, 1 * km)
    const three = await c.place({}, -3 * km)
    await c.place({}, 10 * km)
    const east = await c.place({}, 0, (4 * km) / Math.cos((c.lat * Math.PI) / 180))
    const near = `near=${c.lat},${c.lng}`
    const found = await c.search(`${near}&radius_km=5`)
    expect(ids(found)).toEqual([one, three, east])
    expect(found.results.map((r: { distance_km: number }) => Math.round(r.distance_km * 100) / 100)).toEqual([
      1, 3, 4,
    ])
    expect((await c.search(`${near}&radius_km=0.5`)).total).toBe(0)
    // Without a radius, near only adds distances and orders by them.
    const all = await c.search(near)
    expect(all.total).toBe(4)
    const distances = all.results.map((r: { distance_km: number }) => r.distance_km)
    expect(distances).toEqual([...distances].sort((x, y) => x - y))
    // Other orders keep distance_km.
    expect((await c.search(`${near}&sort=price`)).results.every((r: any) => r.distance_km >= 0)).toBe(true)
  })

  it('a radius reaches across the antimeridian', async () => {
    const token = await owner()
    const across = (await t().place(token, { latitude: 62.5, longitude: 179.99, city: 'Dateline' })).id
    const response = await t().get('/api/v1/search?near=62.5,-179.99&radius_km=5')
    expect(response.status).toBe(200)
    expect(ids(response.body)).toEqual([across])
    expect(response.body.results[0].distance_km).toBeLessThan(1.1)
  })

  it('with dates keeps only places free every night of [check_in, check_out)', async () => {
    const c = await cell()
    const blocked = await c.place({ title: 'blocked' })
    const booked = await c.place({ title: 'booked' })
    const free = await c.place({ title: 'free' })
    const token = await owner()
    const block = await t().post(
      `/api/v1/places/${blocked}/calendar/block`,
      { from: day(10), to: day(11) },
      { token },
    )
    expect(block.status).toBe(200)
    const guest = await t().user()
    const booking = await t().post(
      '/api/v1/bookings',
      { place_id: booked, check_in: day(12), check_out: day(14), guests: 1 },
      { token: guest.token },
    )
    expect(booking.status, booking.text).toBe(201)
    const stay = async (from: number, to: number) =>
      sorted(ids(await c.search(`check_in=${day(from)}&check_out=${day(to)}`)))
    expect(await stay(10, 12)).toEqual(sorted([booked, free]))
    expect(await stay(9, 10)).toEqual(sorted([blocked, booked, free])) // check-out day is not a night
    expect(await stay(11, 12)).toEqual(sorted([blocked, booked, free]))
    expect(await stay(13, 15)).toEqual(sorted([blocked, free]))
    expect(await stay(5, 20)).toEqual([free])
    // A declined request frees the nights again.
    await t().post(`/api/v1/bookings/${booking.body.id}/decline`, undefined, { token })
    expect(await stay(12, 14)).toEqual(sorted([blocked, booked, free]))
  })

  it("keeps each place's record of taken nights through concurrent writes; a rebuild from place_nights agrees", async () => {
    const c = await cell()
    const place = await c.place({ title: 'busy', instant_book: true })
    const token = await owner()
    const db = t().app.database.write
    const expectRecord = async (nights: string[]) => {
      const row = await sql<{ taken_from_day: number; taken_nights: Uint8Array }>`
        select taken_from_day, taken_nights from places where id = ${place}`.execute(db)
      const { taken_from_day, taken_nights } = row.rows[0]!
      expect(Buffer.from(taken_nights).equals(encodeNights(Number(taken_from_day), nights))).toBe(true)
    }
    await expectRecord([])
    // Writers of one place's nights at once: each writes the record after the others' nights.
    const blocks = await Promise.all(
      [0, 2, 4, 6].map((d) =>
        t().post(`/api/v1/places/${place}/calendar/block`, { from: day(20 + d), to: day(21 + d) }, { token }),
      ),
    )
    for (const block of blocks) expect(block.status, block.text).toBe(200)
    const guests = await Promise.all([0, 1, 2].map(() => t().user()))
    const bookings = await Promise.all(
      guests.map((guest, i) =>
        t().post(
          '/api/v1/bookings',
          { place_id: place, check_in: day(40 + 3 * i), check_out: day(42 + 3 * i), guests: 1 },
          { token: guest.token },
        ),
      ),
    )
    for (const booking of bookings) expect(booking.status, booking.text).toBe(201)
    const blocked = [day(20), day(22), day(24), day(26)]
    const booked = [40, 41, 43, 44, 46, 47].map(day)
    await expectRecord([...blocked, ...booked])
    const [cancelled, unblocked] = await Promise.all([
      t().post(`/api/v1/bookings/${bookings[1]!.body.id}/cancel`, undefined, { token: guests[1]!.token }),
      t().post(`/api/v1/places/${place}/calendar/unblock`, { from: day(22), to: day(25) }, { token }),
    ])
    expect(cancelled.status, cancelled.text).toBe(200)
    expect(unblocked.status, unblocked.text).toBe(200)
    const taken = [day(20), day(26), day(40), day(41), day(46), day(47)]
    await expectRecord(taken)
    const stay = async (from: number, to: number) =>
      ids(await c.search(`check_in=${day(from)}&check_out=${day(to)}`))
    expect(await stay(20, 21)).toEqual([])
    expect(await stay(21, 26)).toEqual([place])
    expect(await stay(42, 46)).toEqual([place])
    // The migration's backfill (and the bulk seed's end) write every record from place_nights.
    await sql`update places set taken_from_day = null, taken_nights = null`.execute(db)
    expect(await stay(20, 21)).toEqual([])
    await rebuildNightRecords(db)
    await expectRecord(taken)
    expect(await stay(21, 26)).toEqual([place])
    expect(await stay(46, 48)).toEqual([])
  })

  it('writes again the records that are not known or start more than 64 days early (beat: search.night_records)', async () => {
    const c = await cell()
    const token = await owner()
    const places = [await c.place(), await c.place(), await c.place(), await c.place()]
    for (const place of places) {
      const blocked = await t().post(
        `/api/v1/places/${place}/calendar/block`,
        { from: day(10), to: day(11) },
        { token },
      )
      expect(blocked.status, blocked.text).toBe(200)
    }
    const [current, oneStep, twoSteps, unknown] = places as [string, string, string, string]
    const db = t().app.database.write
    const first = recordFirstDay(Date.now())
    const startAt = async (place: string, firstDay: number) =>
      sql`update places set taken_from_day = ${firstDay}, taken_nights = ${encodeNights(firstDay, [day(10)])}
        where id = ${place}`.execute(db)
    await startAt(oneStep, first - 64)
    await startAt(twoSteps, first - 128)
    await sql`update places set taken_nights = null where id = ${unknown}`.execute(db)
    // Other tests' places share the database: at least these two.
    expect(await refreshAgingRecords(db)).toBeGreaterThanOrEqual(2)
    const starts = await db
      .selectFrom('places')
      .select(['id', sql<number>`taken_from_day`.as('start')])
      .where('id', 'in', places)
      .execute()
    const startOf = new Map(starts.map((row) => [row.id, Number(row.start)]))
    expect([current, oneStep, twoSteps, unknown].map((place) => startOf.get(place))).toEqual([
      first,
      first - 64,
      first,
      first,
    ])
    const agreed = await expectRecordsAgree(t(), 'after the refresh')
    expect(agreed.known).toBe(agreed.places)
    expect(await refreshAgingRecords(db)).toBe(0)
    expect(ids(await c.search(`check_in=${day(10)}&check_out=${day(12)}`))).toEqual([])
    expect(sorted(ids(await c.search(`check_in=${day(11)}&check_out=${day(13)}`)))).toEqual(sorted(places))
  })

  it("with dates applies each listing's stay rules: length, notice, window and guests", async () => {
    const c = await cell()
    const longStays = await c.place({ min_nights: 3, max_guests: 6 })
    const shortStays = await c.place({ max_nights: 2, max_guests: 6 })
    const notice = await c.place({ advance_notice_days: 5, max_guests: 6 })
    const window = await c.place({ booking_window_days: 20, max_guests: 6 })
    const couple = await c.place({ max_guests: 2 })
    const stay = async (from: number, to: number, guests = 1) =>
      sorted(ids(await c.search(`check_in=${day(from)}&check_out=${day(to)}&guests=${guests}`)))
    expect(await stay(7, 9)).toEqual(sorted([shortStays, notice, window, couple]))
    expect(await stay(7, 10)).toEqual(sorted([longStays, notice, window, couple]))
    expect(await stay(3, 4)).toEqual(sorted([shortStays, window, couple]))
    expect(await stay(25, 26)).toEqual(sorted([shortStays, notice, couple]))
    expect(await stay(7, 8, 3)).toEqual(sorted([shortStays, notice, window]))
    expect(await stay(-1, 1)).toEqual([]) // check-in in the past
    // Guests without dates only looks at the capacity.
    expect(sorted(ids(await c.search('guests=3')))).toEqual(sorted([longStays, shortStays, notice, window]))
  })

  it("answers in the database a check-in as near as a listing's notice, from each listing's own local date", async () => {
    const c = await cell()
    // Five days' notice and a check-in five days from UTC's today: allowed where the local date is
    // UTC's or behind it, not where it is already a day ahead.
    const zones = ['Pacific/Pago_Pago', 'Europe/London', 'Pacific/Kiritimati']
    const places: string[] = []
    for (const timezone of zones) places.push(await c.place({ advance_notice_days: 5, timezone }))
    const settled = await c.place({ advance_notice_days: 1 })
    const before = await searchAnswers(t())
    const found = ids(await c.search(`check_in=${day(5)}&check_out=${day(6)}`))
    const allowed = zones.flatMap((zone, i) =>
      dayNumber(day(5)) - dayNumber(ymd(Date.now(), zone)) >= 5 ? [places[i]!] : [],
    )
    expect(sorted(found)).toEqual(sorted([...allowed, settled]))
    const after = await searchAnswers(t())
    expect(after.database).toBe((before.database ?? 0) + 1)
    expect(after.node ?? 0).toBe(before.node ?? 0)
  })

  it('decides in Node a listing whose zone is not among the listed ones (an alias such as US/Samoa)', async () => {
    const c = await cell()
    // Six days' notice: a check-in five days from UTC's today is allowed only where the local date
    // is a day behind (US/Samoa is UTC-11).
    const place = await c.place({ advance_notice_days: 6 })
    await sql`update places set timezone = 'US/Samoa' where id = ${place}`.execute(t().app.database.write)
    const before = await searchAnswers(t())
    const found = ids(await c.search(`check_in=${day(5)}&check_out=${day(6)}`))
    const lead = dayNumber(day(5)) - dayNumber(ymd(Date.now(), 'US/Samoa'))
    expect(found).toEqual(lead >= 6 ? [place] : [])
    expect((await searchAnswers(t())).node).toBe((before.node ?? 0) + 1)
  })

  it('prices each result with dates exactly like a quote (overrides, cleaning fee, fees, taxes)', async () => {
    const c = await cell()
    const token = await owner()
    const place = await c.place({ price: 80, currency: 'EUR', cleaning_fee: 25 })
    const prices = await t().put(
      `/api/v1/places/${place}/calendar/prices`,
      { from: day(21), to: day(22), price: 133.33 },
      { token },
    )
    expect(prices.status).toBe(200)
    const found = await c.search(`check_in=${day(20)}&check_out=${day(23)}&guests=2`)
    const quote = await t().get(
      `/api/v1/places/${place}/quote?check_in=${day(20)}&check_out=${day(23)}&guests=2`,
    )
    expect(quote.status).toBe(200)
    expect(found.results[0]).toMatchObject({
      id: place,
      nights: 3,
      total_minor: quote.body.total_minor,
      total: quote.body.total,
      price: 80,
      currency: 'EUR',
    })
    // 80 + 133.33 + 80 + 25 = 318.33; +12 % 38.20; +5 % 15.92
    expect(found.results[0].total_minor).toBe(31833 + 3820 + 1592)
    // Without dates there is no stay to price.
    const plain = await c.search()
    expect(plain.results[0].total_minor).toBeUndefined()
    expect(plain.results[0].nights).toBeUndefined()
    expect(plain.results[0].distance_km).toBeUndefined()
  })

  it("price_min and price_max bound the nightly base price in major units of the place's currency", async () => {
    const c = await cell()
    const token = await owner()
    const euros = await c.place({ price: 100, currency: 'EUR' })
    const yen = await c.place({ price: 100, currency: 'JPY' })
    const dinars = await c.place({ price: 100.5, currency: 'KWD' })
    const cheap = await c.place({ price: 99.99, currency: 'USD' })
    // An override is not the base price: it does not move the place in or out.
    await t().put(
      `/api/v1/places/${cheap}/calendar/prices`,
      { from: day(3), to: day(4), price: 500 },
      { token },
    )
    expect(sorted(ids(await c.search('price_min=100&price_max=100')))).toEqual(sorted([euros, yen]))
    expect(ids(await c.search('price_min=100.001'))).toEqual([dinars])
    expect(ids(await c.search('price_max=99.99'))).toEqual([cheap])
    expect(sorted(ids(await c.search('price_min=99.99&price_max=100.5')))).toEqual(
      sorted([euros, yen, dinars, cheap]),
    )
  })

  it('amenities keeps places having every one of them; instant_book=true keeps instant-book places', async () => {
    const c = await cell()
    const admin = await t().adminToken()
    const [a, b] = await Promise.all(
      ['Hot tub', 'Fireplace'].map(
        async (name) => (await t().post('/api/v1/amenities/', { name }, { token: admin })).body.id as string,
      ),
    )
    const both = await c.place({ amenities: [a, b], instant_book: true })
    const onlyA = await c.place({ amenities: [a] })
    await c.place({ amenities: [b] })
    const none = await c.place({ instant_book: true })
    expect(sorted(ids(await c.search(`amenities=${a}`)))).toEqual(sorted([both, onlyA]))
    expect(ids(await c.search(`amenities=${a},${b}`))).toEqual([both])
    expect(ids(await c.search(`amenities=${b},%20${a},${a}`))).toEqual([both])
    expect(sorted(ids(await c.search('instant_book=true')))).toEqual(sorted([both, none]))
    expect((await c.search('instant_book=false')).total).toBe(4)
  })

  it('leaves drafts and suspended listings out', async () => {
    const c = await cell()
    const published = await c.place()
    await c.place({ status: 'draft' })
    const suspended = await c.place()
    await setColumns(suspended, { status: 'suspended' })
    expect(ids(await c.search())).toEqual([published])
  })

  it('sorts by price, -price, rating and newest, breaking ties by id', async () => {
    const c = await cell()
    const p = [
      await c.place({ price: 50 }),
      await c.place({ price: 70 }),
      await c.place({ price: 50 }),
      await c.place({ price: 90 }),
      await c.place({ price: 70 }),
    ]
    await setColumns(p[0]!, { rating_avg: 4.5, rating_count: 2, created_at: '2025-01-02T00:00:00.000Z' })
    await setColumns(p[1]!, { rating_avg: 4.5, rating_count: 9, created_at: '2025-01-03T00:00:00.000Z' })
    await setColumns(p[2]!, { rating_avg: 5, rating_count: 1, created_at: '2025-01-02T00:00:00.000Z' })
    await setColumns(p[3]!, { rating_avg: 4.5, rating_count: 2, created_at: '2025-01-01T00:00:00.000Z' })
    await setColumns(p[4]!, { rating_avg: 0, rating_count: 0, created_at: '2025-01-03T00:00:00.000Z' })
    const byId = (...list: string[]) => sorted(list)
    const order = async (sort: string) => ids(await c.search(`sort=${sort}`))
    expect(await order('price')).toEqual([...byId(p[0]!, p[2]!), ...byId(p[1]!, p[4]!), p[3]])
    expect(await order('-price')).toEqual([p[3], ...byId(p[1]!, p[4]!), ...byId(p[0]!, p[2]!)])
    expect(await order('rating')).toEqual([p[2], p[1], ...byId(p[0]!, p[3]!), p[4]])
    expect(ids(await c.search())).toEqual(await order('rating'))
    expect(await order('newest')).toEqual([...byId(p[1]!, p[4]!), ...byId(p[0]!, p[2]!), p[3]])
  })

  it('facets count amenities and bucket base prices over the whole matching set, not the page', async () => {
    const c = await cell()
    const admin = await t().adminToken()
    const [pool, gym] = await Promise.all(
      ['Pool table', 'Gym'].map(
        async (name) =>
          (await t().post('/api/v1/amenities/', { name }, { token: admin })).body as {
            id: string
            name: string
          },
      ),
    )
    const prices = [12, 18, 25, 31, 47, 47.5, 95]
    for (const [i, price] of prices.entries()) {
      await c.place({ price, amenities: i % 2 ? [pool!.id, gym!.id] : [gym!.id] })
    }
    const found = await c.search('limit=2')
    expect(found.results).toHaveLength(2)
    expect(found.total).toBe(7)
    expect(found.total_is_lower_bound).toBe(false)
    expect(found.facets.amenities).toEqual([
      { id: gym!.id, name: 'Gym', count: 7 },
      { id: pool!.id, name: 'Pool table', count: 3 },
    ])
    // A renamed amenity has its new name in the next search.
    const renamed = await t().put(`/api/v1/amenities/${pool!.id}`, { name: 'Billiards' }, { token: admin })
    expect(renamed.status, renamed.text).toBe(200)
    expect((await c.search('limit=2')).facets.amenities).toContainEqual({
      id: pool!.id,
      name: 'Billiards',
      count: 3,
    })
    // 12..95 in buckets of 10: 10-20 (2), 20-30 (1), 30-40 (1), 40-50 (2), 50-90 (0 each), 90-100 (1)
    expect(found.facets.price_histogram).toEqual([
      { min: 10, max: 20, count: 2 },
      { min: 20, max: 30, count: 1 },
      { min: 30, max: 40, count: 1 },
      { min: 40, max: 50, count: 2 },
      { min: 50, max: 60, count: 0 },
      { min: 60, max: 70, count: 0 },
      { min: 70, max: 80, count: 0 },
      { min: 80, max: 90, count: 0 },
      { min: 90, max: 100, count: 1 },
    ])
    const narrow = await c.search('price_max=20')
    expect(narrow.facets.price_histogram).toEqual([
      { min: 12, max: 13, count: 1 },
      ...[13, 14, 15, 16, 17].map((min) => ({ min, max: min + 1, count: 0 })),
      { min: 18, max: 19, count: 1 },
    ])
    expect((await c.search('q=nothing-matches')).facets).toEqual({ amenities: [], price_histogram: [] })
  })

  it('counts amenities of any number (they travel as bits, 30 to a column)', async () => {
    const c = await cell()
    const admin = await t().adminToken()
    const created: string[] = []
    for (let i = 0; i < 33; i++) {
      const response = await t().post('/api/v1/amenities/', { name: `Extra ${i}` }, { token: admin })
      expect(response.status).toBe(201)
      created.push(response.body.id)
    }
    const [first, last] = [created[0]!, created[32]!]
    await c.place({ amenities: [first, last] })
    await c.place({ amenities: [last] })
    const found = await c.search()
    expect(found.facets.amenities).toEqual([
      { id: last, name: 'Extra 32', count: 2 },
      { id: first, name: 'Extra 0', count: 1 },
    ])
    expect((await c.search(`amenities=${last},${first}`)).total).toBe(1)
  })

  it("keeps each place's amenity mask on every write, and reads place_amenities where the mask is not known", async () => {
    const c = await cell()
    const admin = await t().adminToken()
    const token = await owner()
    const amenity = async (name: string) =>
      (await t().post('/api/v1/amenities/', { name }, { token: admin })).body.id as string
    const x = await amenity('Mask X')
    const y = await amenity('Mask Y')
    const z = await amenity('Mask Z')
    const p1 = await c.place({ amenities: [x, y] })
    const p2 = await c.place({ amenities: [y] })
    expect((await t().request('POST', `/api/v1/places/${p2}/amenities/${z}`, { token })).status).toBe(201)
    expect(
      (await t().request('DELETE', `/api/v1/places/${p2}/amenities/${y}`, { token })).status,
    ).toBeLessThan(300)
    expect(
      (await t().request('PUT', `/api/v1/places/${p1}`, { token, body: { amenities: [x, z] } })).status,
    ).toBe(200)
    const masks = async () =>
      (
        await sql<{
          id: string
          amenity_mask: number | null
        }>`select id, amenity_mask from places where id in (${p1}, ${p2})`.execute(t().app.database.write)
      ).rows.map((row) => row.amenity_mask)
    const check = async () => {
      const found = await c.search()
      expect(found.facets.amenities).toEqual([
        { id: z, name: 'Mask Z', count: 2 },
        { id: x, name: 'Mask X', count: 1 },
      ])
      expect(sorted(ids(await c.search(`amenities=${z}`)))).toEqual(sorted([p1, p2]))
      expect(ids(await c.search(`amenities=${x},${z}`))).toEqual([p1])
      expect((await c.search(`amenities=${y}`)).total).toBe(0)
    }
    expect((await masks()).every((mask) => typeof mask === 'number' && mask > 0)).toBe(true)
    await check()
    await sql`update places set amenity_mask = null where id = ${p1}`.execute(t().app.database.write)
    await check()

    // Amenities past the mask's 53 bits: such a place has no mask and is read through place_amenities.
    const many: string[] = []
    for (let i = 0; i < 56; i++) many.push(await amenity(`Mask many ${i}`))
    const p3 = await c.place({ amenities: many })
    const [{ amenity_mask }] = (
      await sql<{ amenity_mask: number | null }>`select amenity_mask from places where id = ${p3}`.execute(
        t().app.database.write,
      )
    ).rows as [{ amenity_mask: number | null }]
    expect(amenity_mask).toBeNull()
    const last = many[many.length - 1]!
    expect(ids(await c.search(`amenities=${last}`))).toEqual([p3])
    expect(ids(await c.search(`amenities=${last},${many[0]}`))).toEqual([p3])
    expect((await c.search(`amenities=${last},${x}`)).total).toBe(0)
    const facets = (await c.search()).facets.amenities as { id: string; count: number }[]
    expect(facets.filter((f) => many.includes(f.id)).map((f) => f.count)).toEqual(many.map(() => 1))
    expect(facets.find((f) => f.id === z)?.count).toBe(2)
  })

  it('pages with limit and cursor, with Link and X-Total-Count headers', async () => {
    const c = await cell()
    const all: string[] = []
    for (let i = 0; i < 5; i++) all.push(await c.place({ price: 60 + (i % 2) }))
    const url = `/api/v1/search?bbox=${c.bbox}&sort=price&limit=2`
    const first = await t().get(url)
    expect(first.status).toBe(200)
    expect(first.headers['x-total-count']).toBe('5')
    expect(first.body.results).toHaveLength(2)
    const link = String(first.headers.link)
    expect(link).toMatch(/^<http:\/\/[^>]+\/api\/v1\/search\?[^>]*cursor=[^>]+>; rel="next"$/)
    const seen = [...ids(first.body)]
    let next = link.slice(link.indexOf('/api/v1/'), link.indexOf('>'))
    for (;;) {
      const page = await t().get(next)
      expect(page.status).toBe(200)
      seen.push(...ids(page.body))
      if (!page.body.next_cursor) {
        expect(page.headers.link).toBeUndefined()
        break
      }
      next = `${url}&cursor=${page.body.next_cursor}`
    }
    expect(seen).toHaveLength(5)
    expect(sorted(seen)).toEqual(sorted(all))
    // A cursor belongs to its sort order.
    const other = await t().get(`/api/v1/search?bbox=${c.bbox}&sort=rating&cursor=${first.body.next_cursor}`)
    expect(other.status).toBe(400)
    expect(other.body.error).toContain('cursor')
  })

  it('refuses bad parameters with a 400 that names the parameter', async () => {
    const cases: [string, string][] = [
      ['bbox=1,2,3', 'bbox'],
      ['bbox=a,b,c,d', 'bbox'],
      ['bbox=0,95,1,96', 'bbox'],
      ['bbox=0,10,1,5', 'bbox'],
      ['bbox=200,10,201,11', 'bbox'],
      ['near=1', 'near'],
      ['near=100,0', 'near'],
      ['radius_km=5', 'radius_km'],
      ['near=1,2&radius_km=-1', 'radius_km'],
      ['near=1,2&radius_km=abc', 'radius_km'],
      ['sort=cheapest', 'sort'],
      ['sort=distance', 'sort=distance'],
      [`check_in=${day(5)}`, 'check_in'],
      [`check_out=${day(5)}`, 'check_in'],
      [`check_in=${day(5)}&check_out=${day(5)}`, 'check_out'],
      [`check_in=${day(5)}&check_out=${day(2)}`, 'check_out'],
      ['check_in=2027-02-30&check_out=2027-03-02', 'check_in'],
      ['check_in=tomorrow&check_out=2027-03-02', 'check_in'],
      [`check_in=${day(1)}&check_out=${day(1200)}`, 'nights'],
      ['guests=0', 'guests'],
      ['guests=many', 'guests'],
      ['price_min=cheap', 'price_min'],
      ['price_max=-1', 'price_max'],
      ['price_min=10&price_max=5', 'price_min'],
      ['amenities=no-such-amenity', 'amenities'],
      ['limit=0', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
      ['country=FRA', 'country'],
      ['instant_book=maybe', 'instant_book'],
    ]
    for (const [query, name] of cases) {
      const response = await t().get(`/api/v1/search?${query}`)
      expect(response.status, query).toBe(400)
      expect(response.body.code, query).toBe('validation_failed')
      expect(response.body.error, query).toContain(name)
    }
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await t().get('/api/v1/openapi.json')).body
    const search = doc.paths['/api/v1/search'].get
    const parameters = search.parameters.map((p: { name: string }) => p.name)
    for (const name of [
      'q',
      'bbox',
      'near',
      'radius_km',
      'check_in',
      'check_out',
      'guests',
      'amenities',
      'sort',
    ]) {
      expect(parameters).toContain(name)
    }
    expect(Object.keys(search.responses)).toEqual(expect.arrayContaining(['200', '400']))
  })

  it('leaves POST /api/v1/places_search working', async () => {
    const c = await cell()
    const id = await c.place({ city: 'Zanzibar City', country: 'TZ' })
    const response = await t().post('/api/v1/places_search', { cities: ['Zanzibar City'] })
    expect(response.status).toBe(200)
    expect(response.body.map((p: { id: string }) => p.id)).toEqual([id])
  })
})
