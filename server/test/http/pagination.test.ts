import { randomBytes } from 'node:crypto'
import { beforeAll, expect, it } from 'vitest'
import { expectError, expectOk, nextLink } from '../helpers/contract.js'
import { describeEachDriver, type Response, type TestApp } from '../helpers/test-app.js'

const PAGE_SIZE = 3
const PAGE_SIZE_MAX = 5
const COLLECTION_MAX = 4

/** Follows `Link: rel="next"` from `url` to the end; answers every page. */
async function walk(app: TestApp, url: string, body?: unknown): Promise<Response[]> {
  const pages: Response[] = []
  let next: string | undefined = url
  while (next) {
    const page: Response = body === undefined ? await app.get(next) : await app.post(next, body)
    expectOk(page)
    expect(Array.isArray(page.body)).toBe(true)
    pages.push(page)
    expect(pages.length, 'pagination does not end').toBeLessThan(100)
    next = nextLink(page)
  }
  return pages
}

describeEachDriver(
  'pagination',
  (t) => {
    let placeId = ''

    beforeAll(async () => {
      const admin = await t().adminToken()
      const host = await t().user()
      for (let i = 0; i < 4; i++) {
        const amenity = await t().post(
          '/api/v1/amenities/',
          { name: `Paged ${i} ${randomBytes(3).toString('hex')}` },
          { token: admin },
        )
        expectOk(amenity, 201)
      }
      const place = await t().place(host.token, { title: 'Paged place' })
      placeId = place.id
      for (let i = 0; i < 6; i++) await t().place(host.token, { title: `Other ${i}` })
      for (let i = 0; i < 7; i++) {
        const guest = await t().user()
        const review = await t().post(
          '/api/v1/reviews/',
          { text: `Review ${i}`, rating: (i % 5) + 1, place_id: placeId },
          { token: guest.token },
        )
        expectOk(review, 201)
      }
    })

    const lists = () => [
      '/api/v1/users/',
      '/api/v1/amenities/',
      '/api/v1/places/',
      '/api/v1/reviews/',
      `/api/v1/places/${placeId}/reviews`,
      `/api/v1/reviews/places/${placeId}/reviews`,
    ]

    it('?limit=2 answers 2 items, X-Total-Count and a Link rel="next" with a cursor', async () => {
      for (const url of lists()) {
        const response = await t().get(`${url}?limit=2`)
        expectOk(response)
        expect(Array.isArray(response.body)).toBe(true)
        expect(response.body).toHaveLength(2)
        const total = Number(response.headers['x-total-count'])
        expect(total, url).toBeGreaterThan(2)
        expect(String(response.headers.link)).toMatch(/^<[^>]*[?&]cursor=[^>]+>; rel="next"$/)
        expect(nextLink(response)).toContain('limit=2')
      }
    })

    it('following the cursor walks every item exactly once, with no Link on the last page', async () => {
      for (const url of lists()) {
        const pages = await walk(t(), `${url}?limit=2`)
        const total = Number(pages[0]!.headers['x-total-count'])
        const ids = pages.flatMap((page) => page.body.map((item: { id: string }) => item.id))
        expect(new Set(ids).size, url).toBe(ids.length)
        expect(ids.length, url).toBe(total)
        expect(pages).toHaveLength(Math.ceil(total / 2))
        for (const page of pages.slice(0, -1)) expect(page.body).toHaveLength(2)
        for (const page of pages) expect(Number(page.headers['x-total-count'])).toBe(total)
        expect(pages.at(-1)!.headers.link).toBeUndefined()

        const everything = await t().get(`${url}?limit=${PAGE_SIZE_MAX}`)
        const all = (await walk(t(), `${url}?limit=${PAGE_SIZE_MAX}`)).flatMap((page) => page.body)
        expect(Number(everything.headers['x-total-count'])).toBe(total)
        expect(ids).toEqual(all.map((item: { id: string }) => item.id))
      }
    })

    it('has no Link after a last page that is exactly full', async () => {
      for (const url of lists()) {
        const total = Number((await t().get(url)).headers['x-total-count'])
        const limit = [5, 4, 3, 2, 1].find((size) => total % size === 0)!
        const pages = await walk(t(), `${url}?limit=${limit}`)
        expect(pages, url).toHaveLength(total / limit)
        expect(pages.at(-1)!.body).toHaveLength(limit)
        expect(pages.at(-1)!.headers.link).toBeUndefined()
      }
    })

    it('answers an empty page, without Link, past the last item', async () => {
      const pages = await walk(t(), '/api/v1/reviews/?limit=2')
      const lastId = pages.at(-1)!.body.at(-1).id as string
      const past = await t().get(`/api/v1/reviews/?limit=2&cursor=${lastId}`)
      expectOk(past)
      expect(past.body).toEqual([])
      expect(past.headers.link).toBeUndefined()
    })

    // HBnB collections answer the whole list without ?limit (HBnB clients follow no Link), up to
    // HBNB_COLLECTION_MAX; past it they are cut there, and the Link pages on in steps of that size.
    it('answers a bare GET whole up to HBNB_COLLECTION_MAX, then cuts it with Link and X-Total-Count', async () => {
      for (const url of lists()) {
        const total = Number((await t().get(`${url}?limit=1`)).headers['x-total-count'])
        expect(total, url).toBeGreaterThan(COLLECTION_MAX)
        const bare = await t().get(url)
        expectOk(bare)
        expect(bare.body, url).toHaveLength(COLLECTION_MAX)
        expect(Number(bare.headers['x-total-count']), url).toBe(total)
        expect(String(bare.headers.link)).toMatch(/^<[^>]*[?&]cursor=[^>]+>; rel="next"$/)
        expect(nextLink(bare)).not.toContain('limit=')
        const pages = await walk(t(), url)
        expect(pages, url).toHaveLength(Math.ceil(total / COLLECTION_MAX))
        for (const page of pages.slice(0, -1)) expect(page.body).toHaveLength(COLLECTION_MAX)
        const ids = pages.flatMap((page) => page.body.map((item: { id: string }) => item.id))
        const paged = (await walk(t(), `${url}?limit=2`)).flatMap((page) => page.body)
        expect(ids, url).toEqual(paged.map((item: { id: string }) => item.id))
      }
      const search = await t().post('/api/v1/places_search', {})
      expectOk(search)
      expect(search.body).toHaveLength(COLLECTION_MAX)
      expect(Number(search.headers['x-total-count'])).toBe(7)
      expect(nextLink(search)).toBeDefined()
    })

    it('clamps ?limit to HBNB_PAGE_SIZE_MAX', async () => {
      for (const url of lists()) {
        const clamped = await t().get(`${url}?limit=100000`)
        expectOk(clamped)
        expect(clamped.body, url).toHaveLength(PAGE_SIZE_MAX)
        expect(nextLink(clamped)).toBeDefined()
      }
    })

    it('pages POST /places_search the same way', async () => {
      const pages = await walk(t(), '/api/v1/places_search?limit=2', {})
      const ids = pages.flatMap((page) => page.body.map((p: { id: string }) => p.id))
      const total = Number(pages[0]!.headers['x-total-count'])
      expect(total).toBe(7)
      expect(new Set(ids).size).toBe(total)
      const listed = (await walk(t(), '/api/v1/places/?limit=2')).flatMap((page) => page.body)
      expect(ids).toEqual(listed.map((p: { id: string }) => p.id))
    })

    it('refuses a limit below 1 or not a number (400)', async () => {
      for (const limit of ['0', '-1', 'abc']) {
        expectError(await t().get(`/api/v1/places/?limit=${limit}`), 400)
      }
    })
  },
  {
    HBNB_PAGE_SIZE: String(PAGE_SIZE),
    HBNB_PAGE_SIZE_MAX: String(PAGE_SIZE_MAX),
    HBNB_COLLECTION_MAX: String(COLLECTION_MAX),
  },
)
