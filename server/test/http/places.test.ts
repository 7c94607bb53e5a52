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
import { describeEachDriver } from '../helpers/test-app.js'

const placeBody = (overrides: Record<string, unknown> = {}) => ({
  title: `Cosy flat ${randomBytes(3).toString('hex')}`,
  description: 'Near the sea',
  price: 80,
  latitude: 43.3,
  longitude: 5.4,
  ...overrides,
})

const SUMMARY_KEYS = ['id', 'title', 'description', 'price', 'latitude', 'longitude']

describeEachDriver('places', (t) => {
  const amenityByName = async (name: string) => {
    const list = await t().get('/api/v1/amenities/')
    return list.body.find((a: { name: string }) => a.name === name) as { id: string; name: string }
  }

  it('POST /places/ needs a token (401)', async () => {
    const body = placeBody()
    expectError(await t().post('/api/v1/places/', body), 401)
    const list = await t().get('/api/v1/places/')
    expect(list.body.some((p: { title: string }) => p.title === body.title)).toBe(false)
  })

  it('POST /places/ answers 201 {id, title, description, price, latitude, longitude, owner_id, amenities}', async () => {
    const owner = await t().user()
    const body = placeBody({ price: 123.5, latitude: -33.86, longitude: 151.2 })
    const response = await t().post('/api/v1/places/', body, { token: owner.token })
    expectOk(response, 201)
    expect(response.body).toMatchObject({
      id: expect.stringMatching(UUID),
      title: body.title,
      description: body.description,
      price: 123.5,
      latitude: -33.86,
      longitude: 151.2,
      owner_id: owner.id,
      amenities: [],
    })
    expectTimestamps(response.body)
  })

  it('POST /places/ makes the caller the owner when owner_id is absent, null, unknown or malformed', async () => {
    const owner = await t().user()
    for (const owner_id of [undefined, null, UNKNOWN_ID, 'not-a-user']) {
      const response = await t().post('/api/v1/places/', placeBody({ owner_id }), { token: owner.token })
      expectOk(response, 201)
      expect(response.body.owner_id).toBe(owner.id)
      const detail = await t().get(`/api/v1/places/${response.body.id}`)
      expect(detail.body.owner.id).toBe(owner.id)
    }
    const own = await t().post('/api/v1/places/', placeBody({ owner_id: owner.id }), { token: owner.token })
    expectOk(own, 201)
    expect(own.body.owner_id).toBe(owner.id)
  })

  it('POST /places/ refuses another existing user as owner_id from a non-admin (403 "Unauthorized action")', async () => {
    const caller = await t().user()
    const victim = await t().user()
    const body = placeBody({ owner_id: victim.id })
    const response = await t().post('/api/v1/places/', body, { token: caller.token })
    expectError(response, 403, 'Unauthorized action')
    const list = await t().get('/api/v1/places/')
    expect(list.body.some((p: { title: string }) => p.title === body.title)).toBe(false)
  })

  it('POST /places/ lets an admin create a place for another user', async () => {
    const host = await t().user()
    const response = await t().post('/api/v1/places/', placeBody({ owner_id: host.id }), {
      token: await t().adminToken(),
    })
    expectOk(response, 201)
    expect(response.body.owner_id).toBe(host.id)
    const detail = await t().get(`/api/v1/places/${response.body.id}`)
    expect(detail.body.owner.id).toBe(host.id)
    const update = await t().put(`/api/v1/places/${response.body.id}`, { price: 99 }, { token: host.token })
    expectOk(update)
  })

  it('POST /places/ links the given amenity ids', async () => {
    const owner = await t().user()
    const wifi = await amenityByName('WiFi')
    const pool = await amenityByName('Swimming Pool')
    const response = await t().post('/api/v1/places/', placeBody({ amenities: [wifi.id, pool.id] }), {
      token: owner.token,
    })
    expectOk(response, 201)
    expect(response.body.amenities).toHaveLength(2)
    expect(response.body.amenities).toEqual(
      expect.arrayContaining([
        { id: wifi.id, name: 'WiFi' },
        { id: pool.id, name: 'Swimming Pool' },
      ]),
    )
    const detail = await t().get(`/api/v1/places/${response.body.id}`)
    expect(detail.body.amenities.map((a: { id: string }) => a.id).sort()).toEqual([wifi.id, pool.id].sort())
  })

  it('POST /places/ refuses an unknown amenity id with 400 and creates nothing', async () => {
    const owner = await t().user()
    const wifi = await amenityByName('WiFi')
    for (const amenities of [[UNKNOWN_ID], [wifi.id, 'not-an-amenity']]) {
      const body = placeBody({ amenities })
      expectError(await t().post('/api/v1/places/', body, { token: owner.token }), 400)
      const list = await t().get('/api/v1/places/')
      expect(list.body.some((p: { title: string }) => p.title === body.title)).toBe(false)
    }
  })

  it('POST /places/ validates the title: required, non-empty, at most 100 characters (trimmed)', async () => {
    const owner = await t().user()
    const { title: _t, ...withoutTitle } = placeBody()
    for (const body of [withoutTitle, placeBody({ title: '' }), placeBody({ title: '   ' })]) {
      expectError(await t().post('/api/v1/places/', body, { token: owner.token }), 400)
    }
    expectError(
      await t().post('/api/v1/places/', placeBody({ title: 'x'.repeat(101) }), { token: owner.token }),
      400,
    )
    const hundred = `${randomBytes(4).toString('hex')}${'t'.repeat(92)}`
    const ok = await t().post('/api/v1/places/', placeBody({ title: ` ${hundred} ` }), { token: owner.token })
    expectOk(ok, 201)
    expect(ok.body.title).toBe(hundred)
  })

  it('POST /places/ validates the price: a number > 0', async () => {
    const owner = await t().user()
    const { price: _p, ...withoutPrice } = placeBody()
    for (const body of [
      withoutPrice,
      placeBody({ price: 0 }),
      placeBody({ price: -10 }),
      placeBody({ price: 'cheap' }),
      placeBody({ price: null }),
    ]) {
      expectError(await t().post('/api/v1/places/', body, { token: owner.token }), 400)
    }
    const ok = await t().post('/api/v1/places/', placeBody({ price: 0.5 }), { token: owner.token })
    expectOk(ok, 201)
    expect(ok.body.price).toBe(0.5)
  })

  it('POST /places/ validates latitude in [-90, 90] and longitude in [-180, 180]', async () => {
    const owner = await t().user()
    for (const coordinates of [
      { latitude: 90.0001 },
      { latitude: -91 },
      { longitude: 180.5 },
      { longitude: -181 },
      { latitude: 'north' },
      { latitude: undefined },
      { longitude: undefined },
    ]) {
      const response = await t().post('/api/v1/places/', placeBody(coordinates), { token: owner.token })
      expectError(response, 400)
    }
    for (const coordinates of [
      { latitude: 90, longitude: 180 },
      { latitude: -90, longitude: -180 },
    ]) {
      const response = await t().post('/api/v1/places/', placeBody(coordinates), { token: owner.token })
      expectOk(response, 201)
      expect(response.body).toMatchObject(coordinates)
    }
  })

  it('GET /places/ is public and lists {id, title, description, price, latitude, longitude}', async () => {
    const owner = await t().user()
    const place = await t().place(owner.token, { title: 'Listed place', price: 42.5 })
    for (const url of ['/api/v1/places/', '/api/v1/places']) {
      const response = await t().get(url)
      expectOk(response)
      expect(Array.isArray(response.body)).toBe(true)
      const mine = response.body.find((p: { id: string }) => p.id === place.id)
      expect(mine).toMatchObject({
        id: place.id,
        title: 'Listed place',
        description: 'A place for tests',
        price: 42.5,
        latitude: 10,
        longitude: 20,
      })
      for (const item of response.body) {
        expect(Object.keys(item)).toEqual(expect.arrayContaining(SUMMARY_KEYS))
        expect(typeof item.price).toBe('number')
        expectTimestamps(item)
      }
    }
  })

  it('GET /places/<id> answers the place with its owner, amenities and reviews (with user names)', async () => {
    const owner = await t().user({ first_name: 'Olivia', last_name: 'Owner' })
    const guest = await t().user({ first_name: 'Gus', last_name: 'Guest' })
    const wifi = await amenityByName('WiFi')
    const place = await t().place(owner.token, { title: 'Detailed', amenities: [wifi.id] })
    const review = await t().post(
      '/api/v1/reviews/',
      { text: 'Lovely stay', rating: 5, place_id: place.id },
      { token: guest.token },
    )
    expectOk(review, 201)

    const response = await t().get(`/api/v1/places/${place.id}`)
    expectOk(response)
    expectNoPassword(response, owner.password, guest.password)
    expect(response.body).toMatchObject({
      id: place.id,
      title: 'Detailed',
      description: 'A place for tests',
      price: 100,
      latitude: 10,
      longitude: 20,
      owner: { id: owner.id, first_name: 'Olivia', last_name: 'Owner', email: owner.email },
      amenities: [{ id: wifi.id, name: 'WiFi' }],
    })
    expect(response.body.reviews).toEqual([
      expect.objectContaining({
        id: review.body.id,
        text: 'Lovely stay',
        rating: 5,
        user_id: guest.id,
        user: { id: guest.id, first_name: 'Gus', last_name: 'Guest' },
      }),
    ])
    expectTimestamps(response.body)
  })

  it('GET /places/<id> answers 404 "Place not found" for unknown and malformed ids', async () => {
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      expectError(await t().get(`/api/v1/places/${id}`), 404, 'Place not found')
    }
  })

  it('PUT /places/<id> needs a token (401)', async () => {
    const owner = await t().user()
    const place = await t().place(owner.token)
    expectError(await t().put(`/api/v1/places/${place.id}`, { title: 'No token' }), 401)
  })

  it('PUT /places/<id> by the owner updates any subset and answers the place plus "Place updated successfully"', async () => {
    const owner = await t().user({ first_name: 'Pat' })
    const place = await t().place(owner.token, { title: 'Old title', price: 50 })
    const response = await t().put(
      `/api/v1/places/${place.id}`,
      { title: 'New title', price: 75.25 },
      { token: owner.token },
    )
    expectOk(response)
    expect(response.body).toMatchObject({
      message: 'Place updated successfully',
      id: place.id,
      title: 'New title',
      price: 75.25,
      description: 'A place for tests',
      latitude: 10,
      longitude: 20,
      owner: { id: owner.id, first_name: 'Pat' },
      amenities: [],
      reviews: [],
    })
    const detail = await t().get(`/api/v1/places/${place.id}`)
    expect(detail.body).toMatchObject({ title: 'New title', price: 75.25, latitude: 10 })

    const onlyLatitude = await t().put(`/api/v1/places/${place.id}`, { latitude: -5 }, { token: owner.token })
    expectOk(onlyLatitude)
    expect(onlyLatitude.body).toMatchObject({ title: 'New title', price: 75.25, latitude: -5, longitude: 20 })
  })

  it('PUT /places/<id> by someone else is 403 "Unauthorized action"; an admin may', async () => {
    const owner = await t().user()
    const intruder = await t().user()
    const place = await t().place(owner.token, { title: 'Mine' })
    const url = `/api/v1/places/${place.id}`
    expectError(
      await t().put(url, { title: 'Stolen' }, { token: intruder.token }),
      403,
      'Unauthorized action',
    )
    expect((await t().get(url)).body.title).toBe('Mine')
    const byAdmin = await t().put(url, { title: 'Moderated' }, { token: await t().adminToken() })
    expectOk(byAdmin)
    expect(byAdmin.body).toMatchObject({ title: 'Moderated', message: 'Place updated successfully' })
    expect((await t().get(url)).body.owner.id).toBe(owner.id)
  })

  it('PUT /places/<id> ignores owner_id from a non-admin and applies it from an admin', async () => {
    const owner = await t().user()
    const other = await t().user()
    const place = await t().place(owner.token)
    const url = `/api/v1/places/${place.id}`
    const ignored = await t().put(url, { owner_id: other.id, title: 'Still mine' }, { token: owner.token })
    expectOk(ignored)
    expect(ignored.body.owner_id).toBe(owner.id)
    expect(ignored.body.title).toBe('Still mine')
    expect((await t().get(url)).body.owner.id).toBe(owner.id)

    const transferred = await t().put(url, { owner_id: other.id }, { token: await t().adminToken() })
    expectOk(transferred)
    expect(transferred.body.owner_id).toBe(other.id)
    expect((await t().get(url)).body.owner.id).toBe(other.id)
    expectError(await t().put(url, { title: 'x' }, { token: owner.token }), 403, 'Unauthorized action')
  })

  it('PUT /places/<id> validates like create (400)', async () => {
    const owner = await t().user()
    const place = await t().place(owner.token, { title: 'Valid' })
    const url = `/api/v1/places/${place.id}`
    for (const body of [
      { title: '' },
      { title: '  ' },
      { title: 'x'.repeat(101) },
      { price: 0 },
      { price: -1 },
      { latitude: 95 },
      { longitude: -200 },
      { amenities: [UNKNOWN_ID] },
    ]) {
      expectError(await t().put(url, body, { token: owner.token }), 400)
    }
    expect((await t().get(url)).body).toMatchObject({
      title: 'Valid',
      price: 100,
      latitude: 10,
      longitude: 20,
    })
  })

  it('PUT /places/<id> answers 404 "Place not found" for unknown and malformed ids', async () => {
    const admin = await t().adminToken()
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      expectError(
        await t().put(`/api/v1/places/${id}`, { title: 'x' }, { token: admin }),
        404,
        'Place not found',
      )
    }
  })

  it('DELETE /places/<id> needs a token (401) and the owner or an admin (403)', async () => {
    const owner = await t().user()
    const intruder = await t().user()
    const place = await t().place(owner.token)
    const url = `/api/v1/places/${place.id}`
    expectError(await t().delete(url), 401)
    expectError(await t().delete(url, { token: intruder.token }), 403, 'Unauthorized action')
    expectOk(await t().get(url))
  })

  it('DELETE /places/<id> by the owner answers 200 "Place deleted successfully" and the place is gone', async () => {
    const owner = await t().user()
    const place = await t().place(owner.token)
    const url = `/api/v1/places/${place.id}`
    const response = await t().delete(url, { token: owner.token })
    expectOk(response)
    expect(response.body).toEqual({ message: 'Place deleted successfully' })
    expectError(await t().get(url), 404, 'Place not found')
    expectError(await t().delete(url, { token: owner.token }), 404, 'Place not found')
    const list = await t().get('/api/v1/places/')
    expect(list.body.some((p: { id: string }) => p.id === place.id)).toBe(false)
  })

  it('DELETE /places/<id> by an admin deletes any place, reviews included', async () => {
    const owner = await t().user()
    const guest = await t().user()
    const place = await t().place(owner.token)
    const review = await t().post(
      '/api/v1/reviews/',
      { text: 'ok', rating: 3, place_id: place.id },
      { token: guest.token },
    )
    expectOk(review, 201)
    const response = await t().delete(`/api/v1/places/${place.id}`, { token: await t().adminToken() })
    expectOk(response)
    expect(response.body.message).toBe('Place deleted successfully')
    expectError(await t().get(`/api/v1/places/${place.id}`), 404, 'Place not found')
    expectError(await t().get(`/api/v1/reviews/${review.body.id}`), 404, 'Review not found')
  })

  it('DELETE /places/<id> answers 404 "Place not found" for unknown and malformed ids', async () => {
    const admin = await t().adminToken()
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      expectError(await t().delete(`/api/v1/places/${id}`, { token: admin }), 404, 'Place not found')
    }
  })

  it('GET /places/<id>/reviews and its alias list the reviews with the reviewer names', async () => {
    const owner = await t().user()
    const first = await t().user({ first_name: 'Rita', last_name: 'Reviewer' })
    const second = await t().user({ first_name: 'Sam', last_name: 'Second' })
    const place = await t().place(owner.token)
    const other = await t().place(owner.token)
    const a = await t().post(
      '/api/v1/reviews/',
      { text: 'Great', rating: 5, place_id: place.id },
      { token: first.token },
    )
    const b = await t().post(
      '/api/v1/reviews/',
      { text: 'Fine', rating: 3, place_id: place.id },
      { token: second.token },
    )
    await t().post(
      '/api/v1/reviews/',
      { text: 'Elsewhere', rating: 2, place_id: other.id },
      { token: first.token },
    )
    for (const url of [`/api/v1/places/${place.id}/reviews`, `/api/v1/reviews/places/${place.id}/reviews`]) {
      const response = await t().get(url)
      expectOk(response)
      expectNoPassword(response, first.password, second.password)
      expect(response.body).toHaveLength(2)
      expect(response.body).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            id: a.body.id,
            text: 'Great',
            rating: 5,
            user_id: first.id,
            user: { id: first.id, first_name: 'Rita', last_name: 'Reviewer' },
          }),
          expect.objectContaining({
            id: b.body.id,
            text: 'Fine',
            rating: 3,
            user_id: second.id,
            user: { id: second.id, first_name: 'Sam', last_name: 'Second' },
          }),
        ]),
      )
    }
    const empty = await t().get(`/api/v1/places/${(await t().place(owner.token)).id}/reviews`)
    expectOk(empty)
    expect(empty.body).toEqual([])
  })

  it('GET /places/<id>/reviews and its alias answer 404 "Place not found" for unknown and malformed ids', async () => {
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      expectError(await t().get(`/api/v1/places/${id}/reviews`), 404, 'Place not found')
      expectError(await t().get(`/api/v1/reviews/places/${id}/reviews`), 404, 'Place not found')
    }
  })
})
