import { randomBytes } from 'node:crypto'
import { SignJWT } from 'jose'
import { expect, it } from 'vitest'
import { passwordWork } from '../../src/modules/auth/passwords.js'
import { decodeJwt, expectError, expectNoPassword, expectOk, UUID } from '../helpers/contract.js'
import { ADMIN, describeEachDriver, type TestApp } from '../helpers/test-app.js'

const uniqueEmail = (prefix = 'auth') => `${prefix}-${randomBytes(4).toString('hex')}@example.com`

const signup = (overrides: Record<string, unknown> = {}) => ({
  first_name: 'Sign',
  last_name: 'Up',
  email: uniqueEmail('signup'),
  password: 'long-enough-pw',
  ...overrides,
})

/** Logs in and answers the whole session (access and refresh tokens). */
async function session(app: TestApp, email: string, password: string) {
  const response = await app.post('/api/v1/auth/login', { email, password })
  expectOk(response)
  return response.body as { access_token: string; refresh_token: string }
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

describeEachDriver('auth: login and tokens', (t) => {
  it('POST /auth/login answers 200 {access_token} for valid credentials, never the password', async () => {
    const user = await t().user()
    const response = await t().post('/api/v1/auth/login', { email: user.email, password: user.password })
    expectOk(response)
    expectNoPassword(response, user.password)
    expect(typeof response.body.access_token).toBe('string')
    const protectedCheck = await t().get('/api/v1/auth/protected', { token: response.body.access_token })
    expect(protectedCheck.body.message).toBe(`Hello, user ${user.id}`)
  })

  it('many logins at once all succeed, with at most one password check per core running at a time', async () => {
    const user = await t().user()
    let mostActive = 0
    let mostQueued = 0
    const watch = setInterval(() => {
      mostActive = Math.max(mostActive, passwordWork.active)
      mostQueued = Math.max(mostQueued, passwordWork.queued)
    }, 1)
    try {
      const logins = Array.from({ length: passwordWork.max * 3 + 2 }, () =>
        t().post('/api/v1/auth/login', { email: user.email, password: user.password }),
      )
      for (const response of await Promise.all(logins)) {
        expectOk(response)
        expect(decodeJwt(response.body.access_token).payload.sub).toBe(user.id)
      }
    } finally {
      clearInterval(watch)
    }
    expect(mostActive).toBeLessThanOrEqual(passwordWork.max)
    expect(mostQueued).toBeGreaterThan(0)
  })

  it('POST /api/v1/login is an alias of /auth/login', async () => {
    const user = await t().user()
    const response = await t().post('/api/v1/login', { email: user.email, password: user.password })
    expectOk(response)
    const me = await t().get('/api/v1/auth/me', { token: response.body.access_token })
    expect(me.body.id).toBe(user.id)
    expectError(
      await t().post('/api/v1/login', { email: user.email, password: 'wrong' }),
      401,
      'Invalid credentials',
    )
  })

  it('POST /auth/login matches the email whatever its case', async () => {
    const user = await t().user()
    const response = await t().post('/api/v1/auth/login', {
      email: user.email.toUpperCase(),
      password: user.password,
    })
    expectOk(response)
    expect(decodeJwt(response.body.access_token).payload.sub).toBe(user.id)
  })

  it('POST /auth/login answers 401 "Invalid credentials" for a wrong password or an unknown email', async () => {
    const user = await t().user()
    expectError(
      await t().post('/api/v1/auth/login', { email: user.email, password: `${user.password}x` }),
      401,
      'Invalid credentials',
    )
    expectError(
      await t().post('/api/v1/auth/login', { email: uniqueEmail('nobody'), password: user.password }),
      401,
      'Invalid credentials',
    )
    expectError(
      await t().post('/api/v1/auth/login', { email: user.email, password: '' }),
      401,
      'Invalid credentials',
    )
  })

  it('POST /auth/login answers 400 when a field is missing', async () => {
    expectError(await t().post('/api/v1/auth/login', { email: ADMIN.email }), 400)
    expectError(await t().post('/api/v1/auth/login', { password: ADMIN.password }), 400)
    expectError(await t().post('/api/v1/auth/login', {}), 400)
  })

  it('the access token is an HS256 JWT with sub = user id (string), boolean is_admin, exp, iat and jti', async () => {
    const user = await t().user()
    const first = await session(t(), user.email, user.password)
    const second = await session(t(), user.email, user.password)
    const { header, payload } = decodeJwt(first.access_token)
    expect(header.alg).toBe('HS256')
    expect(payload.sub).toBe(user.id)
    expect(typeof payload.sub).toBe('string')
    expect(payload.is_admin).toBe(false)
    expect(Number.isInteger(payload.iat)).toBe(true)
    expect(Number.isInteger(payload.exp)).toBe(true)
    expect(payload.exp as number).toBeGreaterThan(payload.iat as number)
    expect(payload.exp as number).toBeGreaterThan(nowSeconds())
    expect(Math.abs((payload.iat as number) - nowSeconds())).toBeLessThan(300)
    expect(typeof payload.jti).toBe('string')
    expect(String(payload.jti).length).toBeGreaterThan(0)
    expect(decodeJwt(second.access_token).payload.jti).not.toBe(payload.jti)

    const admin = decodeJwt(await t().adminToken()).payload
    expect(admin.sub).toBe(ADMIN.id)
    expect(admin.is_admin).toBe(true)
  })

  it('GET /auth/protected answers "Hello, user <id>" and is_admin', async () => {
    const user = await t().user()
    const response = await t().get('/api/v1/auth/protected', { token: user.token })
    expectOk(response)
    expect(response.body).toMatchObject({ message: `Hello, user ${user.id}`, is_admin: false })
    const admin = await t().get('/api/v1/auth/protected', { token: await t().adminToken() })
    expect(admin.body).toMatchObject({ message: `Hello, user ${ADMIN.id}`, is_admin: true })
  })

  it('a missing token is 401', async () => {
    expectError(await t().get('/api/v1/auth/protected'), 401)
    expectError(await t().get('/api/v1/auth/me'), 401)
  })

  it('a garbage token or a wrong scheme is 401', async () => {
    for (const token of ['garbage', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.e30.', `${(await t().user()).token}x`]) {
      expectError(await t().get('/api/v1/auth/protected', { token }), 401)
    }
    const user = await t().user()
    for (const authorization of [`Basic ${user.token}`, 'Bearer', `Token ${user.token}`]) {
      expectError(await t().get('/api/v1/auth/protected', { headers: { authorization } }), 401)
    }
  })

  it('a token signed with another secret, or with alg none, is 401; the same claims signed right are accepted', async () => {
    const user = await t().user()
    const claims = decodeJwt(user.token).payload
    const sign = (secret: string) =>
      new SignJWT({ ...claims, is_admin: true })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(new TextEncoder().encode(secret))

    const forged = await sign('an-attacker-secret-that-is-long-enough-000')
    expectError(await t().get('/api/v1/auth/protected', { token: forged }), 401)
    expectError(
      await t().post('/api/v1/amenities/', { name: `Forged ${claims.jti}` }, { token: forged }),
      401,
    )

    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url')
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, is_admin: true })}.`
    expectError(await t().get('/api/v1/auth/protected', { token: unsigned }), 401)

    const genuine = await sign(t().app.config.jwtSecret)
    const accepted = await t().get('/api/v1/auth/protected', { token: genuine })
    expectOk(accepted)
    expect(accepted.body).toMatchObject({ message: `Hello, user ${user.id}`, is_admin: true })
  })

  it('an expired token is 401', async () => {
    const user = await t().user()
    const claims = decodeJwt(user.token).payload
    const key = new TextEncoder().encode(t().app.config.jwtSecret)
    const withExpiry = (iat: number, exp: number) =>
      new SignJWT({ ...claims, iat, exp }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key)

    const expired = await withExpiry(nowSeconds() - 7200, nowSeconds() - 3600)
    expectError(await t().get('/api/v1/auth/protected', { token: expired }), 401)
    expectError(await t().put(`/api/v1/users/${user.id}`, { first_name: 'Late' }, { token: expired }), 401)

    const fresh = await withExpiry(nowSeconds(), nowSeconds() + 3600)
    expectOk(await t().get('/api/v1/auth/protected', { token: fresh }))
  })

  it('GET /auth/me answers the caller without the password', async () => {
    const user = await t().user({ first_name: 'Me', last_name: 'Myself' })
    const response = await t().get('/api/v1/auth/me', { token: user.token })
    expectOk(response)
    expectNoPassword(response, user.password)
    expect(response.body).toMatchObject({
      id: user.id,
      email: user.email,
      first_name: 'Me',
      last_name: 'Myself',
      is_admin: false,
    })
  })
})

describeEachDriver('auth: sign-up, refresh and logout', (t) => {
  it('POST /auth/register answers 201 with access and refresh tokens for a non-admin user', async () => {
    const body = signup({ first_name: ' Newbie ', is_admin: true })
    const response = await t().post('/api/v1/auth/register', body)
    expectOk(response, 201)
    expectNoPassword(response, body.password)
    expect(typeof response.body.access_token).toBe('string')
    expect(typeof response.body.refresh_token).toBe('string')
    const { payload } = decodeJwt(response.body.access_token)
    expect(payload.sub).toMatch(UUID)
    expect(payload.is_admin).toBe(false)

    const me = await t().get('/api/v1/auth/me', { token: response.body.access_token })
    expect(me.body).toMatchObject({
      id: payload.sub,
      email: body.email,
      first_name: 'Newbie',
      is_admin: false,
    })
    expect((await t().get(`/api/v1/users/${payload.sub}`)).body.email).toBe(body.email)
    expect(await t().login(body.email, body.password)).toEqual(expect.any(String))
    const refreshed = await t().post('/api/v1/auth/refresh', { refresh_token: response.body.refresh_token })
    expectOk(refreshed)
  })

  it('POST /auth/register refuses a short password, an invalid email and missing names (400)', async () => {
    for (const body of [
      signup({ password: 'short' }),
      signup({ password: '' }),
      signup({ email: 'a@@b.fr' }),
      signup({ email: 'x@domain..com' }),
      signup({ first_name: '' }),
      signup({ last_name: 'x'.repeat(51) }),
    ]) {
      const response = await t().post('/api/v1/auth/register', body)
      expectError(response, 400)
      expectError(await t().post('/api/v1/auth/login', { email: body.email, password: body.password }), 401)
    }
  })

  it('POST /auth/register refuses a registered email, whatever its case (400)', async () => {
    const body = signup()
    expectOk(await t().post('/api/v1/auth/register', body), 201)
    expectError(
      await t().post('/api/v1/auth/register', signup({ email: body.email })),
      400,
      'Email already registered',
    )
    expectError(
      await t().post('/api/v1/auth/register', signup({ email: body.email.toUpperCase() })),
      400,
      'Email already registered',
    )
    expectError(
      await t().post('/api/v1/auth/register', signup({ email: ADMIN.email })),
      400,
      'Email already registered',
    )
  })

  it('POST /auth/refresh rotates: a new access token and a new refresh token that works in turn', async () => {
    const user = await t().user()
    const first = await session(t(), user.email, user.password)
    const second = await t().post('/api/v1/auth/refresh', { refresh_token: first.refresh_token })
    expectOk(second)
    expect(second.body.refresh_token).not.toBe(first.refresh_token)
    expect(decodeJwt(second.body.access_token).payload.sub).toBe(user.id)
    expect((await t().get('/api/v1/auth/me', { token: second.body.access_token })).body.id).toBe(user.id)
    const third = await t().post('/api/v1/auth/refresh', { refresh_token: second.body.refresh_token })
    expectOk(third)
    expect(third.body.refresh_token).not.toBe(second.body.refresh_token)
  })

  it('POST /auth/refresh with a used token is 401 and revokes the whole family, not other logins', async () => {
    const user = await t().user()
    const stolen = await session(t(), user.email, user.password)
    const otherLogin = await session(t(), user.email, user.password)
    const rotated = await t().post('/api/v1/auth/refresh', { refresh_token: stolen.refresh_token })
    expectOk(rotated)
    expectError(await t().post('/api/v1/auth/refresh', { refresh_token: stolen.refresh_token }), 401)
    expectError(await t().post('/api/v1/auth/refresh', { refresh_token: rotated.body.refresh_token }), 401)
    expectOk(await t().post('/api/v1/auth/refresh', { refresh_token: otherLogin.refresh_token }))
  })

  it('POST /auth/refresh answers 401 for an unknown token and 400 without one', async () => {
    expectError(
      await t().post('/api/v1/auth/refresh', { refresh_token: randomBytes(32).toString('base64url') }),
      401,
    )
    expectError(await t().post('/api/v1/auth/refresh', {}), 400)
  })

  it('POST /auth/logout revokes the refresh token; logging out twice is fine', async () => {
    const user = await t().user()
    const login = await session(t(), user.email, user.password)
    const other = await session(t(), user.email, user.password)
    const response = await t().post('/api/v1/auth/logout', { refresh_token: login.refresh_token })
    expectOk(response)
    expect(typeof response.body.message).toBe('string')
    expectError(await t().post('/api/v1/auth/refresh', { refresh_token: login.refresh_token }), 401)
    expectOk(await t().post('/api/v1/auth/logout', { refresh_token: login.refresh_token }))
    expectOk(await t().post('/api/v1/auth/refresh', { refresh_token: other.refresh_token }))
  })

  it('POST /auth/logout-all needs a token and revokes every refresh token of the caller only', async () => {
    const user = await t().user()
    const bystander = await t().user()
    const a = await session(t(), user.email, user.password)
    const b = await session(t(), user.email, user.password)
    const c = await session(t(), bystander.email, bystander.password)
    expectError(await t().post('/api/v1/auth/logout-all'), 401)
    const response = await t().post('/api/v1/auth/logout-all', undefined, { token: a.access_token })
    expectOk(response)
    expectError(await t().post('/api/v1/auth/refresh', { refresh_token: a.refresh_token }), 401)
    expectError(await t().post('/api/v1/auth/refresh', { refresh_token: b.refresh_token }), 401)
    expectOk(await t().post('/api/v1/auth/refresh', { refresh_token: c.refresh_token }))
    const again = await session(t(), user.email, user.password)
    expectOk(await t().post('/api/v1/auth/refresh', { refresh_token: again.refresh_token }))
  })
})

describeEachDriver(
  'auth: sign-up closed',
  (t) => {
    it('POST /auth/register answers 403 when HBNB_ALLOW_SIGNUP=false; admins still create users', async () => {
      const body = signup()
      expectError(await t().post('/api/v1/auth/register', body), 403)
      expectError(await t().post('/api/v1/auth/login', { email: body.email, password: body.password }), 401)
      const created = await t().post('/api/v1/users/', body, { token: await t().adminToken() })
      expectOk(created, 201)
    })

    it('answers empty collections as []', async () => {
      for (const url of ['/api/v1/places/', '/api/v1/reviews/', '/api/v1/places']) {
        const response = await t().get(url)
        expectOk(response)
        expect(response.body).toEqual([])
        expect(response.headers['x-total-count']).toBe('0')
        expect(response.headers.link).toBeUndefined()
      }
    })
  },
  { HBNB_ALLOW_SIGNUP: 'false' },
)

describeEachDriver(
  'auth: configured admin password',
  (t) => {
    it('seeds the admin with HBNB_ADMIN_PASSWORD instead of the default', async () => {
      const custom = await t().post('/api/v1/auth/login', {
        email: ADMIN.email,
        password: 'configured-admin-pw',
      })
      expectOk(custom)
      expect(decodeJwt(custom.body.access_token).payload).toMatchObject({ sub: ADMIN.id, is_admin: true })
      expectError(
        await t().post('/api/v1/auth/login', { email: ADMIN.email, password: ADMIN.password }),
        401,
        'Invalid credentials',
      )
    })
  },
  { HBNB_ADMIN_PASSWORD: 'configured-admin-pw' },
)

describeEachDriver(
  'auth: rate limit',
  (t) => {
    it('the 4th login attempt in a minute with HBNB_AUTH_RATE_LIMIT=3 is 429 with Retry-After and a JSON error', async () => {
      const origin = 'http://example.com'
      for (let attempt = 1; attempt <= 3; attempt++) {
        const response = await t().post(
          '/api/v1/auth/login',
          { email: ADMIN.email, password: 'wrong-password' },
          { headers: { origin } },
        )
        expectError(response, 401, 'Invalid credentials')
      }
      const limited = await t().post(
        '/api/v1/auth/login',
        { email: ADMIN.email, password: ADMIN.password },
        { headers: { origin } },
      )
      expectError(limited, 429)
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
      expect(limited.headers['access-control-allow-origin']).toBe('*')
      expect(limited.body.access_token).toBeUndefined()
    })
  },
  { HBNB_AUTH_RATE_LIMIT: '3' },
)
