import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import {
  expectError,
  expectOk,
  expectTimestamps,
  MALFORMED_IDS,
  UNKNOWN_ID,
  UUID,
} from '../helpers/contract.js'
import { describeEachDriver } from '../helpers/test-app.js'

const uniqueName = (prefix = 'Amenity') => `${prefix} ${randomBytes(4).toString('hex')}`

describeEachDriver('amenities', (t) => {
  const create = async (body: unknown) =>
    t().post('/api/v1/amenities/', body, { token: await t().adminToken() })

  it('has the seed amenities WiFi, Swimming Pool and Air Conditioning', async () => {
    const response = await t().get('/api/v1/amenities/')
    const names = response.body.map((a: { name: string }) => a.name)
    expect(names).toEqual(expect.arrayContaining(['WiFi', 'Swimming Pool', 'Air Conditioning']))
  })

  it('POST /amenities/ needs a token (401) and an admin (403 "Admin privileges required")', async () => {
    const name = uniqueName()
    expectError(await t().post('/api/v1/amenities/', { name }), 401)
    const user = await t().user()
    expectError(
      await t().post('/api/v1/amenities/', { name }, { token: user.token }),
      403,
      'Admin privileges required',
    )
    const list = await t().get('/api/v1/amenities/')
    expect(list.body.some((a: { name: string }) => a.name === name)).toBe(false)
  })

  it('POST /amenities/ by an admin answers 201 {id, name} with the name trimmed', async () => {
    const name = uniqueName('Sauna')
    const response = await create({ name: `  ${name} ` })
    expectOk(response, 201)
    expect(response.body).toMatchObject({ id: expect.stringMatching(UUID), name })
    expectTimestamps(response.body)
    const fetched = await t().get(`/api/v1/amenities/${response.body.id}`)
    expectOk(fetched)
    expect(fetched.body).toMatchObject({ id: response.body.id, name })
  })

  it('POST /amenities/ refuses a missing, empty, blank or non-string name', async () => {
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: null }, { name: { x: 1 } }]) {
      expectError(await create(body), 400)
    }
  })

  it('POST /amenities/ accepts 50 characters and refuses 51', async () => {
    const fifty = `${uniqueName('L')}${'x'.repeat(50)}`.slice(0, 50)
    const ok = await create({ name: fifty })
    expectOk(ok, 201)
    expect(ok.body.name).toBe(fifty)
    expectError(await create({ name: `${fifty}y` }), 400)
  })

  it('POST /amenities/ refuses a name that exists, whatever its case', async () => {
    const name = uniqueName('Unique')
    expectOk(await create({ name }), 201)
    expectError(await create({ name }), 400)
    expectError(await create({ name: name.toUpperCase() }), 400)
    expectError(await create({ name: 'wifi' }), 400)
    const list = await t().get('/api/v1/amenities/')
    expect(
      list.body.filter((a: { name: string }) => a.name.toLowerCase() === name.toLowerCase()),
    ).toHaveLength(1)
  })

  it('GET /amenities/ is public and lists {id, name}, with and without the trailing slash', async () => {
    const created = await create({ name: uniqueName('Listed') })
    for (const url of ['/api/v1/amenities/', '/api/v1/amenities']) {
      const response = await t().get(url)
      expectOk(response)
      expect(Array.isArray(response.body)).toBe(true)
      expect(response.body).toContainEqual(
        expect.objectContaining({ id: created.body.id, name: created.body.name }),
      )
      for (const amenity of response.body) {
        expect(amenity).toMatchObject({ id: expect.any(String), name: expect.any(String) })
      }
    }
  })

  it('GET /amenities/<id> answers 404 "Amenity not found" for unknown and malformed ids', async () => {
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      expectError(await t().get(`/api/v1/amenities/${id}`), 404, 'Amenity not found')
    }
  })

  it('PUT /amenities/<id> needs a token (401) and an admin (403)', async () => {
    const created = await create({ name: uniqueName('Guarded') })
    const url = `/api/v1/amenities/${created.body.id}`
    expectError(await t().put(url, { name: uniqueName() }), 401)
    const user = await t().user()
    expectError(
      await t().put(url, { name: uniqueName() }, { token: user.token }),
      403,
      'Admin privileges required',
    )
    expect((await t().get(url)).body.name).toBe(created.body.name)
  })

  it('PUT /amenities/<id> answers 200 {message: "Amenity updated successfully", id, name}', async () => {
    const created = await create({ name: uniqueName('Before') })
    const url = `/api/v1/amenities/${created.body.id}`
    const name = uniqueName('After')
    const response = await t().put(url, { name: ` ${name} ` }, { token: await t().adminToken() })
    expectOk(response)
    expect(response.body).toMatchObject({
      message: 'Amenity updated successfully',
      id: created.body.id,
      name,
    })
    expect((await t().get(url)).body.name).toBe(name)
    const same = await t().put(url, { name }, { token: await t().adminToken() })
    expectOk(same)
    expect(same.body.name).toBe(name)
  })

  it('PUT /amenities/<id> validates the name (400)', async () => {
    const created = await create({ name: uniqueName('Valid') })
    const other = await create({ name: uniqueName('Taken') })
    const url = `/api/v1/amenities/${created.body.id}`
    const admin = await t().adminToken()
    for (const body of [
      {},
      { name: '' },
      { name: '  ' },
      { name: 'z'.repeat(51) },
      { name: other.body.name },
    ]) {
      expectError(await t().put(url, body, { token: admin }), 400)
    }
    expect((await t().get(url)).body.name).toBe(created.body.name)
  })

  it('PUT /amenities/<id> answers 404 "Amenity not found" for unknown and malformed ids', async () => {
    const admin = await t().adminToken()
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      expectError(
        await t().put(`/api/v1/amenities/${id}`, { name: uniqueName() }, { token: admin }),
        404,
        'Amenity not found',
      )
    }
  })
})
