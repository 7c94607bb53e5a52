import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeEachDriver, startTestApp, type TestApp } from '../helpers/test-app.js'

const dataDir = mkdtempSync(join(tmpdir(), 'hbnb-dev-outbox-'))

/** The outbox page, polled until it lists what the background email sender wrote. */
async function outboxListing(t: TestApp, text: string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const page = await t.get('/dev/outbox')
    if (page.text.includes(text)) return page
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the development outbox never listed "${text}"`)
}

describeEachDriver(
  'development outbox',
  (t) => {
    it('lists the emails and text messages the file drivers wrote, and shows each email', async () => {
      const user = await t().user({ first_name: '<b>Ada</b>' })
      await t().post('/api/v1/auth/password/forgot', { email: user.email })
      const page = await outboxListing(t(), user.email)
      expect(page.status).toBe(200)
      expect(String(page.headers['content-type'])).toMatch(/^text\/html/)
      expect(page.text).toContain('Reset your password')

      const id = page.text.match(/href="\/dev\/outbox\/mail\/([0-9a-f-]{36})"/)?.[1]
      expect(id).toBeDefined()
      const email = await t().get(`/dev/outbox/mail/${id}`)
      expect(email.status).toBe(200)
      expect(email.text).toContain(user.email)
      expect(email.text).not.toContain('<b>Ada</b>')
      expect(email.text).toContain('&lt;b&gt;Ada&lt;/b&gt;')

      const raw = await t().get(`/dev/outbox/mail/${id}/raw`)
      expect(raw.status).toBe(200)
      expect(String(raw.headers['content-type'])).toMatch(/^message\/rfc822/)
      expect(raw.text).toMatch(/^Subject: Reset your password/m)

      await t().put('/api/v1/users/me/phone', { phone: '+33612345678' }, { token: user.token })
      const withText = await outboxListing(t(), '+33612345678')
      expect(withText.text).toMatch(/Text messages \([1-9]/)
    })

    it('answers 404 in JSON for an unknown or malformed message id', async () => {
      for (const id of ['0190aaaa-0000-7000-8000-000000000000', '..%2F..%2Fetc%2Fpasswd', 'x']) {
        const response = await t().get(`/dev/outbox/mail/${id}`)
        expect(response.status).toBe(404)
        expect(response.body.error).toMatch(/development outbox/)
      }
    })
  },
  { HBNB_DATA_DIR: dataDir },
)

describe('development outbox in production', () => {
  it('does not exist', async () => {
    const app = await startTestApp('sqlite', {
      HBNB_ENV: 'production',
      HBNB_JWT_SECRET: 'a-production-secret-for-this-test-only-0123456789',
      HBNB_ADMIN_PASSWORD: 'quiet-harbour-lamp-42',
      HBNB_DATA_DIR: dataDir,
    })
    try {
      expect((await app.get('/dev/outbox')).status).toBe(404)
    } finally {
      await app.close()
    }
  })
})
