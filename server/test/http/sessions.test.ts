import { SignJWT } from 'jose'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { uuidv7 } from '../../src/ids.js'
import { decodeJwt, expectError, expectOk } from '../helpers/contract.js'
import { startRedis } from '../helpers/processes.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'

const redisServer = await startRedis()
afterAll(async () => {
  await redisServer.stop()
})

interface Login {
  access_token: string
  refresh_token: string
}

async function login(t: TestApp, user: { email: string; password: string }): Promise<Login> {
  const response = await t.post('/api/v1/auth/login', { email: user.email, password: user.password })
  expectOk(response)
  return response.body
}

async function expectAccepted(t: TestApp, token: string) {
  expectOk(await t.get('/api/v1/auth/me', { token }))
}

async function expectRevoked(t: TestApp, token: string) {
  const response = await t.get('/api/v1/auth/me', { token })
  expectError(response, 401)
  expect(response.body.code).toBe('token_revoked')
}

async function eventually(check: () => Promise<boolean>, what: string, ms = 15_000) {
  const deadline = Date.now() + ms
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function revocationSuite(t: () => TestApp) {
  it('access tokens name their login (sid) and keep the HBnB claims', async () => {
    const user = await t().user()
    const session = await login(t(), user)
    const { header, payload } = decodeJwt(session.access_token)
    expect(header.alg).toBe('HS256')
    expect(payload).toMatchObject({ sub: user.id, is_admin: false })
    expect(typeof payload.sid).toBe('string')
    const refreshed = await t().post('/api/v1/auth/refresh', { refresh_token: session.refresh_token })
    expect(decodeJwt(refreshed.body.access_token).payload.sid).toBe(payload.sid)
  })

  it('after logout, the access tokens of that login are refused, and only those', async () => {
    const user = await t().user()
    const ended = await login(t(), user)
    const other = await login(t(), user)
    await expectAccepted(t(), ended.access_token)
    expectOk(await t().post('/api/v1/auth/logout', { refresh_token: ended.refresh_token }))
    await expectRevoked(t(), ended.access_token)
    expectError(
      await t().post('/api/v1/amenities/', { name: `x-${uuidv7()}` }, { token: ended.access_token }),
      401,
    )
    await expectAccepted(t(), other.access_token)
  })

  it('after logout-all, the access tokens of every login of the caller are refused, not of others', async () => {
    const user = await t().user()
    const bystander = await t().user()
    const [a, b] = [await login(t(), user), await login(t(), user)]
    const refreshed = await t().post('/api/v1/auth/refresh', { refresh_token: b.refresh_token })
    expectOk(refreshed)
    const theirs = await login(t(), bystander)
    expectOk(await t().post('/api/v1/auth/logout-all', undefined, { token: a.access_token }))
    for (const token of [a.access_token, b.access_token, refreshed.body.access_token]) {
      await expectRevoked(t(), token)
    }
    await expectAccepted(t(), theirs.access_token)
    await expectAccepted(t(), (await login(t(), user)).access_token)
  })

  it('after a password reset, the access tokens of every login of the user are refused', async () => {
    const user = await t().user()
    const [a, b] = [await login(t(), user), await login(t(), user)]
    const reset = await t().post('/api/v1/auth/password/reset', {
      token: await t().passwordResetToken(user),
      password: 'a-brand-new-password',
    })
    expect(reset.status, reset.text).toBe(200)
    await expectRevoked(t(), a.access_token)
    await expectRevoked(t(), b.access_token)
    await expectAccepted(t(), (await login(t(), { ...user, password: 'a-brand-new-password' })).access_token)
  })

  it('after an admin sets a new password, the access tokens of every login of the user are refused', async () => {
    const user = await t().user()
    const session = await login(t(), user)
    const changed = await t().put(
      `/api/v1/users/${user.id}`,
      { password: 'set-by-the-admin' },
      { token: await t().adminToken() },
    )
    expect(changed.status, changed.text).toBe(200)
    await expectRevoked(t(), session.access_token)
    await expectRevoked(t(), user.token)
    await expectAccepted(t(), await t().adminToken())
  })

  it('a demoted admin loses admin power at once; a promotion counts from the next login', async () => {
    const admin = await t().adminToken()
    const user = await t().user()
    expectOk(await t().put(`/api/v1/users/${user.id}`, { is_admin: true }, { token: admin }))
    // The token of before the promotion says is_admin false: it ends, and the next login is an admin's.
    await expectRevoked(t(), user.token)
    const promoted = await login(t(), user)
    expect(decodeJwt(promoted.access_token).payload.is_admin).toBe(true)
    const amenity = { name: `promoted-${uuidv7()}` }
    expect((await t().post('/api/v1/amenities/', amenity, { token: promoted.access_token })).status).toBe(201)

    const other = await login(t(), user)
    expectOk(await t().put(`/api/v1/users/${user.id}`, { is_admin: false }, { token: admin }))
    for (const token of [promoted.access_token, other.access_token]) {
      const refused = await t().post('/api/v1/amenities/', { name: `demoted-${uuidv7()}` }, { token })
      expectError(refused, 401)
      expect(refused.body.code).toBe('token_revoked')
      expect(refused.body.error).toMatch(/log in again/)
    }
    expectError(await t().post('/api/v1/auth/refresh', { refresh_token: promoted.refresh_token }), 401)
    const demoted = await login(t(), user)
    expect(decodeJwt(demoted.access_token).payload.is_admin).toBe(false)
    const forbidden = await t().post(
      '/api/v1/amenities/',
      { name: `x-${uuidv7()}` },
      { token: demoted.access_token },
    )
    expectError(forbidden, 403, 'Admin privileges required')
    // A PUT that leaves the privileges as they are ends nothing.
    expectOk(
      await t().put(`/api/v1/users/${user.id}`, { is_admin: false, first_name: 'Same' }, { token: admin }),
    )
    await expectAccepted(t(), demoted.access_token)
    await expectAccepted(t(), admin)
  })

  it('a replayed refresh token ends the login: its access tokens are refused too', async () => {
    const user = await t().user()
    const stolen = await login(t(), user)
    const rotated = await t().post('/api/v1/auth/refresh', { refresh_token: stolen.refresh_token })
    await expectAccepted(t(), rotated.body.access_token)
    expectError(await t().post('/api/v1/auth/refresh', { refresh_token: stolen.refresh_token }), 401)
    await expectRevoked(t(), rotated.body.access_token)
    await expectRevoked(t(), stolen.access_token)
  })

  it('refuses a well-signed token that names no login, or a login that does not exist', async () => {
    const user = await t().user()
    const claims = decodeJwt(user.token).payload
    const key = new TextEncoder().encode(t().app.config.jwtSecret)
    const sign = (payload: Record<string, unknown>) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key)
    const { sid: _sid, ...withoutSid } = claims
    expectError(await t().get('/api/v1/auth/me', { token: await sign(withoutSid) }), 401)
    await expectRevoked(t(), await sign({ ...claims, sid: uuidv7() }))
    await expectAccepted(t(), await sign(claims))
  })
}

describeEachDriver('sessions: revocation with the memory store', (t) => revocationSuite(t))

describeEachDriver(
  'sessions: revocation with the Redis store',
  (t) => {
    beforeAll(async () => {
      await eventually(async () => (await t().get('/readyz')).body.status === 'ok', 'redis ready')
    })

    revocationSuite(t)

    it('while Redis is down, logins keep working and revocations hold (the database answers)', async () => {
      const user = await t().user()
      const [ended, kept, endedBefore] = [
        await login(t(), user),
        await login(t(), user),
        await login(t(), user),
      ]
      await expectAccepted(t(), ended.access_token)
      expectOk(await t().post('/api/v1/auth/logout', { refresh_token: endedBefore.refresh_token }))
      await redisServer.stop()
      try {
        await expectRevoked(t(), endedBefore.access_token)
        expectOk(await t().post('/api/v1/auth/logout', { refresh_token: ended.refresh_token }))
        await expectRevoked(t(), ended.access_token)
        await expectAccepted(t(), kept.access_token)
        const fresh = await login(t(), user)
        await expectAccepted(t(), fresh.access_token)
      } finally {
        await redisServer.start()
      }
      await eventually(async () => (await t().get('/readyz')).body.status === 'ok', 'redis back')
      await expectRevoked(t(), ended.access_token)
      await expectRevoked(t(), endedBefore.access_token)
      await expectAccepted(t(), kept.access_token)
    })
  },
  { HBNB_REDIS_URL: redisServer.url },
)
