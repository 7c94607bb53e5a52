import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { expectOk } from '../helpers/contract.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'

// GET /api/v1/places/ reuses the bytes it made for a place until the place's row version changes,
// and on SQLite GET /api/v1/places/<id> reuses the detail until anything it shows changes (migration
// 0018, set by the database). With the response cache off, every answer here comes from those memos.
describeEachDriver(
  'the place list reuses serialized places only while their rows are unchanged',
  (t) => {
    let host: { id: string; token: string }
    let admin: string
    const ids: string[] = []

    beforeAll(async () => {
      admin = await t().adminToken()
      host = await t().user()
      for (let i = 0; i < 5; i++) ids.push((await t().place(host.token, { title: `Memo ${i}` })).id)
    })

    /** The list equals what POST /places_search (which reads and serializes every row) answers. */
    const expectCurrent = async (app: TestApp) => {
      const listed = await app.get('/api/v1/places/')
      expectOk(listed)
      const oracle = await app.post('/api/v1/places_search', {})
      expectOk(oracle)
      expect(listed.body).toEqual(oracle.body)
      expect(Number(listed.headers['x-total-count'])).toBe(oracle.body.length)
      return listed
    }

    it('answers the same bytes and ETag while nothing changes', async () => {
      const first = await expectCurrent(t())
      const again = await t().get('/api/v1/places/')
      expect(again.text).toBe(first.text)
      expect(again.headers.etag).toBe(first.headers.etag)
      const unchanged = await t().get('/api/v1/places/', {
        headers: { 'if-none-match': String(first.headers.etag) },
      })
      expect(unchanged.status).toBe(304)
    })

    it('shows an edited place, and changes the ETag', async () => {
      const before = await expectCurrent(t())
      expectOk(await t().put(`/api/v1/places/${ids[0]}`, { title: 'Memo renamed' }, { token: host.token }))
      const after = await expectCurrent(t())
      expect(after.body.find((p: { id: string }) => p.id === ids[0]).title).toBe('Memo renamed')
      expect(after.headers.etag).not.toBe(before.headers.etag)
    })

    it('shows a new rating, which changes the row without touching updated_at', async () => {
      const guest = await t().user()
      const review = await t().post(
        '/api/v1/reviews/',
        { text: 'Lovely', rating: 3, place_id: ids[1] },
        { token: guest.token },
      )
      expectOk(review, 201)
      const after = await expectCurrent(t())
      expect(after.body.find((p: { id: string }) => p.id === ids[1])).toMatchObject({
        rating_count: 1,
        rating_avg: 3,
      })
    })

    it('shows a change made by SQL outside the application', async () => {
      await sql`update places set city = ${'Elsewhere'} where id = ${ids[2]}`.execute(t().app.database.write)
      const after = await expectCurrent(t())
      expect(after.body.find((p: { id: string }) => p.id === ids[2]).city).toBe('Elsewhere')
    })

    it('drops a place that is suspended or deleted, and lists it again once reinstated', async () => {
      expectOk(await t().put(`/api/v1/places/${ids[3]}`, { status: 'suspended' }, { token: admin }))
      expect((await expectCurrent(t())).body.map((p: { id: string }) => p.id)).not.toContain(ids[3])
      expectOk(await t().put(`/api/v1/places/${ids[3]}`, { status: 'published' }, { token: admin }))
      expect((await expectCurrent(t())).body.map((p: { id: string }) => p.id)).toContain(ids[3])
      expectOk(await t().delete(`/api/v1/places/${ids[4]}`, { token: host.token }))
      expect((await expectCurrent(t())).body.map((p: { id: string }) => p.id)).not.toContain(ids[4])
    })

    it('shows a host every status of their own places, from the same memo', async () => {
      expectOk(await t().put(`/api/v1/places/${ids[0]}`, { status: 'draft' }, { token: host.token }))
      const mine = await t().get('/api/v1/places/?owner_id=me', { token: host.token })
      expectOk(mine)
      const own = mine.body.find((p: { id: string }) => p.id === ids[0])
      expect(own).toMatchObject({ status: 'draft', title: 'Memo renamed' })
      expect((await expectCurrent(t())).body.map((p: { id: string }) => p.id)).not.toContain(ids[0])
    })
  },
  { HBNB_CACHE: 'off' },
)

describeEachDriver(
  "a place's detail shows every change to what it shows, at once",
  (t) => {
    let host: { id: string; token: string }
    let guest: { id: string; token: string }
    let admin: string
    let placeId = ''
    let amenityId = ''
    let reviewId = ''

    beforeAll(async () => {
      admin = await t().adminToken()
      host = await t().user({ first_name: 'Hostname' })
      guest = await t().user({ first_name: 'Guestname' })
      placeId = (await t().place(host.token, { title: 'Detail memo' })).id
      const amenity = await t().post('/api/v1/amenities/', { name: 'Memo sauna' }, { token: admin })
      expectOk(amenity, 201)
      amenityId = amenity.body.id
    })

    const detail = async () => {
      const response = await t().get(`/api/v1/places/${placeId}`)
      expectOk(response)
      return response
    }

    it('answers the same bytes while nothing changes', async () => {
      const first = await detail()
      const again = await detail()
      expect(again.text).toBe(first.text)
      expect(again.headers.etag).toBe(first.headers.etag)
    })

    it('shows an amenity linked, renamed and unlinked', async () => {
      expectOk(
        await t().post(`/api/v1/places/${placeId}/amenities/${amenityId}`, {}, { token: host.token }),
        201,
      )
      expect((await detail()).body.amenities).toEqual([{ id: amenityId, name: 'Memo sauna' }])
      expectOk(await t().put(`/api/v1/amenities/${amenityId}`, { name: 'Memo hammam' }, { token: admin }))
      expect((await detail()).body.amenities).toEqual([{ id: amenityId, name: 'Memo hammam' }])
      expectOk(await t().delete(`/api/v1/places/${placeId}/amenities/${amenityId}`, { token: host.token }))
      expect((await detail()).body.amenities).toEqual([])
    })

    it('shows a review added, edited and its author renamed, and the owner renamed', async () => {
      const review = await t().post(
        '/api/v1/reviews/',
        { text: 'First words', rating: 4, place_id: placeId },
        { token: guest.token },
      )
      expectOk(review, 201)
      reviewId = review.body.id
      expect((await detail()).body.reviews).toMatchObject([{ id: reviewId, text: 'First words' }])
      expectOk(await t().put(`/api/v1/reviews/${reviewId}`, { text: 'Second words' }, { token: guest.token }))
      expect((await detail()).body.reviews).toMatchObject([{ text: 'Second words' }])
      expectOk(await t().put(`/api/v1/users/${guest.id}`, { first_name: 'Renamed' }, { token: guest.token }))
      expect((await detail()).body.reviews[0].user.first_name).toBe('Renamed')
      expectOk(await t().put(`/api/v1/users/${host.id}`, { last_name: 'Newlast' }, { token: host.token }))
      expect((await detail()).body.owner.last_name).toBe('Newlast')
    })

    it('shows a change made by SQL outside the application, and a review deleted', async () => {
      const write = t().app.database.write
      await sql`update reviews set text = ${'Edited in SQL'} where id = ${reviewId}`.execute(write)
      expect((await detail()).body.reviews[0].text).toBe('Edited in SQL')
      await sql`update places set description = ${'Described in SQL'} where id = ${placeId}`.execute(write)
      expect((await detail()).body.description).toBe('Described in SQL')
      expectOk(await t().delete(`/api/v1/reviews/${reviewId}`, { token: guest.token }))
      expect((await detail()).body).toMatchObject({ reviews: [], rating_count: 0 })
    })

    it('answers 404 once the place is suspended, and shows it again once reinstated', async () => {
      expectOk(await t().put(`/api/v1/places/${placeId}`, { status: 'suspended' }, { token: admin }))
      expect((await t().get(`/api/v1/places/${placeId}`)).status).toBe(404)
      expectOk(await t().put(`/api/v1/places/${placeId}`, { status: 'published' }, { token: admin }))
      expect((await detail()).body.status).toBe('published')
    })
  },
  { HBNB_CACHE: 'off' },
)
