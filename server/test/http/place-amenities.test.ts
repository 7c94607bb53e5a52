import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { expectError, expectOk, MALFORMED_IDS, UNKNOWN_ID } from '../helpers/contract.js'
import { describeEachDriver } from '../helpers/test-app.js'

describeEachDriver('place amenities', (t) => {
  const newAmenity = async () => {
    const response = await t().post(
      '/api/v1/amenities/',
      { name: `Feature ${randomBytes(4).toString('hex')}` },
      { token: await t().adminToken() },
    )
    expectOk(response, 201)
    return response.body as { id: string; name: string }
  }
  const amenitiesOf = async (placeId: string) => {
    const response = await t().get(`/api/v1/places/${placeId}/amenities`)
    expectOk(response)
    return response.body as { id: string; name: string }[]
  }

  it('GET /places/<id>/amenities is public and lists {id, name}', async () => {
    const owner = await t().user()
    const sauna = await newAmenity()
    const place = await t().place(owner.token, { amenities: [sauna.id] })
    expect(await amenitiesOf(place.id)).toEqual([{ id: sauna.id, name: sauna.name }])
    const bare = await t().place(owner.token)
    expect(await amenitiesOf(bare.id)).toEqual([])
  })

  it('GET /places/<id>/amenities answers 404 "Place not found" for unknown and malformed ids', async () => {
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      expectError(await t().get(`/api/v1/places/${id}/amenities`), 404, 'Place not found')
    }
  })

  it('POST /places/<id>/amenities/<amenity_id> answers 201 when newly linked and 200 when already linked', async () => {
    const owner = await t().user()
    const place = await t().place(owner.token)
    const amenity = await newAmenity()
    const url = `/api/v1/places/${place.id}/amenities/${amenity.id}`
    const first = await t().post(url, undefined, { token: owner.token })
    expectOk(first, 201)
    expect(await amenitiesOf(place.id)).toEqual([{ id: amenity.id, name: amenity.name }])
    const again = await t().post(url, undefined, { token: owner.token })
    expectOk(again, 200)
    expect(await amenitiesOf(place.id)).toHaveLength(1)
    const detail = await t().get(`/api/v1/places/${place.id}`)
    expect(detail.body.amenities).toEqual([{ id: amenity.id, name: amenity.name }])
  })

  it('POST /places/<id>/amenities/<amenity_id> needs a token (401) and the owner or an admin (403)', async () => {
    const owner = await t().user()
    const intruder = await t().user()
    const place = await t().place(owner.token)
    const amenity = await newAmenity()
    const url = `/api/v1/places/${place.id}/amenities/${amenity.id}`
    expectError(await t().post(url), 401)
    expectError(await t().post(url, undefined, { token: intruder.token }), 403, 'Unauthorized action')
    expect(await amenitiesOf(place.id)).toEqual([])
    expectOk(await t().post(url, undefined, { token: await t().adminToken() }), 201)
    expect(await amenitiesOf(place.id)).toEqual([{ id: amenity.id, name: amenity.name }])
  })

  it('POST /places/<id>/amenities/<amenity_id> answers 404 for an unknown place or amenity', async () => {
    const owner = await t().user()
    const place = await t().place(owner.token)
    const amenity = await newAmenity()
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      const unknownPlace = await t().post(`/api/v1/places/${id}/amenities/${amenity.id}`, undefined, {
        token: owner.token,
      })
      expectError(unknownPlace, 404, 'Place not found')
      const unknownAmenity = await t().post(`/api/v1/places/${place.id}/amenities/${id}`, undefined, {
        token: owner.token,
      })
      expectError(unknownAmenity, 404, 'Amenity not found')
    }
    expect(await amenitiesOf(place.id)).toEqual([])
  })

  it('DELETE /places/<id>/amenities/<amenity_id> unlinks (200) and only that amenity', async () => {
    const owner = await t().user()
    const keep = await newAmenity()
    const drop = await newAmenity()
    const place = await t().place(owner.token, { amenities: [keep.id, drop.id] })
    const response = await t().delete(`/api/v1/places/${place.id}/amenities/${drop.id}`, {
      token: owner.token,
    })
    expectOk(response, 200)
    expect(await amenitiesOf(place.id)).toEqual([{ id: keep.id, name: keep.name }])
    expect((await t().get(`/api/v1/amenities/${drop.id}`)).status).toBe(200)
    const relink = await t().post(`/api/v1/places/${place.id}/amenities/${drop.id}`, undefined, {
      token: owner.token,
    })
    expectOk(relink, 201)
  })

  it('DELETE /places/<id>/amenities/<amenity_id> needs a token (401) and the owner or an admin (403)', async () => {
    const owner = await t().user()
    const intruder = await t().user()
    const amenity = await newAmenity()
    const place = await t().place(owner.token, { amenities: [amenity.id] })
    const url = `/api/v1/places/${place.id}/amenities/${amenity.id}`
    expectError(await t().delete(url), 401)
    expectError(await t().delete(url, { token: intruder.token }), 403, 'Unauthorized action')
    expect(await amenitiesOf(place.id)).toHaveLength(1)
    expectOk(await t().delete(url, { token: await t().adminToken() }), 200)
    expect(await amenitiesOf(place.id)).toEqual([])
  })

  it('DELETE /places/<id>/amenities/<amenity_id> answers 404 for an unknown place or amenity', async () => {
    const owner = await t().user()
    const amenity = await newAmenity()
    const place = await t().place(owner.token, { amenities: [amenity.id] })
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      expectError(
        await t().delete(`/api/v1/places/${id}/amenities/${amenity.id}`, { token: owner.token }),
        404,
        'Place not found',
      )
      expectError(
        await t().delete(`/api/v1/places/${place.id}/amenities/${id}`, { token: owner.token }),
        404,
        'Amenity not found',
      )
    }
    expect(await amenitiesOf(place.id)).toHaveLength(1)
  })
})
