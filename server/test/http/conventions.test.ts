import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { expectError, expectNoPassword, expectOk, sortedIds } from '../helpers/contract.js'
import { describeEachDriver, type Response, type TestApp } from '../helpers/test-app.js'

const COLLECTIONS = ['users', 'amenities', 'places', 'reviews']

function preflight(app: TestApp, url: string, origin: string, method = 'POST') {
  return app.request('OPTIONS', url, {
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization, content-type',
    },
  })
}

const headerList = (response: Response, name: string) =>
  String(response.headers[name] ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean)

function expectPreflightAllows(response: Response) {
  expect(response.status).toBeGreaterThanOrEqual(200)
  expect(response.status).toBeLessThan(300)
  expect(headerList(response, 'access-control-allow-methods')).toEqual(
    expect.arrayContaining(['get', 'post', 'put', 'delete']),
  )
  expect(headerList(response, 'access-control-allow-headers')).toEqual(
    expect.arrayContaining(['authorization', 'content-type']),
  )
}

function expectAnyOrigin(response: Response) {
  expect(response.headers['access-control-allow-origin']).toBe('*')
  expect(response.headers['access-control-allow-credentials']).toBeUndefined()
}

function expectCredentialed(response: Response, origin: string) {
  expect(response.headers['access-control-allow-origin']).toBe(origin)
  expect(response.headers['access-control-allow-credentials']).toBe('true')
  expect(headerList(response, 'vary')).toContain('origin')
}

function expectNoCors(response: Response) {
  expect(response.headers['access-control-allow-origin']).toBeUndefined()
  expect(response.headers['access-control-allow-credentials']).toBeUndefined()
}

describeEachDriver('conventions', (t) => {
  it('serves every collection at both /api/v1/<name>/ and /api/v1/<name>, directly (no redirect)', async () => {
    const host = await t().user()
    const guest = await t().user()
    const place = await t().place(host.token)
    expectOk(
      await t().post(
        '/api/v1/reviews/',
        { text: 'Fine', rating: 4, place_id: place.id },
        { token: guest.token },
      ),
      201,
    )
    for (const name of COLLECTIONS) {
      const withSlash = await t().get(`/api/v1/${name}/`)
      const withoutSlash = await t().get(`/api/v1/${name}`)
      for (const response of [withSlash, withoutSlash]) {
        expect(response.status, name).toBe(200)
        expect(response.headers.location).toBeUndefined()
        expect(Array.isArray(response.body)).toBe(true)
        expect(response.body.length).toBeGreaterThan(0)
      }
      expect(sortedIds(withoutSlash.body)).toEqual(sortedIds(withSlash.body))
      expectPreflightAllows(await preflight(t(), `/api/v1/${name}`, 'http://example.com'))
      expectPreflightAllows(await preflight(t(), `/api/v1/${name}/`, 'http://example.com'))
    }
  })

  it('accepts writes on collections without the trailing slash too', async () => {
    const user = await t().user()
    const created = await t().post(
      '/api/v1/places',
      { title: 'No slash', price: 10, latitude: 1, longitude: 2 },
      { token: user.token },
    )
    expectOk(created, 201)
    expect(created.body.owner_id).toBe(user.id)
    const amenity = await t().post(
      '/api/v1/amenities',
      { name: `Slashless ${randomBytes(3).toString('hex')}` },
      { token: await t().adminToken() },
    )
    expectOk(amenity, 201)
  })

  it('answers CORS preflights from any origin with "*" and no credentials', async () => {
    for (const url of [
      '/api/v1/users/',
      '/api/v1/places/00000000-0000-4000-8000-000000000000',
      '/api/v1/auth/login',
    ]) {
      const response = await preflight(t(), url, 'http://example.com', 'PUT')
      expectPreflightAllows(response)
      expectAnyOrigin(response)
    }
  })

  it('answers CORS preflights from loopback origins with the origin echoed and credentials', async () => {
    for (const origin of ['http://localhost:5500', 'http://127.0.0.1:8000', 'http://localhost']) {
      const response = await preflight(t(), '/api/v1/places/', origin)
      expectPreflightAllows(response)
      expectCredentialed(response, origin)
    }
  })

  it('never grants credentials to look-alike origins', async () => {
    for (const origin of [
      'http://localhost.evil.com',
      'http://localhost:5500.evil.com',
      'http://evil-localhost:5500',
      'http://127.0.0.1.nip.io:8000',
      'https://example.com',
    ]) {
      const response = await preflight(t(), '/api/v1/places/', origin)
      expectPreflightAllows(response)
      expectAnyOrigin(response)
    }
  })

  it('puts CORS headers on actual responses, errors included', async () => {
    const list = await t().get('/api/v1/places/', { headers: { origin: 'http://example.com' } })
    expectOk(list)
    expectAnyOrigin(list)
    expect(headerList(list, 'access-control-expose-headers')).toEqual(
      expect.arrayContaining(['link', 'x-total-count']),
    )
    const unauthorized = await t().get('/api/v1/auth/protected', {
      headers: { origin: 'http://example.com' },
    })
    expectError(unauthorized, 401)
    expectAnyOrigin(unauthorized)
    const local = await t().get('/api/v1/auth/protected', { headers: { origin: 'http://localhost:5500' } })
    expectError(local, 401)
    expectCredentialed(local, 'http://localhost:5500')
    const missing = await t().get('/api/v1/nowhere', { headers: { origin: 'http://example.com' } })
    expectError(missing, 404)
    expectAnyOrigin(missing)
    const forbidden = await t().post(
      '/api/v1/amenities/',
      { name: 'x' },
      {
        token: (await t().user()).token,
        headers: { origin: 'http://localhost:3000' },
      },
    )
    expectError(forbidden, 403)
    expectCredentialed(forbidden, 'http://localhost:3000')
    const tooLong = await t().get(`/api/v1/users/${'x'.repeat(150)}`, {
      headers: { origin: 'http://example.com' },
    })
    expectError(tooLong, 404)
    expectAnyOrigin(tooLong)
  })

  it('answers /api/v1/status with {"status": "OK"}', async () => {
    const response = await t().get('/api/v1/status')
    expectOk(response)
    expect(response.body).toEqual({ status: 'OK' })
  })

  it('counts amenities, places, reviews and users in /api/v1/stats', async () => {
    const before = await t().get('/api/v1/stats')
    expectOk(before)
    for (const key of ['amenities', 'places', 'reviews', 'users']) {
      expect(Number.isInteger(before.body[key]), key).toBe(true)
    }
    const host = await t().user()
    const guest = await t().user()
    const place = await t().place(host.token)
    await t().place(host.token, { status: 'draft' })
    await t().post(
      '/api/v1/amenities/',
      { name: `Counted ${randomBytes(3).toString('hex')}` },
      { token: await t().adminToken() },
    )
    await t().post(
      '/api/v1/reviews/',
      { text: 'Counted', rating: 3, place_id: place.id },
      { token: guest.token },
    )
    const after = await t().get('/api/v1/stats')
    expect(after.body.users - before.body.users).toBe(2)
    expect(after.body.places - before.body.places).toBe(1)
    expect(after.body.amenities - before.body.amenities).toBe(1)
    expect(after.body.reviews - before.body.reviews).toBe(1)
    for (const key of COLLECTIONS) {
      const list = await t().get(`/api/v1/${key}/`)
      expect(Number(list.headers['x-total-count']), key).toBe(after.body[key])
    }
  })

  it('POST /api/v1/places_search with an empty body answers every published place', async () => {
    const host = await t().user()
    const published = await t().place(host.token)
    const draft = await t().place(host.token, { status: 'draft' })
    const all = await t().get('/api/v1/places/?limit=1000')
    for (const body of [{}, { cities: [], amenities: [] }]) {
      const response = await t().post('/api/v1/places_search', body)
      expectOk(response)
      expect(Array.isArray(response.body)).toBe(true)
      expect(sortedIds(response.body)).toEqual(sortedIds(all.body))
      const ids = response.body.map((p: { id: string }) => p.id)
      expect(ids).toContain(published.id)
      expect(ids).not.toContain(draft.id)
    }
  })

  it('POST /api/v1/places_search keeps the places having ALL the amenities asked for', async () => {
    const admin = await t().adminToken()
    const host = await t().user()
    const newAmenity = async () =>
      (
        await t().post(
          '/api/v1/amenities/',
          { name: `Search ${randomBytes(4).toString('hex')}` },
          { token: admin },
        )
      ).body.id as string
    const a = await newAmenity()
    const b = await newAmenity()
    const both = await t().place(host.token, { amenities: [a, b] })
    const onlyA = await t().place(host.token, { amenities: [a] })
    const onlyB = await t().place(host.token, { amenities: [b] })
    await t().place(host.token)
    const search = async (amenities: string[]) => {
      const response = await t().post('/api/v1/places_search', { amenities })
      expectOk(response)
      return response.body.map((p: { id: string }) => p.id).sort()
    }
    expect(await search([a])).toEqual([both.id, onlyA.id].sort())
    expect(await search([b])).toEqual([both.id, onlyB.id].sort())
    expect(await search([a, b])).toEqual([both.id])
    expect(await search([a, b, a])).toEqual([both.id])
  })

  it('POST /api/v1/places_search filters by city name', async () => {
    const host = await t().user()
    const city = `Testville ${randomBytes(3).toString('hex')}`
    const other = `Otherton ${randomBytes(3).toString('hex')}`
    const inCity = await t().place(host.token, { city })
    const alsoInCity = await t().place(host.token, { city })
    const elsewhere = await t().place(host.token, { city: other })
    const search = async (cities: string[]) =>
      (await t().post('/api/v1/places_search', { cities })).body.map((p: { id: string }) => p.id).sort()
    expect(await search([city])).toEqual([inCity.id, alsoInCity.id].sort())
    expect(await search([city, other])).toEqual([inCity.id, alsoInCity.id, elsewhere.id].sort())
    expect(await search([`Nowhere ${randomBytes(3).toString('hex')}`])).toEqual([])
  })

  it('serves Swagger UI at GET /api/v1/ and the OpenAPI 3.1 document as JSON', async () => {
    const ui = await t().get('/api/v1/')
    expect(ui.status).toBe(200)
    expect(String(ui.headers['content-type'])).toMatch(/^text\/html/)
    expect(ui.text).toMatch(/swagger-ui/i)
    const doc = await t().get('/api/v1/openapi.json')
    expect(doc.status).toBe(200)
    expect(String(doc.headers['content-type'])).toMatch(/^application\/json/)
    expect(doc.body.openapi).toMatch(/^3\.1\.\d+$/)
    const paths = Object.keys(doc.body.paths)
    for (const path of [
      '/api/v1/users/',
      '/api/v1/users/{id}',
      '/api/v1/amenities/',
      '/api/v1/places/',
      '/api/v1/places/{id}',
      '/api/v1/reviews/',
      '/api/v1/auth/login',
    ]) {
      expect(paths, path).toContain(path)
    }
  })

  it('answers unknown routes with a 404 JSON error', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nothing-here'],
      ['GET', '/api/v2/users/'],
      ['POST', '/api/v1/status'],
      ['DELETE', '/api/v1/users/'],
    ] as const) {
      expectError(await t().request(method, url), 404)
    }
  })

  it('answers a non-JSON content type with 415', async () => {
    const user = await t().user()
    for (const [type, payload] of [
      ['application/xml', '<login/>'],
      [
        'application/x-www-form-urlencoded',
        `email=${encodeURIComponent(user.email)}&password=${user.password}`,
      ],
      ['text/plain', JSON.stringify({ email: user.email, password: user.password })],
    ]) {
      const response = await t().request('POST', '/api/v1/auth/login', {
        payload,
        headers: { 'content-type': String(type) },
      })
      expectError(response, 415)
      expect(response.body.access_token).toBeUndefined()
    }
  })

  it('answers malformed or empty JSON with 400', async () => {
    const token = await t().adminToken()
    for (const payload of ['{"name": ', '{name: "x"}', 'not json', '']) {
      const response = await t().request('POST', '/api/v1/amenities/', {
        token,
        payload,
        headers: { 'content-type': 'application/json' },
      })
      expectError(response, 400)
    }
  })

  it('answers a badly encoded URL with a 400 JSON error', async () => {
    expectError(await t().get('/api/v1/users/%E0%A4%A'), 400)
  })

  it('gives every error body error, code and request_id', async () => {
    const user = await t().user()
    const responses = [
      await t().get('/api/v1/users/00000000-0000-4000-8000-000000000000'),
      await t().get('/api/v1/auth/protected'),
      await t().post('/api/v1/amenities/', { name: 'x' }, { token: user.token }),
      await t().post('/api/v1/users/', { email: 'bad' }, { token: await t().adminToken() }),
      await t().post('/api/v1/auth/login', { email: user.email, password: 'nope' }),
      await t().get('/api/v1/places/?limit=0'),
      await t().get('/api/v1/missing'),
    ]
    expect(responses.map((r) => r.status)).toEqual([404, 401, 403, 400, 401, 400, 404])
    for (const response of responses) expectError(response, response.status)
  })

  it('echoes a given X-Request-Id and makes one up otherwise', async () => {
    const id = `req-${randomBytes(6).toString('hex')}`
    const ok = await t().get('/api/v1/status', { headers: { 'x-request-id': id } })
    expect(ok.headers['x-request-id']).toBe(id)
    const failed = await t().get('/api/v1/auth/protected', { headers: { 'x-request-id': id } })
    expectError(failed, 401)
    expect(failed.body.request_id).toBe(id)
    const generated = await t().get('/api/v1/status')
    expect(String(generated.headers['x-request-id']).length).toBeGreaterThan(0)
    const other = await t().get('/api/v1/status')
    expect(other.headers['x-request-id']).not.toBe(generated.headers['x-request-id'])
    const unsafe = await t().get('/api/v1/status', { headers: { 'x-request-id': 'bad id <script>' } })
    expect(unsafe.headers['x-request-id']).not.toBe('bad id <script>')
  })

  it('answers /healthz and /readyz with 200', async () => {
    const health = await t().get('/healthz')
    expect(health.status).toBe(200)
    expect(health.body.status).toBe('ok')
    const ready = await t().get('/readyz')
    expect(ready.status).toBe(200)
    expect(ready.body).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' } } })
  })

  it('serves Prometheus metrics at /metrics', async () => {
    const response = await t().get('/metrics')
    expect(response.status).toBe(200)
    expect(String(response.headers['content-type'])).toMatch(/^text\/plain/)
    expect(response.text).toMatch(/^hbnb_process_cpu_seconds_total /m)
  })

  it('never returns a password or a password hash, anywhere', async () => {
    const host = await t().user()
    const guest = await t().user()
    const place = await t().place(host.token)
    const review = await t().post(
      '/api/v1/reviews/',
      { text: 'Sweep', rating: 4, place_id: place.id },
      { token: guest.token },
    )
    const admin = await t().adminToken()
    const responses = [
      await t().get('/api/v1/users/'),
      await t().get(`/api/v1/users/${host.id}`),
      await t().put(`/api/v1/users/${host.id}`, { first_name: 'Swept' }, { token: host.token }),
      await t().put(`/api/v1/users/${guest.id}`, { password: 'admin-set-pw' }, { token: admin }),
      await t().get('/api/v1/auth/me', { token: host.token }),
      await t().post('/api/v1/auth/login', { email: host.email, password: host.password }),
      await t().get('/api/v1/places/'),
      await t().get(`/api/v1/places/${place.id}`),
      await t().put(`/api/v1/places/${place.id}`, { price: 55 }, { token: host.token }),
      await t().get(`/api/v1/places/${place.id}/reviews`),
      await t().get('/api/v1/reviews/'),
      await t().get(`/api/v1/reviews/${review.body.id}`),
      await t().post('/api/v1/places_search', {}),
      await t().get('/api/v1/stats'),
    ]
    for (const response of responses) {
      expectOk(response, response.status)
      expect(response.status).toBeLessThan(300)
      expectNoPassword(response, host.password, guest.password, 'admin-set-pw')
    }
  })
})

describeEachDriver(
  'conventions: restricted CORS',
  (t) => {
    it('gives no CORS headers to origins outside HBNB_CORS_ORIGINS when HBNB_CORS_ANY_ORIGIN=false', async () => {
      for (const origin of ['http://example.com', 'http://localhost:5500', 'http://app.example.evil.com']) {
        const answered = await preflight(t(), '/api/v1/places/', origin)
        expectNoCors(answered)
        const list = await t().get('/api/v1/places/', { headers: { origin } })
        expect(list.status).toBe(200)
        expectNoCors(list)
        const failed = await t().get('/api/v1/auth/protected', { headers: { origin } })
        expectError(failed, 401)
        expectNoCors(failed)
      }
    })

    it('grants credentialed CORS to the listed origin only', async () => {
      const origin = 'http://app.example'
      const response = await preflight(t(), '/api/v1/places/', origin)
      expectPreflightAllows(response)
      expectCredentialed(response, origin)
      const failed = await t().get('/api/v1/auth/protected', { headers: { origin } })
      expectError(failed, 401)
      expectCredentialed(failed, origin)
    })
  },
  { HBNB_CORS_ANY_ORIGIN: 'false', HBNB_CORS_ORIGINS: 'http://app.example' },
)

describeEachDriver(
  'conventions: body limit',
  (t) => {
    it('answers a body over HBNB_BODY_LIMIT with 413 and accepts one under it', async () => {
      const token = await t().adminToken()
      const big = await t().post('/api/v1/amenities/', { name: 'Big', padding: 'x'.repeat(2048) }, { token })
      expectError(big, 413)
      const list = await t().get('/api/v1/amenities/')
      expect(list.body.some((a: { name: string }) => a.name === 'Big')).toBe(false)
      const small = await t().post(
        '/api/v1/amenities/',
        { name: 'Small', padding: 'x'.repeat(100) },
        { token },
      )
      expectOk(small, 201)
    })
  },
  { HBNB_BODY_LIMIT: '1024' },
)
