// The contract's seed (admin and three amenities) and the demo data added on a first start.
import type { Config } from '../config.js'
import { addDays, nightsOf } from '../dates.js'
import type { Database } from '../db/database.js'
import { refreshNightRecord } from '../db/night-records.js'
import type { AmenityRow, BookingStatus, PlaceRow, ReviewRow, UserRow } from '../db/schema.js'
import { nowIso, uuidv7 } from '../ids.js'
import { hashPassword } from '../modules/auth/passwords.js'
import { CANCELLATION_POLICIES } from '../modules/bookings/policies.js'
import { type FeeRates, priceStay } from '../modules/bookings/pricing.js'
import { bookingRow } from '../modules/bookings/records.js'
import { nightRows } from '../modules/calendar/repository.js'
import { toMinorUnits } from '../modules/places/money.js'
import { DEFAULT_TERMS } from '../modules/places/service.js'
import { NO_STAY_RATINGS } from '../modules/reviews/service.js'
import { assignAmenityBits, refreshAmenityMask } from '../modules/search/amenity-bits-repository.js'
import { DEMO_CITIES, DEMO_EXTRA_AMENITIES, DEMO_KINDS, DEMO_PEOPLE, DEMO_REVIEWS } from './demo-data.js'

export const ADMIN_ID = '36c9050e-ddd3-4c3b-9731-9f487208bbc1'
export const SEED_AMENITIES = ['WiFi', 'Swimming Pool', 'Air Conditioning']
export const DEMO_PASSWORD = 'hbnb-demo-1234'
const DEMO_MARKER = 'demo_data_seeded'

/** Adds the admin and the contract's amenities where missing. Never overwrites. */
export async function seedEssentials(
  database: Database,
  config: Pick<Config, 'adminEmail' | 'adminPassword'>,
) {
  const db = database.write
  const admin = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', ADMIN_ID), eb('email_key', '=', config.adminEmail.toLowerCase())]))
    .executeTakeFirst()
  const added: string[] = []
  if (!admin) {
    const now = nowIso()
    await db
      .insertInto('users')
      .values({
        id: ADMIN_ID,
        email: config.adminEmail,
        email_key: config.adminEmail.toLowerCase(),
        first_name: 'Admin',
        last_name: 'HBnB',
        password_hash: await hashPassword(config.adminPassword),
        is_admin: 1,
        created_at: now,
        updated_at: now,
      })
      .execute()
    added.push(`admin ${config.adminEmail}`)
  }
  added.push(...(await ensureAmenities(database, SEED_AMENITIES)))
  return added
}

async function ensureAmenities(database: Database, names: string[]): Promise<string[]> {
  const existing = await database.write.selectFrom('amenities').select('name_key').execute()
  const known = new Set(existing.map((row) => row.name_key))
  const now = nowIso()
  const rows: AmenityRow[] = names
    .filter((name) => !known.has(name.toLowerCase()))
    .map((name) => ({ id: uuidv7(), name, name_key: name.toLowerCase(), created_at: now, updated_at: now }))
  if (rows.length) await database.write.insertInto('amenities').values(rows).execute()
  return rows.map((row) => `amenity ${row.name}`)
}

/** A small deterministic PRNG (mulberry32), so the demo data is the same on every machine. */
export function random(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  }
}

export interface DemoSummary {
  users: number
  places: number
  reviews: number
  bookings: number
}

/**
 * Hosts, guests, three places per demo city with amenities, and reviews. Runs once per database:
 * a marker row records it, so deleting the demo places does not bring them back.
 */
export async function seedDemoData(
  database: Database,
  rates: FeeRates = { serviceFeePercent: 12, taxPercent: 5 },
  placesPerCity = 3,
): Promise<DemoSummary | null> {
  const db = database.write
  const marker = await db
    .selectFrom('app_meta')
    .select('value')
    .where('key', '=', DEMO_MARKER)
    .executeTakeFirst()
  if (marker) return null
  await ensureAmenities(database, DEMO_EXTRA_AMENITIES)
  const amenityIds = (await db.selectFrom('amenities').select('id').orderBy('name').execute()).map(
    (a) => a.id,
  )
  const rng = random(20261126)
  const passwordHash = await hashPassword(DEMO_PASSWORD)
  const now = nowIso()

  const person = (
    kind: 'host' | 'guest',
    index: number,
    [first, last]: readonly [string, string],
  ): UserRow => ({
    id: uuidv7(),
    email: `${kind}${index + 1}@hbnb.io`,
    email_key: `${kind}${index + 1}@hbnb.io`,
    first_name: first,
    last_name: last,
    password_hash: passwordHash,
    is_admin: 0,
    created_at: now,
    updated_at: now,
    email_verified_at: null,
    locale: 'en',
    phone: null,
    phone_verified_at: null,
  })
  const hosts = DEMO_PEOPLE.hosts.map((name, i) => person('host', i, name))
  const guests = DEMO_PEOPLE.guests.map((name, i) => person('guest', i, name))

  const places: PlaceRow[] = []
  const links: { place_id: string; amenity_id: string }[] = []
  const reviews: ReviewRow[] = []
  for (const city of DEMO_CITIES) {
    for (let n = 0; n < placesPerCity; n++) {
      const sight = city.sights[n % city.sights.length]!
      const kind = rng.pick(DEMO_KINDS)
      const bedrooms = rng.int(0, 4)
      const place: PlaceRow = {
        id: uuidv7(),
        owner_id: rng.pick(hosts).id,
        title: `${kind} near ${sight}`,
        description: `${kind} in ${city.city}, a short walk from ${sight}. ${bedrooms === 0 ? 'Open-plan living with a sofa bed' : `${bedrooms} bedroom${bedrooms > 1 ? 's' : ''}`}, fast WiFi and everything you need for a relaxed stay.`,
        price_minor: toMinorUnits(Math.round(city.price * (0.6 + rng.next() * 0.9)), city.currency),
        currency: city.currency,
        latitude: Number((city.latitude + (rng.next() - 0.5) * 0.06).toFixed(6)),
        longitude: Number((city.longitude + (rng.next() - 0.5) * 0.08).toFixed(6)),
        address: `${rng.int(1, 220)} ${sight.replace(/^the /, '')}`,
        city: city.city,
        country: city.country,
        timezone: city.timezone,
        max_guests: Math.max(1, bedrooms * 2),
        bedrooms,
        bathrooms: Math.max(1, Math.ceil(bedrooms / 2)),
        status: 'published',
        ...DEFAULT_TERMS,
        cleaning_fee_minor: toMinorUnits(Math.round(city.price * 0.25), city.currency),
        min_nights: rng.pick([1, 1, 2, 3]),
        instant_book: rng.next() < 0.5 ? 1 : 0,
        cancellation_policy: rng.pick(CANCELLATION_POLICIES),
        created_at: now,
        updated_at: now,
      }
      places.push(place)
      for (const amenityId of amenityIds) {
        if (rng.next() < 0.45) links.push({ place_id: place.id, amenity_id: amenityId })
      }
      for (const guest of guests) {
        if (rng.next() < 0.4) {
          const [rating, text] = rng.pick(DEMO_REVIEWS)
          reviews.push({
            id: uuidv7(),
            place_id: place.id,
            user_id: guest.id,
            text,
            rating,
            booking_id: '',
            ...NO_STAY_RATINGS,
            created_at: now,
            updated_at: now,
          })
        }
      }
    }
  }

  for (const place of places) {
    const ratings = reviews.filter((r) => r.place_id === place.id).map((r) => r.rating)
    place.rating_count = ratings.length
    place.rating_avg = ratings.length
      ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100
      : 0
  }

  const stays = demoStays(places, guests, hosts, Date.now(), rates)

  // Search reads each place's amenities as a mask of their bits (modules/search/amenity-bits-repository.ts).
  await assignAmenityBits(db, [...new Set(links.map((link) => link.amenity_id))])
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('users')
      .values([...hosts, ...guests])
      .execute()
    await trx.insertInto('places').values(places).execute()
    if (links.length) await trx.insertInto('place_amenities').values(links).execute()
    for (const place of places) await refreshAmenityMask(trx, place.id)
    if (reviews.length) await trx.insertInto('reviews').values(reviews).execute()
    for (const { booking, nights } of stays) {
      await trx.insertInto('bookings').values(booking).execute()
      await trx
        .insertInto('place_nights')
        .values(nightRows(booking.place_id, nights, { booking_id: booking.id }, now))
        .execute()
    }
    await refreshNightRecord(
      trx,
      places.map((place) => place.id),
    )
    await trx.insertInto('app_meta').values({ key: DEMO_MARKER, value: now }).execute()
  })
  return {
    users: hosts.length + guests.length,
    places: places.length,
    reviews: reviews.length,
    bookings: stays.length,
  }
}

/**
 * A few stays so every journey can be tried at once: each guest has a finished stay to review
 * and an upcoming trip, and the first host has a request waiting for an answer.
 */
function demoStays(places: PlaceRow[], guests: UserRow[], hosts: UserRow[], nowMs: number, rates: FeeRates) {
  const today = new Date(nowMs).toISOString().slice(0, 10)
  const stay = (
    place: PlaceRow,
    guest: UserRow,
    startOffset: number,
    nights: number,
    status: BookingStatus,
  ) => {
    const checkIn = addDays(today, startOffset)
    const checkOut = addDays(checkIn, nights)
    const nightly = nightsOf(checkIn, checkOut).map((date) => ({ date, price_minor: place.price_minor }))
    const at = new Date(nowMs).toISOString()
    const booking = bookingRow(
      place,
      { id: uuidv7(), guest_id: guest.id, check_in: checkIn, check_out: checkOut, guests: 1 },
      nightly,
      priceStay(nightly, place.cleaning_fee_minor, rates),
      {
        status,
        expires_at: status === 'pending' ? new Date(nowMs + 24 * 3_600_000).toISOString() : null,
        confirmed_at: status === 'pending' ? null : at,
        created_at: at,
      },
    )
    return { booking, nights: nightly.map((n) => n.date) }
  }
  const hostPlaces = places.filter((p) => p.owner_id === hosts[0]!.id)
  return [
    ...guests.map((guest, i) => stay(places[(i * 7) % places.length]!, guest, -5 - i, 2, 'completed')),
    ...guests.map((guest, i) =>
      stay(places[(i * 11 + 3) % places.length]!, guest, 20 + i * 3, 3, 'confirmed'),
    ),
    stay(hostPlaces[0] ?? places[0]!, guests[1]!, 40, 2, 'pending'),
  ]
}
