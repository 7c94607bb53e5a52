// The response cache over HTTP, with the Redis driver (a private redis-server) and the memory driver:
// hits after misses, invalidation by every kind of write, ETag and 304, no caller's view leaking to
// another, and Redis stopped and started under load.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { addDays } from '../../src/dates.js'
import { cacheProperty } from '../helpers/cache-property.js'
import { startRedis } from '../helpers/processes.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'

const redisServer = await startRedis()
afterAll(async () => {
  await redisServer.stop()
})

/** The value of a cache counter at /metrics. */
async function metric(t: TestApp, name: 'hits' | 'misses', cache: string): Promise<number> {
  const text = (await t.get('/metrics')).text
  const match = new RegExp(`^hbnb_cache_${name}_total\\{cache="${cache}"\\} (\\d+)`, 'm').exec(text)
  return match ? Number(match[1]) : 0
}

async function eventually(check: () => Promise<boolean>, what: string, ms = 10_000) {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function cacheSuite(t: () => TestApp, driver: 'redis' | 'memory') {
  let host: Awaited<ReturnType<TestApp['user']>>
  let place: { id: string }
  beforeAll(async () => {
    if (driver === 'redis') {
      // The SQLite and MariaDB runs share the server: start each from an empty cache.
      const admin = new Redis(redisServer.url)
      await admin.flushall()
      admin.disconnect()
      await eventually(async () => (await t().get('/readyz')).body.status === 'ok', 'redis ready')
    }
    host = await t().user({ first_name: 'Hosta' })
    place = await t().place(host.token, { title: 'Cached cottage' })
  })

  it('serves the second read of a place from the cache, with the same bytes and ETag', async () => {
    const [hits, misses] = [await metric(t(), 'hits', 'place'), await metric(t(), 'misses', 'place')]
    const first = await t().get(`/api/v1/places/${place.id}`)
    const second = await t().get(`/api/v1/places/${place.id}`)
    expect(first.status).toBe(200)
    expect(second.text).toBe(first.text)
    expect(second.headers.etag).toBe(first.headers.etag)
    expect(first.headers['content-type']).toMatch(/^application\/json/)
    expect(await metric(t(), 'misses', 'place')).toBe(misses + 1)
    expect(await metric(t(), 'hits', 'place')).toBe(hits + 1)
  })

  it('answers 304 to If-None-Match with the current ETag, hit or miss, and 200 once it changed', async () => {
    const fresh = await t().place(host.token, { title: 'Etag house' })
    const first = await t().get(`/api/v1/places/${fresh.id}`)
    const etag = String(first.headers.etag)
    expect(etag).toMatch(/^"[\w-]+"$/)
    const notModified = await t().get(`/api/v1/places/${fresh.id}`, { headers: { 'if-none-match': etag } })
    expect(notModified.status).toBe(304)
    expect(notModified.text).toBe('')
    expect(
      (await t().get(`/api/v1/places/${fresh.id}`, { headers: { 'if-none-match': `"other", ${etag}` } }))
        .status,
    ).toBe(304)
    await t().put(`/api/v1/places/${fresh.id}`, { title: 'Etag house 2' }, { token: host.token })
    const changed = await t().get(`/api/v1/places/${fresh.id}`, { headers: { 'if-none-match': etag } })
    expect(changed.status).toBe(200)
    expect(changed.body.title).toBe('Etag house 2')
    expect(changed.headers.etag).not.toBe(etag)
    for (const url of [
      '/api/v1/places/',
      '/api/v1/search?q=etag',
      '/api/v1/amenities/',
      `/api/v1/users/${host.id}`,
    ]) {
      const page = await t().get(url)
      expect(page.status, url).toBe(200)
      const again = await t().get(url, { headers: { 'if-none-match': String(page.headers.etag) } })
      expect(again.status, url).toBe(304)
    }
  })

  it("serializes what it caches with the route's response schema (fields outside it never leave)", async () => {
    const fresh = await t().user()
    const spy = vi.spyOn(t().app.services.users, 'getResponse')
    try {
      // A profile never read before: a known URL would be answered from the cache before the route.
      const profile = (await t().get(`/api/v1/users/${fresh.id}`)).body
      const serialize = spy.mock.calls[0]![1]!
      expect(serialize).not.toBe(JSON.stringify)
      expect(JSON.parse(String(serialize({ ...profile, password_hash: 'secret' })))).toEqual(profile)
    } finally {
      spy.mockRestore()
    }
  })

  it('keeps the paging headers of cached lists', async () => {
    await t().place(host.token, { title: 'Second page' })
    const first = await t().get('/api/v1/places/?limit=1')
    const second = await t().get('/api/v1/places/?limit=1')
    expect(second.headers['x-total-count']).toBe(first.headers['x-total-count'])
    expect(second.headers.link).toBe(first.headers.link)
    expect(String(second.headers.link)).toContain('cursor=')
  })

  it('shows a place edit at once in its detail, the listing and search', async () => {
    const warm = async () => {
      await t().get(`/api/v1/places/${place.id}`)
      await t().get('/api/v1/places/?limit=1000')
      await t().get('/api/v1/search?q=cottage')
    }
    await warm()
    await warm()
    expect(
      (await t().put(`/api/v1/places/${place.id}`, { title: 'Renamed cottage' }, { token: host.token }))
        .status,
    ).toBe(200)
    expect((await t().get(`/api/v1/places/${place.id}`)).body.title).toBe('Renamed cottage')
    const listed = (await t().get('/api/v1/places/?limit=1000')).body.find(
      (p: { id: string }) => p.id === place.id,
    )
    expect(listed.title).toBe('Renamed cottage')
    const found = (await t().get('/api/v1/search?q=cottage')).body.results
    expect(found.map((r: { title: string }) => r.title)).toContain('Renamed cottage')
    expect((await t().get('/api/v1/search?q=renamed')).body.total).toBe(1)
  })

  it('shows a new review in the rating of the detail, the listing and search', async () => {
    const guest = await t().user()
    await t().get(`/api/v1/places/${place.id}`)
    await t().get('/api/v1/search?q=renamed')
    await t().post(
      '/api/v1/reviews/',
      { text: 'Great', rating: 4, place_id: place.id },
      { token: guest.token },
    )
    const detail = (await t().get(`/api/v1/places/${place.id}`)).body
    expect(detail.rating_count).toBe(1)
    expect(detail.reviews[0].text).toBe('Great')
    expect((await t().get('/api/v1/search?q=renamed')).body.results[0].rating_avg).toBe(4)
  })

  it('shows bookings, cancellations and blocks at once in searches with dates', async () => {
    const today = new Date().toISOString().slice(0, 10)
    const stay = { check_in: addDays(today, 60), check_out: addDays(today, 62) }
    const url = `/api/v1/search?q=renamed&check_in=${stay.check_in}&check_out=${stay.check_out}`
    const guest = await t().user()
    expect((await t().get(url)).body.total).toBe(1)
    const booking = await t().post(
      '/api/v1/bookings',
      { place_id: place.id, ...stay, guests: 1 },
      { token: guest.token },
    )
    expect(booking.status).toBe(201)
    expect((await t().get(url)).body.total).toBe(0)
    expect(
      (await t().post(`/api/v1/bookings/${booking.body.id}/cancel`, {}, { token: guest.token })).status,
    ).toBe(200)
    expect((await t().get(url)).body.total).toBe(1)
    const range = { from: stay.check_in, to: stay.check_out }
    expect(
      (await t().post(`/api/v1/places/${place.id}/calendar/block`, range, { token: host.token })).status,
    ).toBe(200)
    expect((await t().get(url)).body.total).toBe(0)
    await t().post(`/api/v1/places/${place.id}/calendar/unblock`, range, { token: host.token })
    expect((await t().get(url)).body.total).toBe(1)
  })

  it('shows an amenity rename in amenities, the places that have it and search facets', async () => {
    const admin = await t().adminToken()
    const amenity = (await t().post('/api/v1/amenities/', { name: `Hot tub ${driver}` }, { token: admin }))
      .body
    await t().post(`/api/v1/places/${place.id}/amenities/${amenity.id}`, {}, { token: host.token })
    const names = async () => ({
      one: (await t().get(`/api/v1/amenities/${amenity.id}`)).body.name,
      list: (await t().get('/api/v1/amenities/?limit=1000')).body.map((a: { name: string }) => a.name),
      place: (await t().get(`/api/v1/places/${place.id}`)).body.amenities.map(
        (a: { name: string }) => a.name,
      ),
      facets: (await t().get('/api/v1/search?q=renamed')).body.facets.amenities.map(
        (a: { name: string }) => a.name,
      ),
    })
    expect((await names()).place).toContain(`Hot tub ${driver}`)
    await t().put(`/api/v1/amenities/${amenity.id}`, { name: `Jacuzzi ${driver}` }, { token: admin })
    const after = await names()
    expect(after.one).toBe(`Jacuzzi ${driver}`)
    expect(after.list).toContain(`Jacuzzi ${driver}`)
    expect(after.place).toContain(`Jacuzzi ${driver}`)
    expect(after.facets).toContain(`Jacuzzi ${driver}`)
  })

  it("shows a user's new name in their profile and the places they own or reviewed", async () => {
    await t().get(`/api/v1/users/${host.id}`)
    await t().get(`/api/v1/places/${place.id}`)
    await t().put(`/api/v1/users/${host.id}`, { first_name: 'Renamed' }, { token: host.token })
    expect((await t().get(`/api/v1/users/${host.id}`)).body.first_name).toBe('Renamed')
    expect((await t().get(`/api/v1/places/${place.id}`)).body.owner.first_name).toBe('Renamed')
  })

  it("never shows a caller's own view (drafts, other statuses) to anyone else", async () => {
    const owner = await t().user()
    const other = await t().user()
    const draft = await t().place(owner.token, { title: 'Secret draft', status: 'draft' })
    for (let i = 0; i < 2; i++) {
      expect((await t().get(`/api/v1/places/${draft.id}`, { token: owner.token })).body.title).toBe(
        'Secret draft',
      )
      const mine = (await t().get('/api/v1/places/?owner_id=me', { token: owner.token })).body
      expect(mine.map((p: { id: string }) => p.id)).toContain(draft.id)
    }
    expect((await t().get(`/api/v1/places/${draft.id}`)).status).toBe(404)
    expect((await t().get(`/api/v1/places/${draft.id}`, { token: other.token })).status).toBe(404)
    const theirs = (await t().get(`/api/v1/places/?owner_id=${owner.id}`, { token: other.token })).body
    expect(theirs).toEqual([])
    const everyone = (await t().get('/api/v1/places/?limit=1000')).body.map((p: { id: string }) => p.id)
    expect(everyone).not.toContain(draft.id)
    await t().put(`/api/v1/places/${draft.id}`, { status: 'published' }, { token: owner.token })
    expect((await t().get(`/api/v1/places/${draft.id}`)).status).toBe(200)
    expect((await t().get(`/api/v1/places/?owner_id=${owner.id}`, { token: other.token })).body).toHaveLength(
      1,
    )
  })

  it('reflects every write in every read that follows it (random interleavings)', async () => {
    await cacheProperty(appClient(t()), appClient(t()), {
      seed: driver === 'redis' ? 7 : 11,
      steps: 25,
    })
  })
}

function appClient(t: TestApp) {
  return {
    request: (
      method: string,
      url: string,
      options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
    ) => t.request(method, url, options),
  }
}

describeEachDriver(
  'response cache: Redis driver',
  (t) => {
    cacheSuite(t, 'redis')

    it('answers from the database while Redis is down, then caches again without stale data', async () => {
      const host = await t().user()
      const place = await t().place(host.token, { title: 'Outage villa' })
      await t().get(`/api/v1/places/${place.id}`)
      await t().get(`/api/v1/places/${place.id}`)
      await redisServer.stop()
      try {
        const during = await t().get(`/api/v1/places/${place.id}`)
        expect(during.status).toBe(200)
        expect(during.body.title).toBe('Outage villa')
        expect(
          (await t().put(`/api/v1/places/${place.id}`, { title: 'Outage villa 2' }, { token: host.token }))
            .status,
        ).toBe(200)
        expect((await t().get(`/api/v1/places/${place.id}`)).body.title).toBe('Outage villa 2')
        expect((await t().get('/api/v1/search?q=outage')).body.results[0].title).toBe('Outage villa 2')
        const ready = await t().get('/readyz')
        expect(ready.status).toBe(200)
        expect(ready.body.status).toBe('degraded')
        expect(ready.body.checks.redis.status).toBe('down')
      } finally {
        await redisServer.start()
      }
      await eventually(async () => (await t().get('/readyz')).body.status === 'ok', 'redis back')
      const hits = await metric(t(), 'hits', 'place')
      await eventually(async () => {
        const answer = await t().get(`/api/v1/places/${place.id}`)
        expect(answer.body.title).toBe('Outage villa 2')
        return (await metric(t(), 'hits', 'place')) > hits
      }, 'cache hits again')
      await t().put(`/api/v1/places/${place.id}`, { title: 'Outage villa 3' }, { token: host.token })
      expect((await t().get(`/api/v1/places/${place.id}`)).body.title).toBe('Outage villa 3')
    })
  },
  { HBNB_CACHE: 'redis', HBNB_REDIS_URL: redisServer.url },
)

describeEachDriver('response cache: memory driver', (t) => cacheSuite(t, 'memory'), { HBNB_CACHE: 'memory' })
