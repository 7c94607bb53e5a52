// Production keeps users' email addresses to admins and the users themselves (HBNB_PUBLIC_EMAILS off),
// and the operators' pages (/metrics, /api/v1/stats, the API docs) to HBNB_OPS_ALLOW addresses and
// the HBNB_OPS_TOKEN bearer. Run as production, with the response cache on, so that a view built
// for an admin could not leak to anyone else through it.
import { expect, it } from 'vitest'
import { expectError } from '../helpers/contract.js'
import { ADMIN, describeEachDriver, type TestApp } from '../helpers/test-app.js'

const OPS_TOKEN = 'ops-token-for-the-production-privacy-tests-0123456789'
const OPERATOR = '127.0.0.2'

describeEachDriver(
  'production: private emails',
  (t) => {
    let alice: Awaited<ReturnType<TestApp['user']>>
    let bob: Awaited<ReturnType<TestApp['user']>>
    let place: { id: string }

    it('lists users without their emails to anonymous callers, twice (the second from the cache)', async () => {
      alice = await t().user({ first_name: 'Alice' })
      bob = await t().user({ first_name: 'Bob' })
      for (let i = 0; i < 2; i++) {
        const list = await t().get('/api/v1/users/?limit=1000')
        expect(list.status).toBe(200)
        expect(list.body.length).toBeGreaterThanOrEqual(3)
        for (const user of list.body) {
          expect(Object.keys(user)).not.toContain('email')
          expect(Object.keys(user)).not.toContain('email_verified_at')
          expect(user).toHaveProperty('first_name')
        }
        expect(list.text).not.toContain('@')
      }
    })

    it('shows a user their own email in the list, and an admin every email', async () => {
      const mine = await t().get('/api/v1/users/?limit=1000', { token: alice.token })
      const emails = mine.body.filter((u: any) => u.email !== undefined)
      expect(emails).toEqual([expect.objectContaining({ id: alice.id, email: alice.email })])
      const all = await t().get('/api/v1/users/?limit=1000', { token: await t().adminToken() })
      const byId = new Map(all.body.map((u: any) => [u.id, u.email]))
      expect(byId.get(alice.id)).toBe(alice.email)
      expect(byId.get(bob.id)).toBe(bob.email)
      expect(byId.get(ADMIN.id)).toBe(ADMIN.email)
    })

    it("shows a profile's email to its user and admins only, whatever was cached before", async () => {
      const url = `/api/v1/users/${alice.id}`
      // The admin's and the user's own views first: they must not become what others get.
      expect((await t().get(url, { token: await t().adminToken() })).body.email).toBe(alice.email)
      expect((await t().get(url, { token: alice.token })).body.email).toBe(alice.email)
      for (const options of [{}, {}, { token: bob.token }]) {
        const other = await t().get(url, options)
        expect(other.status).toBe(200)
        expect(other.body.first_name).toBe('Alice')
        expect(other.body.email).toBeUndefined()
        expect(other.text).not.toContain(alice.email)
      }
      expect((await t().get(url, { token: alice.token })).body).toMatchObject({
        email: alice.email,
        email_verified_at: null,
      })
    })

    it("shows a place's owner without their email, except to admins", async () => {
      place = await t().place(alice.token, { title: 'Private host loft' })
      const url = `/api/v1/places/${place.id}`
      expect((await t().get(url, { token: await t().adminToken() })).body.owner.email).toBe(alice.email)
      for (const options of [{}, {}, { token: bob.token }]) {
        const detail = await t().get(url, options)
        expect(detail.status).toBe(200)
        expect(detail.body.owner).toEqual({
          id: alice.id,
          first_name: 'Alice',
          last_name: expect.any(String),
        })
        expect(detail.text).not.toContain(alice.email)
      }
      const updated = await t().put(url, { title: 'Private host loft, renamed' }, { token: alice.token })
      expect(updated.body.owner.email).toBe(alice.email)
    })

    it('keeps reviews and bookings free of emails', async () => {
      const review = await t().post(
        '/api/v1/reviews/',
        { text: 'Lovely', rating: 5, place_id: place.id },
        { token: bob.token },
      )
      expect(review.status).toBe(201)
      const detail = await t().get(`/api/v1/places/${place.id}`)
      expect(detail.body.reviews.length).toBe(1)
      expect(detail.text).not.toContain(bob.email)
      const reviews = await t().get(`/api/v1/places/${place.id}/reviews`)
      expect(reviews.status).toBe(200)
      expect(reviews.text).not.toMatch(/@example\.com/)
    })
  },
  {
    HBNB_ENV: 'production',
    HBNB_JWT_SECRET: 'a-strong-test-secret-for-production-mode-0123456789',
    HBNB_ADMIN_PASSWORD: 'violet-lantern-harbour-73',
    HBNB_CACHE: 'memory',
  },
)

describeEachDriver(
  "production: operators' pages",
  (t) => {
    // Swagger UI's own static files (its scripts and styles) describe nothing of ours: they stay open.
    const operatorPages = [
      '/metrics',
      '/api/v1/stats',
      '/api/v1/openapi.json',
      '/api/v1/',
      '/api/v1/json',
      '/api/v1/yaml',
    ]

    it('refuses them to other addresses with a JSON 403', async () => {
      for (const url of operatorPages) {
        const refused = await t().get(url)
        expectError(refused, 403)
        expect(refused.body.code, url).toBe('operators_only')
        const wrongToken = await t().get(url, { headers: { authorization: `Bearer ${OPS_TOKEN}x` } })
        expect(wrongToken.status, url).toBe(403)
      }
    })

    it('opens them to the allowed addresses and to the token', async () => {
      for (const url of operatorPages) {
        expect((await t().get(url, { localAddress: OPERATOR })).status, url).toBe(200)
        const withToken = await t().get(url, { headers: { authorization: `Bearer ${OPS_TOKEN}` } })
        expect(withToken.status, url).toBe(200)
      }
      const stats = await t().get('/api/v1/stats', { localAddress: OPERATOR })
      expect(stats.body).toMatchObject({ users: expect.any(Number), places: expect.any(Number) })
      expect((await t().get('/metrics', { localAddress: OPERATOR })).text).toContain('hbnb_')
    })

    it('leaves the public API and health checks open', async () => {
      for (const url of ['/api/v1/status', '/api/v1/places/', '/api/v1/amenities/', '/healthz', '/readyz']) {
        expect((await t().get(url)).status, url).toBe(200)
      }
    })

    it('sends Strict-Transport-Security in production', async () => {
      const response = await t().get('/api/v1/status')
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000')
    })
  },
  {
    HBNB_ENV: 'production',
    HBNB_JWT_SECRET: 'a-strong-test-secret-for-production-mode-0123456789',
    HBNB_ADMIN_PASSWORD: 'violet-lantern-harbour-73',
    HBNB_OPS_ALLOW: OPERATOR,
    HBNB_OPS_TOKEN: OPS_TOKEN,
  },
)

describeEachDriver(
  'production with public docs',
  (t) => {
    it('opens the API docs to everyone and keeps metrics and stats to operators', async () => {
      expect((await t().get('/api/v1/openapi.json')).status).toBe(200)
      expect((await t().get('/api/v1/')).status).toBe(200)
      expectError(await t().get('/metrics'), 403)
      expectError(await t().get('/api/v1/stats'), 403)
    })
  },
  {
    HBNB_ENV: 'production',
    HBNB_JWT_SECRET: 'a-strong-test-secret-for-production-mode-0123456789',
    HBNB_ADMIN_PASSWORD: 'violet-lantern-harbour-73',
    HBNB_DOCS_PUBLIC: 'true',
    HBNB_OPS_ALLOW: 'none',
  },
)
