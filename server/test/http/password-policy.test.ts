// The password policy: at least 8 characters, not a common or leaked password, not containing the
// account's email or its name part. Sign-up and password reset always apply it; the HBnB admin
// endpoints apply it with HBNB_PASSWORD_POLICY=all (the production default) and otherwise take any
// non-empty password, as HBnB clients and their test suites expect.
import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import { expectError, expectOk } from '../helpers/contract.js'
import { describeEachDriver, type Response, type TestApp } from '../helpers/test-app.js'

const uniqueEmail = (local = 'policy') => `${local}-${randomBytes(4).toString('hex')}@example.com`

const newUser = (overrides: Record<string, unknown> = {}) => ({
  first_name: 'Pass',
  last_name: 'Word',
  email: uniqueEmail(),
  password: 'tidy-lantern-crossing',
  ...overrides,
})

/** Refused with the policy's code and a message saying what to do; nothing was changed. */
function expectRefused(response: Response, code: string) {
  expectError(response, 400)
  expect(response.body.code, response.text).toBe(code)
  expect(response.body.error).toMatch(/choose another one/)
}

/** Weak passwords for an account with this email, each with the code that refuses it. */
function weakPasswords(email: string): [string, string][] {
  const local = email.split('@')[0]!
  return [
    ['12345678', 'password_too_common'],
    ['Password123', 'password_too_common'],
    ['qwertyuiop', 'password_too_common'],
    ['sunshine2024!', 'password_too_common'],
    [`${local}-99`, 'password_contains_email'],
    [`my ${email.toUpperCase()}`, 'password_contains_email'],
  ]
}

function selfServiceSuite(t: () => TestApp) {
  it('sign-up refuses common, leaked and email-based passwords with a stable code', async () => {
    const email = uniqueEmail('marguerite')
    for (const [password, code] of weakPasswords(email)) {
      expectRefused(await t().post('/api/v1/auth/register', newUser({ email, password })), code)
    }
    const short = await t().post('/api/v1/auth/register', newUser({ email, password: 'Xk3#a' }))
    expectError(short, 400, 'password must be at least 8 characters')
    expect(short.body.code).toBe('validation_failed')
    // Nothing was created: the address is still free.
    expectOk(await t().post('/api/v1/auth/register', newUser({ email })), 201)
  })

  it('password reset refuses them too, and the link stays usable', async () => {
    const user = await t().user({ email: uniqueEmail('bartholomew'), password: 'tidy-lantern-crossing' })
    const token = await t().passwordResetToken(user)
    for (const [password, code] of weakPasswords(user.email)) {
      expectRefused(await t().post('/api/v1/auth/password/reset', { token, password }), code)
    }
    const reset = await t().post('/api/v1/auth/password/reset', { token, password: 'quiet-harbour-lamp' })
    expect(reset.status, reset.text).toBe(200)
    expect(await t().login(user.email, 'quiet-harbour-lamp')).toBeTruthy()
  })
}

describeEachDriver('password policy (self-service, the development default)', (t) => {
  selfServiceSuite(t)

  it('the HBnB admin endpoints keep taking any non-empty password', async () => {
    const admin = await t().adminToken()
    const created = await t().post('/api/v1/users/', newUser({ password: '123' }), { token: admin })
    expectOk(created, 201)
    expect(await t().login(created.body.email, '123')).toBeTruthy()
    expectOk(await t().put(`/api/v1/users/${created.body.id}`, { password: 'password' }, { token: admin }))
    expect(await t().login(created.body.email, 'password')).toBeTruthy()
  })
})

describeEachDriver(
  'password policy (all)',
  (t) => {
    selfServiceSuite(t)

    it('applies to users an admin creates and to passwords an admin sets', async () => {
      const admin = await t().adminToken()
      const email = uniqueEmail('clementine')
      for (const [password, code] of weakPasswords(email)) {
        expectRefused(await t().post('/api/v1/users/', newUser({ email, password }), { token: admin }), code)
      }
      expectError(
        await t().post('/api/v1/users/', newUser({ email, password: '123' }), { token: admin }),
        400,
      )
      const created = await t().post('/api/v1/users/', newUser({ email }), { token: admin })
      expectOk(created, 201)
      for (const [password, code] of weakPasswords(email)) {
        expectRefused(await t().put(`/api/v1/users/${created.body.id}`, { password }, { token: admin }), code)
      }
      // The old password still works: nothing was changed.
      expect(await t().login(email, 'tidy-lantern-crossing')).toBeTruthy()
      // A new email counts: the password may not contain the address it is set with.
      const renamed = uniqueEmail('ferdinand')
      expectRefused(
        await t().put(
          `/api/v1/users/${created.body.id}`,
          { email: renamed, password: `${renamed.split('@')[0]}!` },
          { token: admin },
        ),
        'password_contains_email',
      )
      expectOk(
        await t().put(
          `/api/v1/users/${created.body.id}`,
          { password: 'amber-kettle-song' },
          { token: admin },
        ),
      )
      expect(await t().login(email, 'amber-kettle-song')).toBeTruthy()
    })
  },
  { HBNB_PASSWORD_POLICY: 'all' },
)
