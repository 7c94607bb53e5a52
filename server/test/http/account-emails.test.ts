// Email verification and password reset: single-use, expiring tokens sent through the embedded mail
// driver (.eml files under <data dir>/mail), in the user's language.
import { mkdtempSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { hashRefreshToken } from '../../src/modules/auth/tokens.js'
import { decodeHeader, decodeQuotedPrintable } from '../helpers/smtp.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'
import { waitFor } from '../infra/mail-contract.js'

const dataDir = mkdtempSync(join(tmpdir(), 'hbnb-account-emails-'))

interface Mail {
  to: string
  subject: string
  raw: string
  token: string
}

/** Every email sent to an address, oldest first. */
async function mailsTo(address: string): Promise<Mail[]> {
  const dir = join(dataDir, 'mail')
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).sort()
  const mails: Mail[] = []
  for (const name of names) {
    const file = await readFile(join(dir, name), 'utf8')
    const headers = file.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ')
    const raw = decodeQuotedPrintable(file)
    const to = /^To: (.*)$/m.exec(headers)?.[1] ?? ''
    if (to !== address) continue
    mails.push({
      to,
      subject: decodeHeader(/^Subject: (.*)$/m.exec(headers)?.[1] ?? ''),
      raw,
      token: /token=([A-Za-z0-9_-]+)/.exec(raw)?.[1] ?? '',
    })
  }
  return mails
}

async function waitForMails(address: string, count: number): Promise<Mail[]> {
  return waitFor(async () => {
    const mails = await mailsTo(address)
    return mails.length >= count ? mails : undefined
  }, `${count} email(s) to ${address}`)
}

/** Pushes a token's expiry into the past, as if its lifetime had run out. */
async function expire(t: TestApp, token: string) {
  const result = await t.app.database.write
    .updateTable('email_tokens')
    .set({ expires_at: '2000-01-01T00:00:00.000Z' })
    .where('token_hash', '=', hashRefreshToken(token))
    .executeTakeFirst()
  expect(Number(result.numUpdatedRows)).toBe(1)
}

describeEachDriver(
  'account emails',
  (t) => {
    it('verifies an email address through the emailed link, once', async () => {
      const user = await t().user()
      const before = await t().get('/api/v1/auth/me', { token: user.token })
      expect(before.body.email_verified_at).toBeNull()
      expect(before.body.locale).toBe('en')

      const requested = await t().post('/api/v1/auth/verify-email/request', undefined, { token: user.token })
      expect(requested.status).toBe(202)
      const [mail] = await waitForMails(user.email, 1)
      expect(mail!.subject).toBe('Confirm your email address')
      expect(mail!.raw).toMatch(
        /Content-Type: text\/plain[\s\S]*Please confirm that this is your email address/,
      )
      expect(mail!.raw).toMatch(
        /Content-Type: text\/html[\s\S]*<a href="http:\/\/localhost:\d+\/verify-email\?token=/,
      )
      expect(mail!.token).toMatch(/^[A-Za-z0-9_-]{43}$/)

      const stored = await t()
        .app.database.write.selectFrom('email_tokens')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute()
      expect(stored).toHaveLength(1)
      expect(stored[0]!.token_hash).toBe(hashRefreshToken(mail!.token))
      expect(JSON.stringify(stored)).not.toContain(mail!.token)

      const verified = await t().post('/api/v1/auth/verify-email', { token: mail!.token })
      expect(verified.status).toBe(200)
      const after = await t().get('/api/v1/auth/me', { token: user.token })
      expect(after.body.email_verified_at).toMatch(/^\d{4}-\d\d-\d\dT/)

      const again = await t().post('/api/v1/auth/verify-email', { token: mail!.token })
      expect(again.status).toBe(400)
      expect(again.body.code).toBe('token_used')
      expect(again.body.error).toMatch(/already used/)

      const repeat = await t().post('/api/v1/auth/verify-email/request', undefined, { token: user.token })
      expect(repeat.status).toBe(400)
      expect(repeat.body.code).toBe('email_already_verified')
    })

    it('refuses expired, unknown and unauthenticated verification', async () => {
      const user = await t().user()
      expect((await t().post('/api/v1/auth/verify-email/request')).status).toBe(401)
      await t().post('/api/v1/auth/verify-email/request', undefined, { token: user.token })
      const [mail] = await waitForMails(user.email, 1)
      await expire(t(), mail!.token)
      const expired = await t().post('/api/v1/auth/verify-email', { token: mail!.token })
      expect(expired.status).toBe(400)
      expect(expired.body.code).toBe('token_expired')
      expect(expired.body.error).toMatch(/expired/)
      const me = await t().get('/api/v1/auth/me', { token: user.token })
      expect(me.body.email_verified_at).toBeNull()

      const unknown = await t().post('/api/v1/auth/verify-email', { token: 'not-a-real-token' })
      expect(unknown.status).toBe(400)
      expect(unknown.body.code).toBe('invalid_token')
    })

    it('sends the emails in French to users who chose French', async () => {
      const user = await t().user()
      const other = await t().user()
      const forbidden = await t().put(`/api/v1/users/${user.id}`, { locale: 'fr' }, { token: other.token })
      expect(forbidden.status).toBe(403)
      const invalid = await t().put(`/api/v1/users/${user.id}`, { locale: 'de' }, { token: user.token })
      expect(invalid.status).toBe(400)
      const updated = await t().put(`/api/v1/users/${user.id}`, { locale: 'fr' }, { token: user.token })
      expect(updated.status).toBe(200)
      expect(updated.body.locale).toBe('fr')

      await t().post('/api/v1/auth/verify-email/request', undefined, { token: user.token })
      const [verify] = await waitForMails(user.email, 1)
      expect(verify!.subject).toBe('Confirmez votre adresse e-mail')
      expect(verify!.raw).toMatch(/Content-Type: text\/plain[\s\S]*Bonjour First\d+,/)
      expect(verify!.raw).toMatch(/Content-Type: text\/html[\s\S]*en ouvrant ce lien/)

      await t().post('/api/v1/auth/password/forgot', { email: user.email })
      const [, reset] = await waitForMails(user.email, 2)
      expect(reset!.subject).toBe('Réinitialisez votre mot de passe')
      expect(reset!.raw).toContain('votre mot de passe reste inchangé')
    })

    it('resets a password through the emailed link: new password works, old one and old logins do not', async () => {
      const user = await t().user()
      const session = await t().post('/api/v1/auth/login', { email: user.email, password: user.password })
      const refreshToken = session.body.refresh_token as string

      const forgot = await t().post('/api/v1/auth/password/forgot', { email: user.email.toUpperCase() })
      expect(forgot.status).toBe(202)
      const [mail] = await waitForMails(user.email, 1)
      expect(mail!.subject).toBe('Reset your password')
      expect(mail!.raw).toMatch(/Content-Type: text\/plain[\s\S]*To choose a new one, open this link/)
      expect(mail!.raw).toMatch(/Content-Type: text\/html[\s\S]*\/reset-password\?token=/)

      const tooShort = await t().post('/api/v1/auth/password/reset', {
        token: mail!.token,
        password: 'short',
      })
      expect(tooShort.status).toBe(400)
      expect(tooShort.body.code).toBe('validation_failed')

      const reset = await t().post('/api/v1/auth/password/reset', {
        token: mail!.token,
        password: 'brand-new-password',
      })
      expect(reset.status).toBe(200)

      const oldLogin = await t().post('/api/v1/auth/login', { email: user.email, password: user.password })
      expect(oldLogin.status).toBe(401)
      const newLogin = await t().post('/api/v1/auth/login', {
        email: user.email,
        password: 'brand-new-password',
      })
      expect(newLogin.status).toBe(200)
      const hash = await t()
        .app.database.write.selectFrom('users')
        .select('password_hash')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow()
      expect(hash.password_hash).toMatch(/^\$argon2id\$/)

      const refreshed = await t().post('/api/v1/auth/refresh', { refresh_token: refreshToken })
      expect(refreshed.status).toBe(401)

      const reused = await t().post('/api/v1/auth/password/reset', {
        token: mail!.token,
        password: 'another-password',
      })
      expect(reused.status).toBe(400)
      expect(reused.body.code).toBe('token_used')
      expect(
        (await t().post('/api/v1/auth/login', { email: user.email, password: 'another-password' })).status,
      ).toBe(401)
    })

    it('refuses an expired reset link and one superseded by a newer link', async () => {
      const user = await t().user()
      await t().post('/api/v1/auth/password/forgot', { email: user.email })
      const [first] = await waitForMails(user.email, 1)
      await t().post('/api/v1/auth/password/forgot', { email: user.email })
      const [, second] = await waitForMails(user.email, 2)
      expect(second!.token).not.toBe(first!.token)

      const superseded = await t().post('/api/v1/auth/password/reset', {
        token: first!.token,
        password: 'brand-new-password',
      })
      expect(superseded.status).toBe(400)
      expect(superseded.body.code).toBe('token_used')

      await expire(t(), second!.token)
      const expired = await t().post('/api/v1/auth/password/reset', {
        token: second!.token,
        password: 'brand-new-password',
      })
      expect(expired.status).toBe(400)
      expect(expired.body.code).toBe('token_expired')
      expect(expired.body.error).toMatch(/expired/)
      const login = await t().post('/api/v1/auth/login', { email: user.email, password: user.password })
      expect(login.status).toBe(200)
    })

    it('answers forgot-password for an unknown address exactly as for a known one, and sends nothing', async () => {
      const unknownAddress = `nobody-${Date.now()}@example.com`
      const user = await t().user()
      const rowsBefore = await t().app.database.write.selectFrom('email_tokens').select('id').execute()

      const unknown = await t().post('/api/v1/auth/password/forgot', { email: unknownAddress })
      const known = await t().post('/api/v1/auth/password/forgot', { email: user.email })
      expect(unknown.status).toBe(202)
      expect(unknown.text).toBe(known.text)
      expect(unknown.headers['content-type']).toBe(known.headers['content-type'])

      await waitForMails(user.email, 1)
      expect(await mailsTo(unknownAddress)).toEqual([])
      const rowsAfter = await t().app.database.write.selectFrom('email_tokens').select('id').execute()
      expect(rowsAfter.length).toBe(rowsBefore.length + 1)
    })
  },
  { HBNB_DATA_DIR: dataDir },
)

describeEachDriver(
  'account emails rate limit',
  (t) => {
    it('rate limits forgot-password like login', async () => {
      const statuses: number[] = []
      for (let i = 0; i < 3; i++) {
        statuses.push((await t().post('/api/v1/auth/password/forgot', { email: 'x@example.com' })).status)
      }
      expect(statuses).toEqual([202, 202, 429])
    })
  },
  { HBNB_DATA_DIR: dataDir, HBNB_AUTH_RATE_LIMIT: '2' },
)
