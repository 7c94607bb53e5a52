// The web client's session: with `X-HBNB-Session: cookie` at login or sign-up the refresh token is
// an HttpOnly cookie of the refresh and logout routes only, never in the body; those routes take
// the cookie only with the same header and from this server's origin (CSRF). Every other client
// keeps the body's refresh token exactly as before.
import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { expectError, expectOk } from '../helpers/contract.js'
import { describeEachDriver, type Response, type TestApp } from '../helpers/test-app.js'

const WEB = { 'x-hbnb-session': 'cookie' }

function setCookies(response: Response): string[] {
  const header = response.headers['set-cookie']
  return header === undefined ? [] : ([] as string[]).concat(header as string[] | string)
}

/** The `name=value` of the refresh cookie the response sets, after checking its attributes. */
function refreshCookie(response: Response): string {
  const cookies = setCookies(response).filter((c) => c.startsWith('hbnb_refresh='))
  expect(cookies.map((c) => c.replace(/^hbnb_refresh=[^;]*/, ''))).toEqual([
    expect.stringMatching(
      /^; Path=\/api\/v1\/auth\/refresh; Max-Age=2592000; HttpOnly; Secure; SameSite=Strict$/,
    ),
    expect.stringMatching(
      /^; Path=\/api\/v1\/auth\/logout; Max-Age=2592000; HttpOnly; Secure; SameSite=Strict$/,
    ),
  ])
  const [first, second] = cookies.map((c) => c.split(';')[0]!)
  expect(first).toBe(second)
  expect(first!.length).toBeGreaterThan('hbnb_refresh='.length + 20)
  return first!
}

async function webLogin(t: TestApp, user: { email: string; password: string }) {
  const response = await t.post(
    '/api/v1/auth/login',
    { email: user.email, password: user.password },
    { headers: WEB },
  )
  expectOk(response)
  expect(response.body.refresh_token).toBeUndefined()
  expect(typeof response.body.access_token).toBe('string')
  return { response, cookie: refreshCookie(response) }
}

describeEachDriver('session cookies', (t) => {
  const sameOrigin = () => ({ ...WEB, origin: t().baseUrl })
  const refresh = (cookie: string, headers: Record<string, string> = sameOrigin()) =>
    t().post('/api/v1/auth/refresh', {}, { headers: { ...headers, cookie } })

  it('API clients get the same login answer as before: the refresh token in the body, no refresh cookie', async () => {
    const user = await t().user()
    const response = await t().post('/api/v1/auth/login', { email: user.email, password: user.password })
    expectOk(response)
    expect(Object.keys(response.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'token_type',
      'user',
    ])
    expect(setCookies(response).some((c) => c.startsWith('hbnb_refresh='))).toBe(false)
    expectOk(await t().post('/api/v1/auth/refresh', { refresh_token: response.body.refresh_token }))
  })

  it('a web login keeps the refresh token in a cookie that refreshes, rotates and is single use', async () => {
    const user = await t().user()
    const { cookie } = await webLogin(t(), user)
    const refreshed = await refresh(cookie)
    expectOk(refreshed)
    expect(refreshed.body.refresh_token).toBeUndefined()
    expectOk(await t().get('/api/v1/auth/me', { token: refreshed.body.access_token }))
    const rotated = refreshCookie(refreshed)
    expect(rotated).not.toBe(cookie)
    expectOk(await refresh(rotated))
    // The first cookie again: a replay, which ends the whole login.
    const replayed = await refresh(cookie)
    expectError(replayed, 401)
    expect(replayed.body.code).toBe('refresh_token_reused')
  })

  it('sign-up can ask for the cookie too', async () => {
    const body = {
      first_name: 'Web',
      last_name: 'Client',
      email: `cookie-${randomBytes(4).toString('hex')}@example.com`,
      password: 'tidy-lantern-crossing',
    }
    const response = await t().post('/api/v1/auth/register', body, { headers: WEB })
    expectOk(response, 201)
    expect(response.body.refresh_token).toBeUndefined()
    expectOk(await refresh(refreshCookie(response)))
  })

  it('takes the cookie only with the session header and from this origin (CSRF)', async () => {
    const user = await t().user()
    const { cookie } = await webLogin(t(), user)
    const withoutHeader = await refresh(cookie, { origin: t().baseUrl })
    expectError(withoutHeader, 403)
    expect(withoutHeader.body.code).toBe('csrf_refused')
    for (const origin of ['http://127.0.0.1:1', 'http://localhost:3000', 'https://evil.example']) {
      const crossOrigin = await refresh(cookie, { ...WEB, origin })
      expectError(crossOrigin, 403)
      expect(crossOrigin.body.code).toBe('csrf_refused')
    }
    const logout = await t().post(
      '/api/v1/auth/logout',
      {},
      { headers: { origin: 'https://evil.example', ...WEB, cookie } },
    )
    expectError(logout, 403)
    // Refused attempts spent nothing: the cookie still works.
    expectOk(await refresh(cookie))
  })

  it('refresh without a token in the body or a cookie is a 400', async () => {
    const response = await t().post('/api/v1/auth/refresh', {}, { headers: sameOrigin() })
    expectError(response, 400)
    expect(response.body.code).toBe('validation_failed')
  })

  it('logout ends the login of the cookie and clears it', async () => {
    const user = await t().user()
    const { response, cookie } = await webLogin(t(), user)
    const logout = await t().post('/api/v1/auth/logout', {}, { headers: { ...sameOrigin(), cookie } })
    expectOk(logout)
    expect(setCookies(logout).filter((c) => c.startsWith('hbnb_refresh='))).toEqual([
      'hbnb_refresh=; Path=/api/v1/auth/refresh; Max-Age=0; HttpOnly; Secure; SameSite=Strict',
      'hbnb_refresh=; Path=/api/v1/auth/logout; Max-Age=0; HttpOnly; Secure; SameSite=Strict',
    ])
    expectError(await refresh(cookie), 401)
    const revoked = await t().get('/api/v1/auth/me', { token: response.body.access_token })
    expectError(revoked, 401)
    expect(revoked.body.code).toBe('token_revoked')
    // Logging out again, or with no session at all, is fine.
    expectOk(await t().post('/api/v1/auth/logout', {}, { headers: { ...sameOrigin(), cookie } }))
    expectOk(await t().post('/api/v1/auth/logout', {}, { headers: sameOrigin() }))
  })
})
