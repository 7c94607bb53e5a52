// The cache correctness property: random interleaved writes (place edits, reviews, bookings and
// cancellations, amenity renames, owner renames) and reads through the API; every read made after a
// write was answered reflects it. Reads go through `read`, writes through `write`: the same app, or
// two API processes sharing a database and a Redis.
import { expect } from 'vitest'
import { random } from '../../src/cli/seed.js'
import { addDays } from '../../src/dates.js'
import { ADMIN } from './test-app.js'

export interface ApiResponse {
  status: number
  body: any
  text: string
}

export interface Client {
  request(
    method: string,
    url: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiResponse>
}

/** A Client over real HTTP (an API process). */
export function httpClient(base: string): Client {
  return {
    async request(method, url, options = {}) {
      const headers: Record<string, string> = { ...options.headers }
      if (options.token) headers.authorization = `Bearer ${options.token}`
      if (options.body !== undefined) headers['content-type'] = 'application/json'
      const response = await fetch(`${base}${url}`, {
        method,
        headers,
        body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      })
      const text = await response.text()
      const json =
        (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text
      return { status: response.status, body: json, text }
    },
  }
}

async function ok(response: Promise<ApiResponse>, what: string, ...statuses: number[]): Promise<ApiResponse> {
  const answer = await response
  const expected = statuses.length ? statuses : [200, 201]
  if (!expected.includes(answer.status)) throw new Error(`${what}: ${answer.status} ${answer.text}`)
  return answer
}

interface Booking {
  id: string
  place: number
  window: number
  guest: number
  active: boolean
}

export async function cacheProperty(write: Client, read: Client, options: { seed: number; steps: number }) {
  // Seeded (mulberry32): a failing run can be replayed from its seed.
  const rnd = random(options.seed)
  const tag = `${options.seed.toString(36)}${Date.now().toString(36)}`
  const admin = (await ok(write.request('POST', '/api/v1/auth/login', { body: ADMIN }), 'admin login')).body
    .access_token as string
  const newUser = async (name: string) => {
    const email = `${name}-${tag}@example.com`
    const body = { first_name: name, last_name: 'Prop', email, password: 'password-123' }
    const user = (await ok(write.request('POST', '/api/v1/users/', { token: admin, body }), 'user')).body
    const login = await ok(
      write.request('POST', '/api/v1/auth/login', { body: { email, password: 'password-123' } }),
      'login',
    )
    return { id: user.id as string, token: login.body.access_token as string }
  }
  const host = await newUser('Host')
  const guests = [await newUser('G1'), await newUser('G2'), await newUser('G3')]
  const amenity = (
    await ok(
      write.request('POST', '/api/v1/amenities/', { token: admin, body: { name: `Sauna ${tag}` } }),
      'amenity',
    )
  ).body
  const places: { id: string; title: string; reviews: number }[] = []
  for (let i = 0; i < 3; i++) {
    const title = `P${i} ${tag} v0`
    const body = { title, price: 50 + i, latitude: 10 + i, longitude: 20, amenities: [amenity.id] }
    const place = (await ok(write.request('POST', '/api/v1/places/', { token: host.token, body }), 'place'))
      .body
    places.push({ id: place.id, title, reviews: 0 })
  }
  const today = new Date().toISOString().slice(0, 10)
  const windows = [0, 1, 2].map((k) => ({
    check_in: addDays(today, 30 + 4 * k),
    check_out: addDays(today, 32 + 4 * k),
  }))
  const bookings: Booking[] = []
  const reviewed = new Set<string>()
  let amenityName = amenity.name as string
  let hostName = 'Host'
  let version = 0

  const get = async (url: string) => (await ok(read.request('GET', url), `GET ${url}`)).body

  /** Reads everything the writes can change and compares it with what was last written. */
  const check = async (after: string) => {
    const list = await get('/api/v1/places/?limit=1000')
    for (const place of places) {
      const detail = await get(`/api/v1/places/${place.id}`)
      expect(detail.title, `${after}: detail`).toBe(place.title)
      expect(detail.rating_count, `${after}: rating count`).toBe(place.reviews)
      expect(detail.reviews.length, `${after}: reviews`).toBe(place.reviews)
      expect(
        detail.amenities.map((a: { name: string }) => a.name),
        `${after}: amenities`,
      ).toEqual([amenityName])
      expect(detail.owner.first_name, `${after}: owner`).toBe(hostName)
      const listed = list.find((p: { id: string }) => p.id === place.id)
      expect(listed?.title, `${after}: list`).toBe(place.title)
      expect(listed?.rating_count, `${after}: list rating`).toBe(place.reviews)
      const found = await get(`/api/v1/search?q=${encodeURIComponent(place.title)}`)
      expect(
        found.results.map((r: { id: string }) => r.id),
        `${after}: search`,
      ).toEqual([place.id])
      expect(found.results[0].rating_count, `${after}: search rating`).toBe(place.reviews)
    }
    const search = await get(`/api/v1/search?q=${encodeURIComponent(tag)}`)
    expect(
      search.facets.amenities.map((a: { name: string }) => a.name),
      `${after}: facets`,
    ).toEqual([amenityName])
    for (const [w, window] of windows.entries()) {
      const dated = await get(
        `/api/v1/search?q=${encodeURIComponent(tag)}&check_in=${window.check_in}&check_out=${window.check_out}`,
      )
      const expected = places
        .map((p, i) => (bookings.some((b) => b.active && b.place === i && b.window === w) ? undefined : p.id))
        .filter(Boolean)
        .sort()
      expect(
        dated.results.map((r: { id: string }) => r.id).sort(),
        `${after}: availability of window ${w}`,
      ).toEqual(expected)
    }
    expect((await get(`/api/v1/amenities/${amenity.id}`)).name, `${after}: amenity`).toBe(amenityName)
    expect((await get(`/api/v1/users/${host.id}`)).first_name, `${after}: profile`).toBe(hostName)
  }

  const operations = {
    edit: async () => {
      const place = rnd.pick(places)
      place.title = `${place.title.replace(/ v\d+$/, '')} v${++version}`
      await ok(
        write.request('PUT', `/api/v1/places/${place.id}`, {
          token: host.token,
          body: { title: place.title },
        }),
        'edit',
      )
      return `edit of ${place.id}`
    },
    review: async () => {
      const free = places
        .flatMap((_p, i) => guests.map((_g, j) => [i, j] as const))
        .filter(([i, j]) => !reviewed.has(`${i}/${j}`))
      if (!free.length) return 'no review left'
      const [i, j] = rnd.pick(free)
      const body = { text: 'Lovely', rating: 1 + Math.floor(rnd.next() * 5), place_id: places[i]!.id }
      await ok(write.request('POST', '/api/v1/reviews/', { token: guests[j]!.token, body }), 'review')
      reviewed.add(`${i}/${j}`)
      places[i]!.reviews++
      return `review of ${places[i]!.id}`
    },
    book: async () => {
      const place = Math.floor(rnd.next() * places.length)
      const window = Math.floor(rnd.next() * windows.length)
      if (bookings.some((b) => b.active && b.place === place && b.window === window)) return 'window taken'
      const guest = Math.floor(rnd.next() * guests.length)
      const body = { place_id: places[place]!.id, ...windows[window]!, guests: 1 }
      const booking = (
        await ok(write.request('POST', '/api/v1/bookings', { token: guests[guest]!.token, body }), 'book')
      ).body
      bookings.push({ id: booking.id, place, window, guest, active: true })
      return `booking of ${places[place]!.id} in window ${window}`
    },
    cancel: async () => {
      const active = bookings.filter((b) => b.active)
      if (!active.length) return 'nothing to cancel'
      const booking = rnd.pick(active)
      await ok(
        write.request('POST', `/api/v1/bookings/${booking.id}/cancel`, {
          token: guests[booking.guest]!.token,
        }),
        'cancel',
      )
      booking.active = false
      return `cancellation of ${booking.id}`
    },
    rename: async () => {
      amenityName = `Sauna ${tag} v${++version}`
      await ok(
        write.request('PUT', `/api/v1/amenities/${amenity.id}`, {
          token: admin,
          body: { name: amenityName },
        }),
        'rename',
      )
      return 'amenity rename'
    },
    owner: async () => {
      hostName = `Host${++version}`
      await ok(
        write.request('PUT', `/api/v1/users/${host.id}`, {
          token: host.token,
          body: { first_name: hostName },
        }),
        'owner',
      )
      return 'owner rename'
    },
  }
  const names = Object.keys(operations) as (keyof typeof operations)[]
  await check('start') // each check also warms the cache with what the next write changes
  for (let step = 0; step < options.steps; step++) {
    const done = await operations[rnd.pick(names)]()
    await check(`step ${step} (${done}, seed ${options.seed})`)
  }
}
