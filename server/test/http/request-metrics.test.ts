// RED metrics of the HTTP API (http/request-metrics.ts): requests by method, route pattern and
// status class, and their latency, for routed requests and cache hits answered early alike. The
// series are bounded: random URLs and 404s never add any.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeOnDriver, startTestApp, type TestApp } from '../helpers/test-app.js'

async function scrape(t: TestApp) {
  return (await t.get('/metrics')).text
}

function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}

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
})
