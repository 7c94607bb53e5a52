import { expect, it } from 'vitest'
import { describeEachDriver } from '../helpers/test-app.js'

describeEachDriver('wishlists', (t) => {
  it('keeps named lists of saved places', async () => {
    const host = await t().user()
    const [beach, city] = [
      await t().place(host.token, { title: 'Beach hut' }),
      await t().place(host.token, { title: 'City loft' }),
    ]
    const me = await t().user()
    const created = await t().post('/api/v1/wishlists', { name: '  Summer  ' }, { token: me.token })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ name: 'Summer', place_count: 0 })
    const id = created.body.id
    expect(
      (await t().put(`/api/v1/wishlists/${id}/places/${beach.id}`, undefined, { token: me.token })).status,
    ).toBe(201)
    expect(
      (await t().put(`/api/v1/wishlists/${id}/places/${beach.id}`, undefined, { token: me.token })).status,
    ).toBe(200)
    await t().put(`/api/v1/wishlists/${id}/places/${city.id}`, undefined, { token: me.token })
    const detail = await t().get(`/api/v1/wishlists/${id}`, { token: me.token })
    expect(detail.body.places.map((p: { title: string }) => p.title).sort()).toEqual([
      'Beach hut',
      'City loft',
    ])
    expect((await t().get('/api/v1/wishlists', { token: me.token })).body).toMatchObject([
      { id, place_count: 2 },
    ])

    await t().delete(`/api/v1/wishlists/${id}/places/${beach.id}`, { token: me.token })
    const renamed = await t().put(`/api/v1/wishlists/${id}`, { name: 'Autumn' }, { token: me.token })
    expect(renamed.body).toMatchObject({ name: 'Autumn', place_count: 1, places: [{ id: city.id }] })
    expect((await t().delete(`/api/v1/wishlists/${id}`, { token: me.token })).status).toBe(200)
    expect((await t().get(`/api/v1/wishlists/${id}`, { token: me.token })).status).toBe(404)
  })

  it('keeps lists private and checks what is saved', async () => {
    const me = await t().user()
    const other = await t().user()
    const list = await t().post('/api/v1/wishlists', { name: 'Mine' }, { token: me.token })
    expect((await t().get(`/api/v1/wishlists/${list.body.id}`, { token: other.token })).status).toBe(404)
    expect((await t().delete(`/api/v1/wishlists/${list.body.id}`, { token: other.token })).status).toBe(404)
    expect((await t().get('/api/v1/wishlists')).status).toBe(401)
    expect(
      (await t().put(`/api/v1/wishlists/${list.body.id}/places/nope`, undefined, { token: me.token })).status,
    ).toBe(404)
    const empty = await t().post('/api/v1/wishlists', { name: '   ' }, { token: me.token })
    expect(empty.status).toBe(400)
    expect(empty.body.error).toBe('name must not be empty')
  })
})
