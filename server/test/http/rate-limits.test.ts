// Rate limits over HTTP: the RateLimit-* headers, 429 with Retry-After per client address and per
// account on login, sign-up and password-forgot, per user, the allow-list, and X-Forwarded-For
// honoured from trusted proxies only. Requests come from chosen addresses (inject's remoteAddress);
// the helpers' own requests come from 127.0.0.1, which this suite allow-lists.
import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { expectError } from '../helpers/contract.js'
import { describeEachDriver, type Response, type TestApp } from '../helpers/test-app.js'

const PER_ADDRESS = 20
const PER_USER = 8
const AUTH_PER_ADDRESS = 3
const PER_ACCOUNT = 4
const PROXY = '10.0.0.1'

let nextAddress = 0
/** A client address no other test uses. */
const freshAddress = () => `10.1.${Math.floor(++nextAddress / 250)}.${(nextAddress % 250) + 1}`
const uniqueEmail = () => `limits-${randomBytes(4).toString('hex')}@example.com`

interface From {
  address: string
  body?: unknown
  token?: string
  headers?: Record<string, string>
}

async function send(t: TestApp, method: 'GET' | 'POST', url: string, from: From): Promise<Response> {
  const headers: Record<string, string> = { ...from.headers }
  if (from.token) headers.authorization = `Bearer ${from.token}`
  const response = await t.app.http.inject({
    method,
    url,
    remoteAddress: from.address,
    headers,
    ...(from.body !== undefined ? { payload: from.body as object } : {}),
  })
  const json = String(response.headers['content-type'] ?? '').includes('json') && response.body
  return {
    status: response.statusCode,
    body: json ? response.json() : response.body,
    headers: response.headers,
    text: response.body,
  }
}

const badLogin = (t: TestApp, from: Omit<From, 'body'>, email = uniqueEmail()) =>
  send(t, 'POST', '/api/v1/auth/login', { ...from, body: { email, password: 'wrong-password' } })

function expectLimited(response: Response) {
  expectError(response, 429)
  expect(response.body.code).toBe('rate_limited')
  expect(response.body.error).toMatch(/^Too many attempts: try again in \d+ seconds?$/)
  const retryAfter = Number(response.headers['retry-after'])
  expect(retryAfter).toBeGreaterThan(0)
  expect(retryAfter).toBeLessThanOrEqual(60)
  expect(response.headers['ratelimit-remaining']).toBe('0')
  expect(Number(response.headers['ratelimit-reset'])).toBe(retryAfter)
}

describeEachDriver(
  'rate limits',
  (t) => {
    it('answers the RateLimit-* headers of the per-address limit on API requests', async () => {
      const address = freshAddress()
      const first = await send(t(), 'GET', '/api/v1/places/', { address })
      expect(first.status).toBe(200)
      expect(first.headers['ratelimit-limit']).toBe(String(PER_ADDRESS))
      expect(first.headers['ratelimit-remaining']).toBe(String(PER_ADDRESS - 1))
      const reset = Number(first.headers['ratelimit-reset'])
      expect(reset).toBeGreaterThan(0)
      expect(reset).toBeLessThanOrEqual(60)
      const second = await send(t(), 'GET', '/api/v1/amenities/', { address })
      expect(second.headers['ratelimit-remaining']).toBe(String(PER_ADDRESS - 2))
      expect(first.headers['retry-after']).toBeUndefined()
      const health = await send(t(), 'GET', '/healthz', { address })
      expect(health.headers['ratelimit-limit']).toBeUndefined()
    })

    it('answers 429 with Retry-After past the per-address limit, for that address only', async () => {
      const address = freshAddress()
      for (let n = 1; n <= PER_ADDRESS; n++) {
        expect((await send(t(), 'GET', '/api/v1/places/', { address })).status).toBe(200)
      }
      const limited = await send(t(), 'GET', '/api/v1/places/', {
        address,
        headers: { origin: 'http://example.com' },
      })
      expectLimited(limited)
      expect(limited.headers['access-control-allow-origin']).toBe('*')
      expect((await send(t(), 'GET', '/api/v1/places/', { address: freshAddress() })).status).toBe(200)
    })

    it('limits login attempts per address, with the headers of the stricter limit', async () => {
      const address = freshAddress()
      for (let n = 1; n <= AUTH_PER_ADDRESS; n++) {
        const response = await badLogin(t(), { address })
        expectError(response, 401, 'Invalid credentials')
        expect(response.headers['ratelimit-limit']).toBe(String(AUTH_PER_ADDRESS))
        expect(response.headers['ratelimit-remaining']).toBe(String(AUTH_PER_ADDRESS - n))
      }
      expectLimited(await badLogin(t(), { address }))
      expectError(await badLogin(t(), { address: freshAddress() }), 401)
    })

    it('limits login attempts per account from any address, the alias included', async () => {
      const user = await t().user()
      for (let n = 1; n <= PER_ACCOUNT; n++) {
        const url = n % 2 ? '/api/v1/auth/login' : '/api/v1/login'
        const response = await send(t(), 'POST', url, {
          address: freshAddress(),
          body: { email: n === 1 ? user.email.toUpperCase() : user.email, password: 'wrong-password' },
        })
        expectError(response, 401)
      }
      const limited = await send(t(), 'POST', '/api/v1/auth/login', {
        address: freshAddress(),
        body: { email: user.email, password: user.password },
      })
      expectLimited(limited)
      expect(limited.body.access_token).toBeUndefined()
      expectError(await badLogin(t(), { address: freshAddress() }), 401)
    })

    it("an attacker's failed logins never lock the owner out of a known device; unknown devices stay limited", async () => {
      const user = await t().user()
      const other = await t().user()
      const deviceCookie = async (who: { email: string; password: string }) => {
        const login = await send(t(), 'POST', '/api/v1/auth/login', {
          address: freshAddress(),
          body: { email: who.email, password: who.password },
        })
        expect(login.status, login.text).toBe(200)
        const cookies = ([] as string[]).concat(login.headers['set-cookie'] as string[] | string)
        const device = cookies.find((c) => c.startsWith('hbnb_device='))!
        expect(device).toMatch(/; Path=\/api\/v1; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/)
        return device.split(';')[0]!
      }
      const known = await deviceCookie(user)
      const othersDevice = await deviceCookie(other)
      const statuses: number[] = []
      for (let n = 0; n < 50; n++) {
        statuses.push((await badLogin(t(), { address: freshAddress() }, user.email)).status)
      }
      expect(statuses.slice(0, PER_ACCOUNT - 1)).toEqual(Array(PER_ACCOUNT - 1).fill(401))
      expect(new Set(statuses.slice(PER_ACCOUNT - 1))).toEqual(new Set([429]))

      const owner = (cookie?: string) =>
        send(t(), 'POST', '/api/v1/auth/login', {
          address: freshAddress(),
          body: { email: user.email, password: user.password },
          headers: cookie ? { cookie } : {},
        })
      const fromKnownDevice = await owner(`theme=dark; ${known}`)
      expect(fromKnownDevice.status, fromKnownDevice.text).toBe(200)
      expect(typeof fromKnownDevice.body.access_token).toBe('string')
      // No device cookie, another account's, or a forged one: the account's limit applies.
      expectLimited(await owner())
      expectLimited(await owner(othersDevice))
      expectLimited(await owner(`${known.slice(0, -4)}AAAA`))
      // A stolen device cookie is limited on its own: wrong passwords through it run out too.
      const throughDevice: number[] = []
      for (let n = 0; n < PER_ACCOUNT; n++) {
        const response = await send(t(), 'POST', '/api/v1/auth/login', {
          address: freshAddress(),
          body: { email: user.email, password: 'wrong-password' },
          headers: { cookie: known },
        })
        throughDevice.push(response.status)
      }
      expect(throughDevice).toEqual([...Array(PER_ACCOUNT - 1).fill(401), 429])
    })

    it('limits sign-up and password-forgot per account too', async () => {
      const email = uniqueEmail()
      const body = { first_name: 'Sign', last_name: 'Up', email, password: 'long-enough-pw' }
      const signups: number[] = []
      for (let n = 0; n <= PER_ACCOUNT; n++) {
        signups.push(
          (await send(t(), 'POST', '/api/v1/auth/register', { address: freshAddress(), body })).status,
        )
      }
      expect(signups).toEqual([201, 400, 400, 400, 429])
      const forgot: number[] = []
      for (let n = 0; n <= PER_ACCOUNT; n++) {
        const response = await send(t(), 'POST', '/api/v1/auth/password/forgot', {
          address: freshAddress(),
          body: { email },
        })
        forgot.push(response.status)
      }
      expect(forgot).toEqual([202, 202, 202, 202, 429])
    })

    it('limits the requests of a user from any address', async () => {
      const user = await t().user()
      for (let n = 1; n <= PER_USER; n++) {
        const response = await send(t(), 'GET', '/api/v1/auth/me', {
          address: freshAddress(),
          token: user.token,
        })
        expect(response.status).toBe(200)
        expect(response.headers['ratelimit-limit']).toBe(String(PER_USER))
      }
      expectLimited(await send(t(), 'GET', '/api/v1/auth/me', { address: freshAddress(), token: user.token }))
      const other = await t().user()
      expect(
        (await send(t(), 'GET', '/api/v1/auth/me', { address: freshAddress(), token: other.token })).status,
      ).toBe(200)
    })

    it('applies no limit to allow-listed addresses', async () => {
      const address = '10.9.3.4'
      for (let n = 0; n < AUTH_PER_ADDRESS + PER_ACCOUNT + 2; n++) {
        const response = await badLogin(t(), { address }, 'same-account@example.com')
        expectError(response, 401)
        expect(response.headers['ratelimit-limit']).toBeUndefined()
      }
    })

    it('takes the client address from X-Forwarded-For only when a trusted proxy sends it', async () => {
      const viaProxy = (client: string) => ({ address: PROXY, headers: { 'x-forwarded-for': client } })
      for (let n = 0; n < AUTH_PER_ADDRESS; n++)
        expectError(await badLogin(t(), viaProxy('198.51.100.7')), 401)
      expectLimited(await badLogin(t(), viaProxy('198.51.100.7')))
      expectError(await badLogin(t(), viaProxy('198.51.100.8')), 401)

      // Anyone else's X-Forwarded-For is ignored: spoofed addresses, allow-listed ones included.
      const untrusted = freshAddress()
      for (let n = 0; n < AUTH_PER_ADDRESS; n++) {
        const spoofed = { address: untrusted, headers: { 'x-forwarded-for': `203.0.113.${n + 1}` } }
        expectError(await badLogin(t(), spoofed), 401)
      }
      expectLimited(await badLogin(t(), { address: untrusted, headers: { 'x-forwarded-for': '10.9.0.5' } }))
    })
  },
  {
    HBNB_RATE_LIMIT_IP: String(PER_ADDRESS),
    HBNB_RATE_LIMIT_USER: String(PER_USER),
    HBNB_AUTH_RATE_LIMIT: String(AUTH_PER_ADDRESS),
    HBNB_RATE_LIMIT_ACCOUNT: String(PER_ACCOUNT),
    HBNB_RATE_LIMIT_ALLOW: '127.0.0.1, 10.9.0.0/16',
    HBNB_TRUST_PROXY: PROXY,
  },
)

// Development (the default HBNB_ENV): local HBnB clients and their test suites log in, sign up and
// ask for reset links as often as they like; any other address keeps every limit.
describeEachDriver(
  'rate limits in development',
  (t) => {
    it('exempts loopback clients from the login, sign-up and per-account limits, not others', async () => {
      const user = await t().user()
      for (const address of ['127.0.0.1', '::1', '127.0.0.2']) {
        for (let n = 0; n < AUTH_PER_ADDRESS + PER_ACCOUNT + 2; n++) {
          expectError(await badLogin(t(), { address }, user.email), 401)
        }
        const login = await send(t(), 'POST', '/api/v1/auth/login', {
          address,
          body: { email: user.email, password: user.password },
        })
        expect(login.status, login.text).toBe(200)
        const signups: number[] = []
        const body = {
          first_name: 'Dev',
          last_name: 'Client',
          email: uniqueEmail(),
          password: 'long-enough-pw',
        }
        for (let n = 0; n <= PER_ACCOUNT + 1; n++) {
          signups.push((await send(t(), 'POST', '/api/v1/auth/register', { address, body })).status)
        }
        expect(signups).toEqual([201, 400, 400, 400, 400, 400])
      }
      const elsewhere = freshAddress()
      for (let n = 0; n < AUTH_PER_ADDRESS; n++) expectError(await badLogin(t(), { address: elsewhere }), 401)
      expectLimited(await badLogin(t(), { address: elsewhere }))
      // The account was tried far more than its limit from loopback: that counted nowhere.
      expectError(await badLogin(t(), { address: freshAddress() }, user.email), 401)
    })
  },
  {
    HBNB_ENV: 'development',
    HBNB_AUTH_RATE_LIMIT: String(AUTH_PER_ADDRESS),
    HBNB_RATE_LIMIT_ACCOUNT: String(PER_ACCOUNT),
  },
)
