// Synthetic data at scale, for benchmarks and load tests: `hbnb seed --places N --bookings M --seed S`.
// N listings spread over the demo cities (clustered around neighbourhoods like real listings), their
// amenities, reviews and terms, and exactly M taken nights (bookings and host blocks) around the day
// of seeding. The same seed and day give the same data. Rows go in by batches, one transaction each.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { sql } from 'kysely'
import { addDays, dayNumber } from '../dates.js'
import {
  type BulkDays,
  type BulkRows,
  bulkLoadSettings,
  bulkWriter,
  dropSecondaryIndexes,
  loadedInBulk,
  RowBuffer,
  restoreIndexes,
  STAY_COLUMNS,
} from '../db/bulk-load.js'
import type { Database } from '../db/database.js'
import { encodeDays, recordFirstDay } from '../db/night-records.js'
import type { AmenityRow, CancellationPolicy, PlaceRow, UserRow } from '../db/schema.js'
import { nowIso, uuidv7 } from '../ids.js'
import { hashPassword } from '../modules/auth/passwords.js'
import { type FeeRates, priceStay } from '../modules/bookings/pricing.js'
import { bookingRow } from '../modules/bookings/records.js'
import { toMinorUnits } from '../modules/places/money.js'
import { NO_STAY_RATINGS } from '../modules/reviews/service.js'
import {
  amenityBits,
  assignAmenityBits,
  MASK_BITS,
  maskOf,
} from '../modules/search/amenity-bits-repository.js'
import { DEMO_CITIES, DEMO_EXTRA_AMENITIES, DEMO_KINDS, DEMO_PEOPLE, DEMO_REVIEWS } from './demo-data.js'
import { DEMO_PASSWORD, random, SEED_AMENITIES } from './seed.js'

export interface BulkSeedOptions {
  /** Listings to add. */
  places: number
  /** Taken nights (place_nights rows) to add, as bookings and host blocks. */
  nights: number
  seed: number
  /** The day the nights are placed around (YYYY-MM-DD); today in UTC by default. */
  anchor?: string
  fees: FeeRates
  /** Listings per batch (one transaction each). */
  batchPlaces?: number
  /** Called after each batch with the number of listings it added. */
  onProgress?: (places: number) => void
  /** Generate the rows in this thread rather than in a worker thread (as when run from the sources). */
  inline?: boolean
  /** Called when the rows are in and the indexes are being built, then when statistics are gathered. */
  onPhase?: (phase: 'indexes' | 'analyze') => void
}

/** Seconds of a bulk seed, phase by phase: wall time, and the main thread's CPU time. */
export interface BulkSeedSeconds {
  /** Making the rows (a worker thread; here the time the writer waited for them). */
  generate: number
  /** Writing them (the database's work, and the driver's). */
  write: number
  /** Building the secondary indexes the load dropped. */
  indexes: number
  /** Gathering the planner's statistics. */
  analyze: number
  /** The main thread's CPU seconds in each phase (SQLite's work included; MariaDB's not). */
  cpu: { generate: number; write: number; indexes: number; analyze: number }
  /** This process's CPU seconds over the whole seed, every thread. */
  processCpu: number
}

export interface BulkSeedSummary {
  seed: number
  anchor: string
  places: number
  nights: number
  bookings: number
  blockedNights: number
  nightPrices: number
  reviews: number
  hosts: number
  guests: number
  seconds?: BulkSeedSeconds
}

type Phase = 'generate' | 'write' | 'indexes' | 'analyze'

/** Wall and main-thread CPU time per phase: `lap(name)` adds the time since the last lap to `name`. */
function phaseTimer() {
  const threadCpu = () => {
    const usage = process.threadCpuUsage?.() ?? process.cpuUsage()
    return (usage.user + usage.system) / 1000
  }
  const processStart = process.cpuUsage()
  const wall = { generate: 0, write: 0, indexes: 0, analyze: 0 }
  const cpu = { ...wall }
  let last = performance.now()
  let lastCpu = threadCpu()
  const round = (ms: number) => Math.round(ms / 100) / 10
  return {
    lap(phase: Phase) {
      const now = performance.now()
      const nowCpu = threadCpu()
      wall[phase] += now - last
      cpu[phase] += nowCpu - lastCpu
      last = now
      lastCpu = nowCpu
    },
    seconds(): BulkSeedSeconds {
      const all = process.cpuUsage(processStart)
      return {
        generate: round(wall.generate),
        write: round(wall.write),
        indexes: round(wall.indexes),
        analyze: round(wall.analyze),
        cpu: {
          generate: round(cpu.generate),
          write: round(cpu.write),
          indexes: round(cpu.indexes),
          analyze: round(cpu.analyze),
        },
        processCpu: round((all.user + all.system) / 1000),
      }
    },
  }
}

/** Fresh statistics, so the query planners know the new sizes of the tables. */
async function analyzeTables(database: Database): Promise<void> {
  // SQLite: from a sample of each index (analysis_limit), not every entry: a full `analyze` of
  // 10,000,000 nights reads every index whole, for statistics the planner uses only roughly.
  if (database.dialect === 'sqlite') {
    await sql`pragma analysis_limit = 1000`.execute(database.write)
    await sql`analyze`.execute(database.write)
    await sql`pragma analysis_limit = 0`.execute(database.write)
  } else
    await sql`analyze table places, place_amenities, place_nights, night_prices, bookings, reviews`.execute(
      database.write,
    )
}

/** Nights of each listing's calendar that may be taken: from 90 days before the anchor to 510 after. */
const WINDOW_START = -90
const WINDOW_NIGHTS = 600
/** At most half the window on average, so every listing's share fits in its calendar. */
export const MAX_NIGHTS_PER_PLACE = WINDOW_NIGHTS / 2
export const MAX_BULK_PLACES = 10_000_000
const MARKER_PREFIX = 'bulk_seed_'

const CITY_WEIGHTS: Record<string, number> = {
  Paris: 4,
  London: 4,
  'New York': 4,
  Tokyo: 3,
  Barcelona: 3,
  Rome: 3,
  Lisbon: 2,
  Amsterdam: 2,
  Berlin: 2,
  'San Francisco': 2,
  Sydney: 2,
  'Mexico City': 2,
}
const AMENITY_ODDS: Record<string, number> = {
  WiFi: 0.92,
  Kitchen: 0.78,
  Heating: 0.7,
  TV: 0.6,
  Washer: 0.5,
  'Dedicated workspace': 0.4,
  'Air Conditioning': 0.35,
  Balcony: 0.3,
  'Free parking': 0.25,
  'Pets allowed': 0.15,
  'Swimming Pool': 0.08,
}
const STAY_LENGTHS = [1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 7, 10, 14]
const POLICIES: CancellationPolicy[] = ['flexible', 'moderate', 'moderate', 'strict']
const DAY_MS = 86_400_000

type Rng = ReturnType<typeof random>

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())
}

function weightedPick<T>(rng: Rng, items: readonly T[], weights: readonly number[]): T {
  let x = rng.next() * weights.reduce((sum, w) => sum + w, 0)
  for (let i = 0; i < items.length; i++) {
    x -= weights[i]!
    if (x < 0) return items[i]!
  }
  return items[items.length - 1]!
}

/** UUIDv7 from a timestamp and the seeded generator: strictly increasing, so inserts stay in key order. */
function idMaker(rng: Rng) {
  let lastMs = 0
  let sequence = 0
  const hex32 = () => (Math.floor(rng.next() * 0x1_0000_0000) >>> 0).toString(16).padStart(8, '0')
  return (ms: number): string => {
    if (ms <= lastMs) {
      sequence++
      if (sequence > 0xfff) {
        lastMs++
        sequence = 0
      }
    } else {
      lastMs = ms
      sequence = 0
    }
    const time = lastMs.toString(16).padStart(12, '0')
    const tail = hex32() + hex32()
    const variant = (8 + (Number.parseInt(tail[0]!, 16) & 3)).toString(16)
    return (
      `${time.slice(0, 8)}-${time.slice(8, 12)}-7${sequence.toString(16).padStart(3, '0')}-` +
      `${variant}${tail.slice(1, 4)}-${tail.slice(4, 16)}`
    )
  }
}

/** Dates (YYYY-MM-DD) by day number since the epoch, as `iso` makes them. */
const isoDays = new Map<number, string>()
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)

/** `new Date(ms).toISOString()` for the years 1970-9999, with the date of each day made once (a seed makes millions). */
function iso(ms: number): string {
  const day = Math.floor(ms / DAY_MS)
  let date = isoDays.get(day)
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10)
    isoDays.set(day, date)
  }
  const time = ms - day * DAY_MS
  const milli = time % 1000
  const seconds = Math.floor(time / 1000)
  return `${date}T${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}.${milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : milli}Z`
}
const dayMs = (date: string) => Date.parse(`${date}T00:00:00.000Z`)
/** The days of the generator's date table, from the anchor: the calendar window, and its last check-out. */
const DAY_FIRST = WINDOW_START
const DAY_LAST = WINDOW_START + WINDOW_NIGHTS
/** Weekend prices are set for this many nights from the anchor. */
const WEEKEND_PRICE_DAYS = 60

/** Each listing's share of the taken nights: random weights, rounded so they add up to exactly `total`. */
function nightQuotas(count: number, total: number, seed: number): Uint16Array {
  const rng = random(seed ^ 0x5bd1e995)
  const weights = Float64Array.from({ length: count }, () => 0.2 + rng.next() * 1.6)
  const sum = weights.reduce((a, b) => a + b, 0)
  const quotas = new Uint16Array(count)
  let given = 0
  for (let i = 0; i < count; i++) {
    quotas[i] = Math.min(WINDOW_NIGHTS, Math.floor((total * weights[i]!) / sum))
    given += quotas[i]!
  }
  for (let i = 0; given < total; i = (i + 1) % count) {
    if (quotas[i]! < WINDOW_NIGHTS) {
      quotas[i]!++
      given++
    }
  }
  return quotas
}

export function checkBulkOptions(options: Pick<BulkSeedOptions, 'places' | 'nights' | 'seed'>): void {
  const { places, nights, seed } = options
  if (!Number.isSafeInteger(places) || places < 1 || places > MAX_BULK_PLACES) {
    throw new Error(`--places must be a whole number from 1 to ${MAX_BULK_PLACES}`)
  }
  if (!Number.isSafeInteger(nights) || nights < 0 || nights > places * MAX_NIGHTS_PER_PLACE) {
    throw new Error(
      `--bookings must be a whole number from 0 to ${MAX_NIGHTS_PER_PLACE} per place (${places * MAX_NIGHTS_PER_PLACE} here)`,
    )
  }
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new Error('--seed must be a whole number from 0 to 4294967295')
  }
}

const NOT_YET = Buffer.alloc(0)

/** A listing with the mask of its amenities and its record of taken nights (columns search reads, not in PlaceRow). */
type SeedPlace = PlaceRow & { amenity_mask: number | null; taken_from_day: number; taken_nights: Buffer }

/**
 * One batch's rows, table by table (in the order they are written). Taken nights go as stays (one
 * row per booking or block, the database makes the nights: `BulkRows.stays`).
 */
class Batch {
  readonly places = new RowBuffer('places')
  readonly links = new RowBuffer('place_amenities', ['place_id', 'amenity_id'])
  readonly reviews = new RowBuffer('reviews')
  readonly bookings = new RowBuffer('bookings')
  readonly stays = new RowBuffer('place_nights', STAY_COLUMNS, true)
  readonly prices = new RowBuffer('night_prices', ['place_id', 'night', 'price_minor'])
  nights = 0
  blockedNights = 0

  /** The rows, ready to be sent and written (for MariaDB with the days of the stays). */
  take(mysqlDays?: BulkDays): SeedBatch {
    const places = this.places.count
    return {
      tables: [this.places, this.links, this.reviews, this.bookings, this.stays, this.prices].map((rows) =>
        rows.take(mysqlDays),
      ),
      places,
      nights: this.nights,
      blockedNights: this.blockedNights,
    }
  }
}

/** What the generator hands over for each batch of listings. */
export interface SeedBatch {
  tables: BulkRows[]
  places: number
  nights: number
  blockedNights: number
}

/** The generator: deterministic for a seed and an anchor day, batch after batch. */
export class Generator {
  private readonly rng: Rng
  private readonly ids: ReturnType<typeof idMaker>
  private readonly quotas: Uint16Array
  private readonly anchorMs: number
  /** The anchor's day number (days since 1970-01-01). */
  private readonly anchorDay: number
  private readonly firstCreatedMs: number
  private readonly cities = DEMO_CITIES.map((city) => ({
    city,
    hotspots: [] as { lat: number; lng: number }[],
  }))
  private readonly cityWeights = DEMO_CITIES.map((c) => CITY_WEIGHTS[c.city] ?? 1)
  private bookingClock: number
  private reviewClock: number
  /** The dates of the calendar window and a little beyond, by day from the anchor (index - DAY_FIRST). */
  private readonly dates: string[] = []
  /** Fridays and Saturdays of the 60 nights from the anchor: the nights of weekend prices. */
  private readonly weekendNights: string[] = []
  readonly hosts: UserRow[]
  readonly guests: UserRow[]
  private made = 0

  private readonly amenityIds: Map<string, string>
  /** Bits of the amenities, by id. */
  private readonly bits: Map<string, number>

  constructor(private readonly options: GeneratorSettings) {
    this.amenityIds = new Map(options.amenityIds)
    this.bits = new Map(options.bits)
    const passwordHash = options.passwordHash
    this.rng = random(options.seed)
    this.ids = idMaker(random(options.seed ^ 0x2545f491))
    this.quotas = nightQuotas(options.places, options.nights, options.seed)
    this.anchorMs = dayMs(options.anchor)
    this.anchorDay = dayNumber(options.anchor)
    this.firstCreatedMs = this.anchorMs - 3 * 365 * DAY_MS
    this.bookingClock = this.anchorMs - 400 * DAY_MS
    this.reviewClock = this.anchorMs - 300 * DAY_MS
    for (let day = DAY_FIRST; day <= DAY_LAST; day++) this.dates.push(addDays(options.anchor, day))
    for (let day = 0; day < WEEKEND_PRICE_DAYS; day++) {
      const weekday = new Date(this.anchorMs + day * DAY_MS).getUTCDay()
      if (weekday === 5 || weekday === 6) this.weekendNights.push(this.day(day))
    }
    for (const entry of this.cities) {
      for (let h = 0; h < 5; h++) {
        entry.hotspots.push({
          lat: entry.city.latitude + gaussian(this.rng) * 0.025,
          lng: entry.city.longitude + gaussian(this.rng) * 0.035,
        })
      }
    }
    const people = (kind: 'host' | 'guest', count: number, names: readonly (readonly [string, string])[]) =>
      Array.from({ length: count }, (_, i): UserRow => {
        const email = `${kind}${i + 1}.seed${options.seed}@bulk.hbnb.io`
        const [first, last] = names[i % names.length]!
        const at = iso(this.firstCreatedMs - 30 * DAY_MS + i * 1000)
        return {
          id: this.ids(this.firstCreatedMs - 30 * DAY_MS + i),
          email,
          email_key: email,
          first_name: first,
          last_name: `${last} ${i + 1}`,
          password_hash: passwordHash,
          is_admin: 0,
          created_at: at,
          updated_at: at,
          email_verified_at: null,
          locale: 'en',
          phone: null,
          phone_verified_at: null,
        }
      })
    this.hosts = people('host', Math.max(1, Math.ceil(options.places / 25)), DEMO_PEOPLE.hosts)
    this.guests = people(
      'guest',
      Math.min(2000, Math.max(20, Math.ceil(options.nights / 200))),
      DEMO_PEOPLE.guests,
    )
  }

  get done(): boolean {
    return this.made >= this.options.places
  }

  /** The date `offset` days after the anchor (within the calendar window). */
  private day(offset: number): string {
    return this.dates[offset - DAY_FIRST]!
  }

  next(size: number): SeedBatch {
    const batch = new Batch()
    const end = Math.min(this.options.places, this.made + size)
    for (; this.made < end; this.made++) this.place(this.made, batch)
    return batch.take(this.mysqlDays)
  }

  /** The dates of the day numbers of the stays (`BulkRows.stays`). */
  get days(): BulkDays {
    return { firstDay: DAY_FIRST, dates: this.dates }
  }

  /** For MariaDB, the days the rows are made into statements with (`RowBuffer.take`). */
  get mysqlDays(): BulkDays | undefined {
    return this.options.dialect === 'mysql' ? this.days : undefined
  }

  private place(index: number, batch: Batch): void {
    const { rng } = this
    const { city, hotspots } = weightedPick(rng, this.cities, this.cityWeights)
    const clustered = rng.next() < 0.65
    const spot = clustered ? rng.pick(hotspots) : { lat: city.latitude, lng: city.longitude }
    const spread = clustered ? 0.008 : 0.04
    const latitude = Math.max(-89.9, Math.min(89.9, spot.lat + gaussian(rng) * spread))
    const longitude = spot.lng + gaussian(rng) * spread * 1.5
    const bedrooms = weightedPick(rng, [0, 1, 2, 3, 4, 5], [14, 38, 26, 13, 6, 3])
    const kind = rng.pick(DEMO_KINDS)
    const sight = rng.pick(city.sights)
    const nightly = Math.max(
      1,
      Math.round(city.price * Math.exp(gaussian(rng) * 0.4) * (0.8 + bedrooms * 0.2)),
    )
    const priceMinor = toMinorUnits(nightly, city.currency)
    const cleaning = rng.next() < 0.4 ? 0 : Math.round(priceMinor * (0.1 + rng.next() * 0.3))
    const minNights = weightedPick(rng, [1, 2, 3, 5, 7], [55, 25, 12, 5, 3])
    const createdMs = Math.floor(
      this.firstCreatedMs +
        ((index + rng.next()) / this.options.places) * (this.anchorMs - this.firstCreatedMs),
    )
    const roll = rng.next()
    const place: SeedPlace = {
      id: this.ids(createdMs),
      owner_id: rng.pick(this.hosts).id,
      title: `${kind} ${rng.next() < 0.5 ? 'near' : 'by'} ${sight}`.slice(0, 100),
      description:
        `${kind} in ${city.city}, close to ${sight}. ` +
        `${bedrooms === 0 ? 'Open-plan living with a sofa bed' : `${bedrooms} bedroom${bedrooms > 1 ? 's' : ''}`}` +
        `, sleeps ${Math.max(1, bedrooms * 2)}.`,
      price_minor: priceMinor,
      currency: city.currency,
      latitude: Number(latitude.toFixed(6)),
      longitude: Number(longitude.toFixed(6)),
      address: `${rng.int(1, 250)} ${sight.replace(/^the /, '')}`,
      city: city.city,
      country: city.country,
      timezone: city.timezone,
      max_guests: Math.max(1, bedrooms * 2) + (rng.next() < 0.3 ? 1 : 0),
      bedrooms,
      bathrooms: Math.max(1, Math.ceil(bedrooms / 2)),
      status: roll < 0.95 ? 'published' : roll < 0.98 ? 'draft' : 'suspended',
      cleaning_fee_minor: cleaning,
      min_nights: minNights,
      max_nights: Math.max(minNights, rng.pick([14, 30, 30, 60, 90, 365, 365])),
      advance_notice_days: rng.pick([0, 0, 0, 1, 1, 2, 3, 7]),
      booking_window_days: rng.pick([90, 180, 365, 365, 365]),
      check_in_time: rng.pick(['14:00', '15:00', '15:00', '16:00']),
      check_out_time: rng.pick(['10:00', '11:00', '11:00']),
      instant_book: rng.next() < 0.4 ? 1 : 0,
      cancellation_policy: rng.pick(POLICIES),
      rating_avg: 0,
      rating_count: 0,
      ical_token: '',
      deleted_at: null,
      created_at: iso(createdMs),
      updated_at: iso(createdMs),
      amenity_mask: null,
      taken_from_day: this.options.recordFirstDay,
      // Set once its calendar is made.
      taken_nights: NOT_YET,
    }
    const bits: number[] = []
    for (const [name, odds] of Object.entries(AMENITY_ODDS)) {
      const amenityId = this.amenityIds.get(name)
      if (rng.next() < odds && amenityId) {
        batch.links.push(place.id, amenityId)
        bits.push(this.bits.get(amenityId) ?? MASK_BITS)
      }
    }
    place.amenity_mask = bits.every((bit) => bit < MASK_BITS) ? maskOf(bits) : null
    if (place.status === 'published') this.reviews(place, batch)
    const overrides = this.nightPrices(place, batch)
    const taken = this.calendar(place, this.quotas[index]!, overrides, batch)
    // Written with the place (db/night-records.ts): no pass over place_nights after the load.
    place.taken_nights = encodeDays(this.options.recordFirstDay, taken)
    // Added last: the reviews set its rating.
    batch.places.add(place)
  }

  private reviews(place: PlaceRow, batch: Batch): void {
    const { rng } = this
    const count = rng.pick([0, 0, 1, 1, 2, 3, 4, 5])
    const authors = new Set<number>()
    while (authors.size < Math.min(count, this.guests.length)) authors.add(rng.int(0, this.guests.length - 1))
    let sum = 0
    for (const author of authors) {
      const [rating, text] = rng.pick(DEMO_REVIEWS)
      const at = iso(++this.reviewClock)
      sum += rating
      batch.reviews.add({
        id: this.ids(this.reviewClock),
        place_id: place.id,
        user_id: this.guests[author]!.id,
        text,
        rating,
        booking_id: '',
        ...NO_STAY_RATINGS,
        created_at: at,
        updated_at: at,
      })
    }
    place.rating_count = authors.size
    place.rating_avg = authors.size ? Math.round((sum / authors.size) * 100) / 100 : 0
  }

  /** Weekend prices for the next two months on some listings. */
  private nightPrices(place: PlaceRow, batch: Batch): Map<string, number> {
    const overrides = new Map<string, number>()
    if (place.status !== 'published' || this.rng.next() >= 0.08) return overrides
    const factor = 1.2 + this.rng.next() * 0.2
    for (const night of this.weekendNights) {
      const price = Math.round(place.price_minor * factor)
      overrides.set(night, price)
      batch.prices.push(place.id, night, price)
    }
    return overrides
  }

  /**
   * Exactly `quota` taken nights: stays of usual lengths with random gaps, as bookings or host
   * blocks. Their day numbers.
   */
  private calendar(place: PlaceRow, quota: number, overrides: Map<string, number>, batch: Batch): number[] {
    const taken: number[] = []
    if (quota === 0) return taken
    const { rng } = this
    const lengths: number[] = []
    for (let left = quota; left > 0; ) {
      const length = Math.min(left, rng.pick(STAY_LENGTHS))
      lengths.push(length)
      left -= length
    }
    const free = WINDOW_NIGHTS - quota
    const gapWeights = Array.from({ length: lengths.length + 1 }, () => rng.next())
    const weightSum = gapWeights.reduce((a, b) => a + b, 0)
    let offset = WINDOW_START
    for (const [i, length] of lengths.entries()) {
      offset += Math.floor((free * gapWeights[i]!) / weightSum)
      const first = offset
      const checkIn = this.day(first)
      const checkOut = this.day(first + length)
      const checkInMs = this.anchorMs + first * DAY_MS
      for (let night = 0; night < length; night++) taken.push(this.anchorDay + first + night)
      offset += length
      if (rng.next() < 0.3) {
        const at = iso(checkInMs - rng.int(1, 60) * DAY_MS)
        batch.stays.push(place.id, first, length, null, at)
        batch.nights += length
        batch.blockedNights += length
        continue
      }
      this.bookingClock++
      const createdMs = checkInMs - rng.int(1, 90) * DAY_MS + rng.int(0, 86_399) * 1000
      const nightly: { date: string; price_minor: number }[] = []
      for (let night = first; night < offset; night++) {
        const date = this.day(night)
        nightly.push({ date, price_minor: overrides.get(date) ?? place.price_minor })
      }
      const charges = priceStay(nightly, place.cleaning_fee_minor, this.options.fees)
      const past = first + length <= 0
      const guestId = rng.pick(this.guests).id
      const booking = bookingRow(
        place,
        {
          id: this.ids(this.bookingClock),
          guest_id: guestId,
          check_in: checkIn,
          check_out: checkOut,
          guests: rng.int(1, place.max_guests),
        },
        nightly,
        charges,
        {
          status: past ? 'completed' : 'confirmed',
          confirmed_at: iso(createdMs),
          created_at: iso(createdMs),
          updated_at: past ? `${checkOut}T12:00:00.000Z` : iso(createdMs),
        },
      )
      batch.bookings.add(booking)
      batch.stays.push(place.id, first, length, booking.id, booking.created_at)
      batch.nights += length
    }
    return taken
  }
}

/** What the generator needs: plain data, so that it can be handed to a worker thread. */
export interface GeneratorSettings {
  places: number
  nights: number
  seed: number
  anchor: string
  fees: FeeRates
  /** Amenity ids by name, as entries. */
  amenityIds: [string, string][]
  /** Amenity bits by id, as entries. */
  bits: [string, number][]
  passwordHash: string
  batchPlaces: number
  /** The database the rows are made for. */
  dialect: Database['dialect']
  /** The first day of the places' records of taken nights (`recordFirstDay` of the load's start). */
  recordFirstDay: number
}

/** What the generator gives first: the seed's users and the dates of the stays' day numbers. */
export interface SeedStart {
  people: BulkRows
  hosts: number
  guests: number
  days: BulkDays
}

/** The batches, generated in this thread or in a worker. */
interface BatchSource {
  start: Promise<SeedStart>
  /** The next batch, or undefined after the last. */
  next(): Promise<SeedBatch | undefined>
  close(): Promise<void>
}

/** The generator's first message. */
export function seedStart(generator: Generator): SeedStart {
  const people = new RowBuffer('users')
  for (const person of [...generator.hosts, ...generator.guests]) people.add(person)
  return {
    people: people.take(generator.mysqlDays),
    hosts: generator.hosts.length,
    guests: generator.guests.length,
    days: generator.days,
  }
}

function inlineSource(settings: GeneratorSettings): BatchSource {
  const generator = new Generator(settings)
  return {
    start: Promise.resolve(seedStart(generator)),
    next: async () => (generator.done ? undefined : generator.next(settings.batchPlaces)),
    close: async () => {},
  }
}

/** Batches being written at once (see bulkSeed). */
const WRITES_IN_FLIGHT = 2

/** Batches the worker may make before the writer asked for them. */
export const BATCHES_AHEAD = 2

/**
 * The generator in a worker thread (cli/bulk-seed-worker.ts), so that making the rows (a third of
 * the work) runs beside SQLite's writing of the previous batch. It stays at most `BATCHES_AHEAD`
 * batches ahead: it makes one more each time the writer takes one.
 */
function workerSource(settings: GeneratorSettings, file: string): BatchSource {
  const worker = new Worker(file, { workerData: settings })
  const ready: SeedBatch[] = []
  let ended = false
  let failure: Error | undefined
  let wake: (() => void) | undefined
  let started: (start: SeedStart) => void = () => {}
  let refused: (error: Error) => void = () => {}
  const start = new Promise<SeedStart>((resolve, reject) => {
    started = resolve
    refused = reject
  })
  const fail = (error: Error) => {
    failure ??= error
    refused(failure)
    wake?.()
  }
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'start') started(message.start)
    else if (message.type === 'batch') ready.push(message.batch)
    else ended = true
    wake?.()
  })
  worker.on('error', fail)
  worker.on('exit', (code) => {
    if (!ended) fail(new Error(`the seed's generator stopped (exit code ${code})`))
  })
  return {
    start,
    async next() {
      for (;;) {
        if (failure) throw failure
        const batch = ready.shift()
        if (batch) {
          worker.postMessage('more')
          return batch
        }
        if (ended) return undefined
        await new Promise<void>((resolve) => {
          wake = resolve
        })
        wake = undefined
      }
    },
    async close() {
      ended = true
      await worker.terminate()
    },
  }
}

/** Messages of the worker thread. */
export type WorkerMessage =
  | { type: 'start'; start: SeedStart }
  | { type: 'batch'; batch: SeedBatch }
  | { type: 'end' }

/**
 * The worker's file: beside this module once built; from the sources (tests), the built one
 * (`npm run test:unit` builds first). Without it, the rows are generated inline.
 */
const WORKER_FILE = (() => {
  const own = fileURLToPath(import.meta.url)
  const file = own.endsWith('.ts')
    ? fileURLToPath(new URL('../../dist/cli/bulk-seed-worker.js', import.meta.url))
    : fileURLToPath(new URL('./bulk-seed-worker.js', import.meta.url))
  return existsSync(file) ? file : undefined
})()

/** The tables a bulk seed fills, whose secondary indexes are built after the load. */
const BULK_TABLES = ['places', 'place_amenities', 'reviews', 'bookings', 'place_nights', 'night_prices']

/** Amenity ids by name, adding the demo amenities that are missing. */
async function amenitiesByName(database: Database): Promise<Map<string, string>> {
  const wanted = [...SEED_AMENITIES, ...DEMO_EXTRA_AMENITIES]
  const existing = await database.write.selectFrom('amenities').select(['id', 'name', 'name_key']).execute()
  const byKey = new Map(existing.map((a) => [a.name_key, a]))
  const now = nowIso()
  const missing: AmenityRow[] = []
  for (const name of wanted) {
    if (byKey.has(name.toLowerCase())) continue
    const row = { id: uuidv7(), name, name_key: name.toLowerCase(), created_at: now, updated_at: now }
    missing.push(row)
    byKey.set(row.name_key, row)
  }
  if (missing.length) await database.write.insertInto('amenities').values(missing).execute()
  return new Map(wanted.map((name) => [name, byKey.get(name.toLowerCase())!.id]))
}

/**
 * Adds the listings, reviews, bookings, blocks and weekend prices. A seed can be used once per
 * database (a marker row records it), so running the same command twice fails instead of colliding.
 */
export async function bulkSeed(database: Database, options: BulkSeedOptions): Promise<BulkSeedSummary> {
  checkBulkOptions(options)
  const anchor = options.anchor ?? nowIso().slice(0, 10)
  const marker = `${MARKER_PREFIX}${options.seed}`
  const previous = await database.write
    .selectFrom('app_meta')
    .select('value')
    .where('key', '=', marker)
    .executeTakeFirst()
  if (previous) {
    throw new Error(
      `this database already holds the data of --seed ${options.seed} (${previous.value}): use another seed`,
    )
  }
  const amenityIds = await amenitiesByName(database)
  await assignAmenityBits(database.write, [...amenityIds.values()])
  const settings: GeneratorSettings = {
    places: options.places,
    nights: options.nights,
    seed: options.seed,
    anchor,
    fees: options.fees,
    amenityIds: [...amenityIds],
    bits: [...(await amenityBits(database.write))],
    passwordHash: await hashPassword(DEMO_PASSWORD),
    batchPlaces: options.batchPlaces ?? 2000,
    dialect: database.dialect,
    recordFirstDay: recordFirstDay(Date.now()),
  }
  const timer = phaseTimer()
  const source = options.inline || !WORKER_FILE ? inlineSource(settings) : workerSource(settings, WORKER_FILE)
  try {
    const start = await source.start
    const summary: BulkSeedSummary = {
      seed: options.seed,
      anchor,
      places: 0,
      nights: 0,
      bookings: 0,
      blockedNights: 0,
      nightPrices: 0,
      reviews: 0,
      hosts: start.hosts,
      guests: start.guests,
    }
    const writer = bulkWriter(database, start.days)
    await writer.write([start.people])
    // The secondary indexes are built once after the load (db/bulk-load.ts).
    await dropSecondaryIndexes(database, BULK_TABLES)
    await bulkLoadSettings(database, true)
    try {
      timer.lap('generate')
      // Two batches in flight, each its own transaction (foreign keys are not checked during the
      // load): on MariaDB the driver sends one while the server writes the other (one at a time, the
      // server waited for the driver a third of the time). better-sqlite3 writes at once.
      const writing = new Set<Promise<void>>()
      let failure: { error: unknown } | undefined
      for (let batch = await source.next(); batch && !failure; batch = await source.next()) {
        timer.lap('generate')
        const count = (table: string) => batch!.tables.find((t) => t.table === table)?.count ?? 0
        summary.places += batch.places
        summary.nights += batch.nights
        summary.blockedNights += batch.blockedNights
        summary.bookings += count('bookings')
        summary.reviews += count('reviews')
        summary.nightPrices += count('night_prices')
        const places = batch.places
        const write: Promise<void> = writer.write(batch.tables).then(
          () => {
            writing.delete(write)
            options.onProgress?.(places)
          },
          (error: unknown) => {
            writing.delete(write)
            failure ??= { error }
          },
        )
        writing.add(write)
        if (writing.size >= WRITES_IN_FLIGHT) await Promise.race(writing)
        timer.lap('write')
      }
      await Promise.all(writing)
      if (failure) throw failure.error
      timer.lap('write')
      options.onPhase?.('indexes')
      await restoreIndexes(database)
      timer.lap('indexes')
    } finally {
      await bulkLoadSettings(database, false)
      await restoreIndexes(database)
    }
    const value = JSON.stringify({ places: summary.places, nights: summary.nights, anchor })
    await database.write.insertInto('app_meta').values({ key: marker, value }).execute()
    await loadedInBulk(database)
    options.onPhase?.('analyze')
    await analyzeTables(database)
    timer.lap('analyze')
    summary.seconds = timer.seconds()
    return summary
  } finally {
    await source.close()
  }
}
