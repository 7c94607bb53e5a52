// RED metrics of the HTTP API (http/request-metrics.ts): requests by method, route pattern and
// status class, and their latency, for routed requests and cache hits answered early alike. The
// series are bounded: random URLs and 404s never add any.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { addDays, localDate } from '../../src/dates.js'
import { sample, scrape } from '../helpers/metrics.js'
import { describeOnDriver, startTestApp, type TestApp } from '../helpers/test-app.js'

function seriesNames(text: string, metric: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .filter((line) => line.startsWith(`${metric}{`))
      .map((line) => line.slice(0, line.lastIndexOf(' '))),
  )
}

describeOnDriver('sqlite', 'HTTP request metrics', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp('sqlite', { HBNB_CACHE: 'memory' })
  })
  afterAll(async () => {
    await t?.close()
  })

  const PLACE_ROUTE = '/api/v1/places/:id'
  const placeCount = (status: string) =>
    `hbnb_http_requests_total{method="GET",route="${PLACE_ROUTE}",status="${status}"}`

  it('counts requests by route pattern and status class, routed or answered early', async () => {
    const host = await t.user({ first_name: 'Metric' })
    const place = await t.place(host.token, { title: 'Counted cottage' })
    const before = await scrape(t)
    await t.get(`/api/v1/places/${place.id}`) // routed, then cached
    await t.get(`/api/v1/places/${place.id}`) // answered early from the cache
    await t.get(`/api/v1/places/${randomUUID()}`)
    const after = await scrape(t)
    expect(sample(after, placeCount('2xx')) - sample(before, placeCount('2xx'))).toBe(2)
    expect(sample(after, placeCount('4xx')) - sample(before, placeCount('4xx'))).toBe(1)
    const latencyCount = `hbnb_http_request_duration_seconds_count{method="GET",route="${PLACE_ROUTE}"}`
    expect(sample(after, latencyCount) - sample(before, latencyCount)).toBe(3)
    expect(after).toContain(
      `hbnb_http_request_duration_seconds_bucket{le="0.005",method="GET",route="${PLACE_ROUTE}"}`,
    )
    expect(after).not.toContain(place.id)
  })

  it('adds no series for random URLs, unknown methods and 404s', async () => {
    await t.get(`/no/such/${randomUUID()}`)
    await t.request('PROPFIND', '/coffee')
    const before = await scrape(t)
    const names = seriesNames(before, 'hbnb_http_requests_total')
    for (let i = 0; i < 50; i++) {
      await t.get(`/no/such/${randomUUID()}?q=${randomUUID()}`)
      await t.get(`/api/v1/places/${randomUUID()}`)
      await t.get(`/api/v1/${randomUUID()}`)
    }
    const after = await scrape(t)
    expect(seriesNames(after, 'hbnb_http_requests_total')).toEqual(names)
    expect(seriesNames(after, 'hbnb_http_request_duration_seconds_bucket')).toEqual(
      seriesNames(before, 'hbnb_http_request_duration_seconds_bucket'),
    )
    expect(after).toContain('route="unmatched"')
    expect(after).not.toMatch(/route="\/no\//)
  })

  it('counts bookings by outcome, sign-ups and failed logins', async () => {
    const before = await scrape(t)
    const owner = await t.user()
    const place = await t.place(owner.token, { instant_book: true })
    const signup = await t.post('/api/v1/auth/register', {
      first_name: 'New',
      last_name: 'Guest',
      email: `new-${randomUUID()}@example.com`,
      password: 'amber-otter-2931',
    })
    expect(signup.status).toBe(201)
    expect(
      (await t.post('/api/v1/auth/login', { email: owner.email, password: 'wrong-password-1' })).status,
    ).toBe(401)
    const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)
    const stay = { place_id: place.id, check_in: day(30), check_out: day(32), guests: 1 }
    const token = signup.body.access_token
    const booked = await t.post('/api/v1/bookings', stay, { token })
    expect(booked.status).toBe(201)
    expect((await t.post(`/api/v1/bookings/${booked.body.id}/cancel`, {}, { token })).status).toBe(200)
    const after = await scrape(t)
    const delta = (series: string) => sample(after, series) - sample(before, series)
    expect(delta('hbnb_signups_total')).toBe(1)
    expect(delta('hbnb_login_failures_total')).toBe(1)
    expect(delta('hbnb_bookings_total{outcome="instant"}')).toBe(1)
    expect(delta('hbnb_bookings_total{outcome="guest_cancel"}')).toBe(1)
  })
})
