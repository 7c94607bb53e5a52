import { expect, it } from 'vitest'
import { describeEachDriver } from '../helpers/test-app.js'

describeEachDriver('host and admin place lists', (t) => {
  it('shows hosts their places in every status, and only published ones to others', async () => {
    const host = await t().user()
    const live = await t().place(host.token, { title: 'Live' })
    const draft = await t().place(host.token, { title: 'Draft', status: 'draft' })
    const mine = await t().get('/api/v1/places/?owner_id=me', { token: host.token })
    expect(mine.status).toBe(200)
    expect(mine.body.map((p: { id: string }) => p.id).sort()).toEqual([live.id, draft.id].sort())
    expect(mine.headers['x-total-count']).toBe('2')
    const drafts = await t().get('/api/v1/places/?owner_id=me&status=draft', { token: host.token })
    expect(drafts.body.map((p: { id: string }) => p.id)).toEqual([draft.id])

    const stranger = await t().user()
    const theirs = await t().get(`/api/v1/places/?owner_id=${host.id}`, { token: stranger.token })
    expect(theirs.body.map((p: { id: string }) => p.id)).toEqual([live.id])
    expect(
      (await t().get(`/api/v1/places/?owner_id=${host.id}&status=draft`, { token: stranger.token })).status,
    ).toBe(403)
    expect((await t().get('/api/v1/places/?owner_id=me')).status).toBe(401)
    expect((await t().get('/api/v1/places/')).body.some((p: { id: string }) => p.id === draft.id)).toBe(false)
  })

  it('lets admins list places by status', async () => {
    const host = await t().user()
    const place = await t().place(host.token)
    const admin = await t().adminToken()
    await t().put(`/api/v1/places/${place.id}`, { status: 'suspended' }, { token: admin })
    const suspended = await t().get('/api/v1/places/?status=suspended', { token: admin })
    expect(suspended.body.map((p: { id: string }) => p.id)).toContain(place.id)
    expect((await t().get('/api/v1/places/?status=suspended', { token: host.token })).status).toBe(403)
    const publicList = await t().get('/api/v1/places/?limit=1000', { token: admin })
    expect(publicList.body.some((p: { id: string }) => p.id === place.id)).toBe(false)
  })
})
