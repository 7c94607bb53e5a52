import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import {
  expectError,
  expectNoPassword,
  expectOk,
  expectTimestamps,
  MALFORMED_IDS,
  UNKNOWN_ID,
  UUID,
} from '../helpers/contract.js'
import { ADMIN, describeEachDriver } from '../helpers/test-app.js'

const uniqueEmail = (prefix = 'u') => `${prefix}-${randomBytes(4).toString('hex')}@example.com`

const newUser = (overrides: Record<string, unknown> = {}) => ({
  first_name: 'Alice',
  last_name: 'Martin',
  email: uniqueEmail(),
  password: 'secret-pw-1',
  ...overrides,
})

describeEachDriver('users', (t) => {
  const createAsAdmin = async (body: Record<string, unknown>) =>
    t().post('/api/v1/users/', body, { token: await t().adminToken() })

  it('POST /users/ needs a token (401)', async () => {
    const response = await t().post('/api/v1/users/', newUser())
    expectError(response, 401)
  })

  it('POST /users/ refuses non-admins with 403 "Admin privileges required"', async () => {
    const caller = await t().user()
    const body = newUser()
    const response = await t().post('/api/v1/users/', body, { token: caller.token })
    expectError(response, 403, 'Admin privileges required')
    const login = await t().post('/api/v1/auth/login', { email: body.email, password: body.password })
    expectError(login, 401, 'Invalid credentials')
  })

  it('POST /users/ by an admin answers 201 {id, first_name, last_name, email, message} without the password', async () => {
    const body = newUser({ first_name: 'Grace', last_name: 'Hopper' })
    const response = await createAsAdmin(body)
    expectOk(response, 201)
    expectNoPassword(response, body.password)
    expect(response.body).toMatchObject({
      first_name: 'Grace',
      last_name: 'Hopper',
      email: body.email,
      message: expect.any(String),
    })
    expect(response.body.id).toMatch(UUID)
    expectTimestamps(response.body)
    const fetched = await t().get(`/api/v1/users/${response.body.id}`)
    expect(fetched.body.email).toBe(body.email)
    expect(await t().login(body.email, body.password)).toEqual(expect.any(String))
  })

  it('POST /users/ trims surrounding spaces of names', async () => {
    const response = await createAsAdmin(newUser({ first_name: '  Ada  ', last_name: '\tLovelace ' }))
    expectOk(response, 201)
    expect(response.body.first_name).toBe('Ada')
    expect(response.body.last_name).toBe('Lovelace')
    const fetched = await t().get(`/api/v1/users/${response.body.id}`)
    expect([fetched.body.first_name, fetched.body.last_name]).toEqual(['Ada', 'Lovelace'])
  })

  it('POST /users/ accepts names of 50 characters and refuses 51 (after trimming)', async () => {
    const fifty = 'a'.repeat(50)
    const ok = await createAsAdmin(newUser({ first_name: ` ${fifty} `, last_name: fifty }))
    expectOk(ok, 201)
    expect(ok.body.first_name).toBe(fifty)
    expectError(await createAsAdmin(newUser({ first_name: 'a'.repeat(51) })), 400)
    expectError(await createAsAdmin(newUser({ last_name: 'b'.repeat(51) })), 400)
  })

  it('POST /users/ refuses missing, empty and blank names', async () => {
    const { first_name: _f, ...withoutFirst } = newUser()
    const { last_name: _l, ...withoutLast } = newUser()
    expectError(await createAsAdmin(withoutFirst), 400)
    expectError(await createAsAdmin(withoutLast), 400)
    expectError(await createAsAdmin(newUser({ first_name: '' })), 400)
    expectError(await createAsAdmin(newUser({ last_name: '   ' })), 400)
  })

  it('POST /users/ refuses invalid emails', async () => {
    for (const email of ['a@@b.fr', 'x@domain..com', 'no-at-sign.example.com', '', '@example.com', 'a@b']) {
      const response = await createAsAdmin(newUser({ email }))
      expectError(response, 400)
    }
    const { email: _e, ...withoutEmail } = newUser()
    expectError(await createAsAdmin(withoutEmail), 400)
  })

  it('POST /users/ requires a password', async () => {
    const { password: _p, ...withoutPassword } = newUser()
    expectError(await createAsAdmin(withoutPassword), 400)
    expectError(await createAsAdmin(newUser({ password: '' })), 400)
  })

  it('POST /users/ refuses a registered email, whatever its case, with "Email already registered"', async () => {
    const body = newUser()
    expectOk(await createAsAdmin(body), 201)
    expectError(await createAsAdmin(newUser({ email: body.email })), 400, 'Email already registered')
    expectError(
      await createAsAdmin(newUser({ email: body.email.toUpperCase() })),
      400,
      'Email already registered',
    )
    expectError(
      await createAsAdmin(newUser({ email: ADMIN.email.replace('admin', 'ADMIN') })),
      400,
      'Email already registered',
    )
  })

  it('GET /users/ is public and lists users as {id, first_name, last_name, email} without passwords', async () => {
    const created = await t().user({ first_name: 'Listed', last_name: 'Person' })
    for (const url of ['/api/v1/users/', '/api/v1/users']) {
      const response = await t().get(url)
      expectOk(response)
      expect(Array.isArray(response.body)).toBe(true)
      const mine = response.body.find((u: { id: string }) => u.id === created.id)
      expect(mine).toMatchObject({
        id: created.id,
        first_name: 'Listed',
        last_name: 'Person',
        email: created.email,
      })
      for (const user of response.body) {
        expect(Object.keys(user)).toEqual(expect.arrayContaining(['id', 'first_name', 'last_name', 'email']))
        expectTimestamps(user)
      }
      expect(response.body.some((u: { id: string }) => u.id === ADMIN.id)).toBe(true)
    }
  })

  it('has the seed admin with its contract id, email and names', async () => {
    const response = await t().get(`/api/v1/users/${ADMIN.id}`)
    expectOk(response)
    expect(response.body).toMatchObject({
      id: ADMIN.id,
      email: ADMIN.email,
      first_name: 'Admin',
      last_name: 'HBnB',
      is_admin: true,
    })
    const token = await t().login(ADMIN.email, ADMIN.password)
    expect((await t().get('/api/v1/auth/protected', { token })).body).toEqual({
      message: `Hello, user ${ADMIN.id}`,
      is_admin: true,
    })
  })

  it('GET /users/<id> answers the user', async () => {
    const created = await t().user({ first_name: 'Fetched', last_name: 'One' })
    const response = await t().get(`/api/v1/users/${created.id}`)
    expectOk(response)
    expectNoPassword(response, created.password)
    expect(response.body).toMatchObject({
      id: created.id,
      first_name: 'Fetched',
      last_name: 'One',
      email: created.email,
    })
    expectTimestamps(response.body)
  })

  it('GET /users/<id> answers 404 "User not found" for unknown and malformed ids', async () => {
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      expectError(await t().get(`/api/v1/users/${id}`), 404, 'User not found')
    }
    expectError(await t().get(`/api/v1/users/${'x'.repeat(150)}`), 404)
  })

  it('PUT /users/<id> needs a token (401)', async () => {
    const target = await t().user()
    expectError(await t().put(`/api/v1/users/${target.id}`, { first_name: 'X' }), 401)
  })

  it('PUT /users/<id> lets a user change their own names and answers the updated user', async () => {
    const me = await t().user()
    const response = await t().put(
      `/api/v1/users/${me.id}`,
      { first_name: ' Renamed ', last_name: 'Person' },
      { token: me.token },
    )
    expectOk(response)
    expect(response.body).toMatchObject({
      id: me.id,
      first_name: 'Renamed',
      last_name: 'Person',
      email: me.email,
    })
    const fetched = await t().get(`/api/v1/users/${me.id}`)
    expect([fetched.body.first_name, fetched.body.last_name]).toEqual(['Renamed', 'Person'])
  })

  it('PUT /users/<id> of someone else by a non-admin is 403 "Unauthorized action"', async () => {
    const me = await t().user()
    const other = await t().user({ first_name: 'Other' })
    const response = await t().put(`/api/v1/users/${other.id}`, { first_name: 'Hacked' }, { token: me.token })
    expectError(response, 403, 'Unauthorized action')
    expect((await t().get(`/api/v1/users/${other.id}`)).body.first_name).toBe('Other')
  })

  it('PUT /users/<id> refuses email or password changes from a non-admin', async () => {
    const me = await t().user()
    for (const body of [
      { email: uniqueEmail() },
      { password: 'another-password' },
      { first_name: 'Ok', email: me.email },
    ]) {
      const response = await t().put(`/api/v1/users/${me.id}`, body, { token: me.token })
      expectError(response, 400, 'You cannot modify email or password')
    }
    expect(await t().login(me.email, me.password)).toEqual(expect.any(String))
  })

  it('PUT /users/<id> ignores is_admin from a non-admin', async () => {
    const me = await t().user()
    const response = await t().put(
      `/api/v1/users/${me.id}`,
      { first_name: 'Sneaky', is_admin: true },
      { token: me.token },
    )
    expectOk(response)
    const token = await t().login(me.email, me.password)
    const check = await t().get('/api/v1/auth/protected', { token })
    expect(check.body.is_admin).toBe(false)
    expectError(await t().post('/api/v1/amenities/', { name: `x${Date.now()}` }, { token }), 403)
  })

  it('PUT /users/<id> validates names', async () => {
    const me = await t().user()
    const url = `/api/v1/users/${me.id}`
    expectError(await t().put(url, { first_name: '' }, { token: me.token }), 400)
    expectError(await t().put(url, { last_name: '  ' }, { token: me.token }), 400)
    expectError(await t().put(url, { first_name: 'x'.repeat(51) }, { token: me.token }), 400)
  })

  it('PUT /users/<id> lets an admin change email and password', async () => {
    const target = await t().user()
    const admin = await t().adminToken()
    const email = uniqueEmail('changed')
    const response = await t().put(
      `/api/v1/users/${target.id}`,
      { email, password: 'brand-new-pw' },
      { token: admin },
    )
    expectOk(response)
    expectNoPassword(response, 'brand-new-pw')
    expect(response.body).toMatchObject({ id: target.id, email })
    expect(await t().login(email, 'brand-new-pw')).toEqual(expect.any(String))
    const old = await t().post('/api/v1/auth/login', { email: target.email, password: target.password })
    expectError(old, 401, 'Invalid credentials')
    const oldPassword = await t().post('/api/v1/auth/login', { email, password: target.password })
    expectError(oldPassword, 401, 'Invalid credentials')
  })

  it('PUT /users/<id> lets an admin grant is_admin', async () => {
    const target = await t().user()
    const response = await t().put(
      `/api/v1/users/${target.id}`,
      { is_admin: true },
      { token: await t().adminToken() },
    )
    expectOk(response)
    const token = await t().login(target.email, target.password)
    expect((await t().get('/api/v1/auth/protected', { token })).body.is_admin).toBe(true)
    const amenity = await t().post(
      '/api/v1/amenities/',
      { name: `Granted ${target.id.slice(-8)}` },
      { token },
    )
    expectOk(amenity, 201)
  })

  it('PUT /users/<id> by an admin refuses an email already in use, whatever its case', async () => {
    const target = await t().user()
    const other = await t().user()
    const admin = await t().adminToken()
    const url = `/api/v1/users/${target.id}`
    expectError(await t().put(url, { email: other.email }, { token: admin }), 400, 'Email already in use')
    expectError(
      await t().put(url, { email: other.email.toUpperCase() }, { token: admin }),
      400,
      'Email already in use',
    )
    expectError(await t().put(url, { email: 'a@@b.fr' }, { token: admin }), 400)
    expect((await t().get(url)).body.email).toBe(target.email)
  })

  it('PUT /users/<id> answers 404 "User not found" for unknown and malformed ids (admin)', async () => {
    const admin = await t().adminToken()
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      expectError(
        await t().put(`/api/v1/users/${id}`, { first_name: 'X' }, { token: admin }),
        404,
        'User not found',
      )
    }
  })
})
