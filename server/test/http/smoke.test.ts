import { describe, expect, it } from 'vitest'
import { ADMIN, describeEachDriver } from '../helpers/test-app.js'

describeEachDriver('smoke', (t) => {
  it('logs the seed admin in and lists the seed amenities', async () => {
    const login = await t().post('/api/v1/auth/login', { email: ADMIN.email, password: ADMIN.password })
    expect(login.status).toBe(200)
    const amenities = await t().get('/api/v1/amenities/')
    expect(amenities.body.map((a: { name: string }) => a.name).sort()).toEqual([
      'Air Conditioning',
      'Swimming Pool',
      'WiFi',
    ])
  })
})

describe('harness', () => {
  it('is loaded', () => expect(ADMIN.id).toHaveLength(36))
})
