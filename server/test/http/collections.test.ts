import { beforeAll, expect, it } from 'vitest'
import { expectOk, sortedIds } from '../helpers/contract.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'

// HBnB collections answer the whole list to a bare GET: HBnB clients follow no Link header, so a
// page would hide the newest places and reviews from them. HBNB_PAGE_SIZE is set low here so that
// any collection still answering a page would be cut far below what the install holds.
const PAGE_SIZE = 10
const PLACES = 150
const GUESTS = 20
const REVIEWS_PER_GUEST = 10 // 200 reviews

/** Runs `work` for every item, `batch` at a time. */
async function inBatches<T, R>(items: T[], batch: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = []
  for (let i = 0; i < items.length; i += batch) {
    results.push(...(await Promise.all(items.slice(i, i + batch).map(work))))
  }
  return results
}

function collectionSuite(title: string, env: Record<string, string>) {
  describeEachDriver(
    title,
    (t) => {
      const placeIds: string[] = []
      const reviewIds: string[] = []
      const userIds: string[] = []
      const amenityIds: string[] = []
      let reviewedPlace = ''

      beforeAll(async () => {
        const app: TestApp = t()
        const admin = await app.adminToken()
        const host = await app.user()
        userIds.push(host.id)
        const guests = await inBatches([...Array(GUESTS).keys()], 5, () => app.user())
        userIds.push(...guests.map((guest) => guest.id))
        for (let i = 0; i < 12; i++) {
          const amenity = await app.post('/api/v1/amenities/', { name: `Collection ${i}` }, { token: admin })
          expectOk(amenity, 201)
          amenityIds.push(amenity.body.id)
        }
        const places = await inBatches([...Array(PLACES).keys()], 10, (i) =>
          app.place(host.token, { title: `Place ${i} – café`, description: `Near the gare n° ${i}` }),
        )
        placeIds.push(...places.map((place) => place.id))
        reviewedPlace = placeIds[0]!
        const pairs = guests.flatMap((guest, g) =>
          [...Array(REVIEWS_PER_GUEST).keys()].map((r) => ({
            guest,
            placeId: placeIds[r === 0 ? 0 : (g * REVIEWS_PER_GUEST + r) % PLACES]!,
          })),
        )
        const reviews = await inBatches(pairs, 10, async ({ guest, placeId }) => {
          const review = await app.post(
            '/api/v1/reviews/',
            { text: `Très bien, ${guest.id}`, rating: 4, place_id: placeId },
            { token: guest.token },
          )
          expectOk(review, 201)
          return review.body.id as string
        })
        reviewIds.push(...reviews)
      })

      const expectWhole = async (url: string, expected: string[], exact = true) => {
        const response = await t().get(url)
        expectOk(response)
        expect(Array.isArray(response.body), url).toBe(true)
        const ids = response.body.map((item: { id: string }) => item.id)
        expect(new Set(ids).size, url).toBe(ids.length)
        if (exact) expect(ids.sort(), url).toEqual([...expected].sort())
        else expect(ids, url).toEqual(expect.arrayContaining(expected))
        expect(response.headers.link, url).toBeUndefined()
        expect(Number(response.headers['x-total-count']), url).toBe(ids.length)
        return response
      }

      it('answers every place, in id order, with and without the trailing slash', async () => {
        expect(placeIds).toHaveLength(PLACES)
        const listed = await expectWhole('/api/v1/places/', placeIds)
        expect(listed.body.map((p: { id: string }) => p.id)).toEqual(sortedIds(listed.body))
        expect(listed.body[0]).toMatchObject({ price: 100, latitude: 10, longitude: 20 })
        await expectWhole('/api/v1/places', placeIds)
      })

      it('answers every review, user and amenity', async () => {
        expect(reviewIds).toHaveLength(GUESTS * REVIEWS_PER_GUEST)
        await expectWhole('/api/v1/reviews/', reviewIds)
        // The admin is seeded; the seeded amenities come on top of the ones made here.
        await expectWhole('/api/v1/users/', userIds, false)
        expect((await t().get('/api/v1/users/')).body).toHaveLength(userIds.length + 1)
        await expectWhole('/api/v1/amenities/', amenityIds, false)
      })

      it("answers every review of a place, at both of its URLs, with each author's name", async () => {
        const reviews = await t().get(`/api/v1/places/${reviewedPlace}/reviews`)
        expect(reviews.body).toHaveLength(GUESTS)
        expect(reviews.body[0].user.first_name).toMatch(/^First/)
        await expectWhole(`/api/v1/reviews/places/${reviewedPlace}/reviews`, sortedIds(reviews.body))
      })

      it('answers every place to an empty POST /places_search', async () => {
        const found = await t().post('/api/v1/places_search', {})
        expectOk(found)
        expect(sortedIds(found.body)).toEqual([...placeIds].sort())
        expect(found.headers.link).toBeUndefined()
      })

      it('lists a place and a review as soon as they are created', async () => {
        const before = await t().get('/api/v1/places/')
        const guest = await t().user()
        const host = await t().user()
        const place = await t().place(host.token, { title: 'Newest place' })
        const review = await t().post(
          '/api/v1/reviews/',
          { text: 'Newest review', rating: 5, place_id: place.id },
          { token: guest.token },
        )
        expectOk(review, 201)
        const places = await t().get('/api/v1/places/')
        expect(places.body).toHaveLength(before.body.length + 1)
        expect(places.body.at(-1).id).toBe(place.id)
        expect((await t().get('/api/v1/reviews/')).body.map((r: { id: string }) => r.id)).toContain(
          review.body.id,
        )
        await t().delete(`/api/v1/places/${place.id}`, { token: host.token })
        expect(sortedIds((await t().get('/api/v1/places/')).body)).toEqual([...placeIds].sort())
      })

      it('still pages when ?limit is given, and the pages make up the whole list', async () => {
        const first = await t().get('/api/v1/places/?limit=100')
        expect(first.body).toHaveLength(100)
        expect(Number(first.headers['x-total-count'])).toBe(PLACES)
        const cursor = new URL(/<([^>]+)>/.exec(String(first.headers.link))![1]!).search
        const rest = await t().get(`/api/v1/places/${cursor}`)
        expect(rest.body).toHaveLength(PLACES - 100)
        expect(rest.headers.link).toBeUndefined()
        const whole = (await t().get('/api/v1/places/')).body
        expect([...first.body, ...rest.body]).toEqual(whole)
      })
    },
    { HBNB_PAGE_SIZE: String(PAGE_SIZE), ...env },
  )
}

collectionSuite('HBnB collections, whole', {})
collectionSuite('HBnB collections, whole, with the response cache', { HBNB_CACHE: 'memory' })
