// Cache hits answered before the framework (http/cached-response.ts): the second anonymous GET of a
// cacheable URL is answered early, and must be the answer the route gives: same status, bytes and
// headers (request id, CORS, ETag and 304, paging, rate limits, client address behind proxies).
import { expect, it } from 'vitest'
import { expectError } from '../helpers/contract.js'
import { describeEachDriver, type Response, type TestApp } from '../helpers/test-app.js'

const ORIGIN = 'https://app.example.com'

async function earlyAnswers(t: TestApp): Promise<number> {
  const match = /^hbnb_cache_early_answers_total (\d+)/m.exec((await t.get('/metrics')).text)
  return match ? Number(match[1]) : 0
}

/** Headers without those that differ between any two answers (date, request id, limit left, …). */
function comparable(headers: Response['headers']) {
  const {
    date: _date,
    'x-request-id': _id,
    'keep-alive': _alive,
    connection: _connection,
    'ratelimit-remaining': remaining,
    'ratelimit-reset': reset,
    ...rest
  } = headers
  expect(Number(remaining)).toBeGreaterThan(0)
  expect(Number(reset)).toBeGreaterThan(0)
  return rest
}

/** GETs `url` twice; the second must be answered early and look exactly like the first. */
async function expectSameAnswerEarly(t: TestApp, url: string, headers: Record<string, string> = {}) {
  const before = await earlyAnswers(t)
  const routed = await t.get(url, { headers })
  const early = await t.get(url, { headers })
  expect(await earlyAnswers(t), `${url} answered early`).toBe(before + 1)
  expect(early.status).toBe(routed.status)
  expect(early.text).toBe(routed.text)
  expect(comparable(early.headers)).toEqual(comparable(routed.headers))
  expect(new Set(early.headerNames)).toEqual(new Set(routed.headerNames)) // as sent, case included
  return { routed, early }
}

describeEachDriver(
  'cache hits answered before routing',
  (t) => {
    let host: Awaited<ReturnType<TestApp['user']>>
    let place: { id: string }

    it('answers every cacheable URL the way its route does', async () => {
      host = await t().user({ first_name: 'Early' })
      place = await t().place(host.token, { title: 'Early bird loft' })
      await t().place(host.token, { title: 'Early bird studio' })
      const amenity = (await t().get('/api/v1/amenities/?limit=50')).body[0]
      for (const url of [
        `/api/v1/places/${place.id}`,
        `/api/v1/places/${place.id}/`,
        '/api/v1/places/?limit=1',
        '/api/v1/amenities/',
        `/api/v1/amenities/${amenity.id}`,
        `/api/v1/users/${host.id}`,
        '/api/v1/search?q=early&limit=1',
      ]) {
        await expectSameAnswerEarly(t(), url)
      }
    })

    it("runs on a server with keep-alive longer than a proxy's and the request timeouts of the settings", () => {
      const { server } = t().app.http
      expect(server.keepAliveTimeout).toBe(72_000)
      expect(server.headersTimeout).toBe(10_000)
      expect(server.requestTimeout).toBe(30_000)
      expect(server.timeout).toBe(0)
    })

    it('keeps the paging headers, with links on the host the client asked', async () => {
      const { early } = await expectSameAnswerEarly(t(), '/api/v1/search?q=early&limit=1&sort=price')
      expect(early.headers['x-total-count']).toBe('2')
      expect(early.headers.link).toMatch(
        new RegExp(`^<${t().baseUrl}/api/v1/search\\?q=early&limit=1&sort=price&cursor=[^>]+>; rel="next"$`),
      )
    })

    it('sends the CORS headers the route sends, for allowed and other origins', async () => {
      await expectSameAnswerEarly(t(), `/api/v1/places/${place.id}?view=cors`, { origin: ORIGIN })
      await expectSameAnswerEarly(t(), `/api/v1/places/${place.id}?view=other`, {
        origin: 'https://elsewhere.example.org',
      })
      const early = await t().get(`/api/v1/places/${place.id}?view=cors`, { headers: { origin: ORIGIN } })
      expect(early.headers['access-control-allow-origin']).toBe(ORIGIN)
      expect(early.headers['access-control-allow-credentials']).toBe('true')
    })

    it("keeps the caller's request id, or gives a new one", async () => {
      const url = `/api/v1/places/${place.id}`
      await t().get(url)
      const before = await earlyAnswers(t())
      const given = await t().get(url, { headers: { 'x-request-id': 'trace-42.a:b' } })
      const invalid = await t().get(url, { headers: { 'x-request-id': 'not valid!' } })
      const none = await t().get(url)
      expect(await earlyAnswers(t())).toBe(before + 3)
      expect(given.headers['x-request-id']).toBe('trace-42.a:b')
      expect(invalid.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
      expect(none.headers['x-request-id']).not.toBe(invalid.headers['x-request-id'])
    })

    it('does not remember very long URLs (they take memory): those go through the route', async () => {
      const url = `/api/v1/places/${place.id}?padding=${'x'.repeat(1100)}`
      const first = await t().get(url)
      const before = await earlyAnswers(t())
      const second = await t().get(url)
      expect(second.text).toBe(first.text)
      expect(await earlyAnswers(t())).toBe(before)
    })

    it('answers 304 to a matching If-None-Match', async () => {
      const url = `/api/v1/places/${place.id}`
      const { etag } = (await t().get(url)).headers
      const before = await earlyAnswers(t())
      const notModified = await t().get(url, { headers: { 'if-none-match': String(etag) } })
      expect(await earlyAnswers(t())).toBe(before + 1)
      expect(notModified.status).toBe(304)
      expect(notModified.text).toBe('')
      expect(notModified.headers.etag).toBe(etag)
    })

    it('leaves authenticated requests, other methods and writes to the routes, and shows writes at once', async () => {
      const url = `/api/v1/places/${place.id}`
      await t().get(url)
      const before = await earlyAnswers(t())
      const withToken = await t().get(url, { token: host.token })
      expect(withToken.status).toBe(200)
      expect(await earlyAnswers(t())).toBe(before)
      expect((await t().put(url, { title: 'Early bird loft, renamed' }, { token: host.token })).status).toBe(
        200,
      )
      const after = await t().get(url)
      expect(after.body.title).toBe('Early bird loft, renamed')
      expect(await earlyAnswers(t())).toBe(before) // a new version: the route rebuilt it
      expect((await t().get(url)).body.title).toBe('Early bird loft, renamed')
      expect(await earlyAnswers(t())).toBe(before + 1)
      expect((await t().delete(url, { token: host.token })).status).toBe(200)
      await expectError(await t().get(url), 404)
    })
  },
  { HBNB_CACHE: 'memory', HBNB_CORS_ORIGINS: ORIGIN },
)

const LIMIT = 4
const PROXY = '127.0.0.3'

describeEachDriver(
  'cache hits answered before routing: rate limits and client addresses',
  (t) => {
    let url: string

    /** A fresh cached URL, read once by the (allow-listed) helper address. */
    async function cachedUrl() {
      const owner = await t().user()
      url = `/api/v1/places/${(await t().place(owner.token)).id}`
      expect((await t().get(url)).status).toBe(200)
      return url
    }

    it('counts early answers against the client address, and answers 429 past the limit', async () => {
      await cachedUrl()
      const before = await earlyAnswers(t())
      const answers: Response[] = []
      for (let i = 0; i <= LIMIT; i++) answers.push(await t().get(url, { localAddress: '127.0.0.2' }))
      expect(await earlyAnswers(t())).toBe(before + LIMIT)
      expect(answers.slice(0, LIMIT).map((a) => a.status)).toEqual(Array(LIMIT).fill(200))
      expect(answers.slice(0, LIMIT).map((a) => a.headers['ratelimit-remaining'])).toEqual(
        Array.from({ length: LIMIT }, (_, i) => String(LIMIT - 1 - i)),
      )
      expect(answers[0]!.headers['ratelimit-limit']).toBe(String(LIMIT))
      const refused = answers[LIMIT]!
      expectError(refused, 429)
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    })

    it('takes the client address from X-Forwarded-For only through a trusted proxy', async () => {
      await cachedUrl()
      const forwardedFor = (address: string) => ({ 'x-forwarded-for': address })
      const viaProxy = await t().get(url, { localAddress: PROXY, headers: forwardedFor('10.9.9.9') })
      const viaProxyAgain = await t().get(url, { localAddress: PROXY, headers: forwardedFor('10.9.9.9') })
      const otherClient = await t().get(url, { localAddress: PROXY, headers: forwardedFor('10.9.9.10') })
      expect(viaProxy.headers['ratelimit-remaining']).toBe(String(LIMIT - 1))
      expect(viaProxyAgain.headers['ratelimit-remaining']).toBe(String(LIMIT - 2))
      expect(otherClient.headers['ratelimit-remaining']).toBe(String(LIMIT - 1))
      // An untrusted sender's X-Forwarded-For is ignored: it is counted as itself.
      const spoofing = await t().get(url, { localAddress: '127.0.0.4', headers: forwardedFor('10.9.9.9') })
      const spoofingAgain = await t().get(url, {
        localAddress: '127.0.0.4',
        headers: forwardedFor('10.8.8.8'),
      })
      expect(spoofing.headers['ratelimit-remaining']).toBe(String(LIMIT - 1))
      expect(spoofingAgain.headers['ratelimit-remaining']).toBe(String(LIMIT - 2))
    })
  },
  {
    HBNB_CACHE: 'memory',
    HBNB_RATE_LIMIT_IP: String(LIMIT),
    HBNB_RATE_LIMIT_ALLOW: '127.0.0.1',
    HBNB_TRUST_PROXY: PROXY,
  },
)
