import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ConfigError, DEMO_JWT_SECRET, loadConfig } from '../../src/config.js'

/** What `openssl rand -base64 48` prints. */
const STRONG_SECRET = randomBytes(48).toString('base64')

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, false)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe('configuration', () => {
  it('has working defaults for the embedded mode', () => {
    const config = loadConfig({}, false)
    expect(config.env).toBe('development')
    expect(config.port).toBe(8080)
    expect(config.databaseUrl).toMatch(/^sqlite:.*data\/hbnb\.sqlite$/)
    expect(config.jwtSecret).toBe(DEMO_JWT_SECRET)
    expect(config.seedDemoData).toBe(true)
    expect(config.logFormat).toBe('json')
  })

  it('honours PORT when HBNB_PORT is unset, and prefers HBNB_PORT', () => {
    expect(loadConfig({ PORT: '3000' }, false).port).toBe(3000)
    expect(loadConfig({ PORT: '3000', HBNB_PORT: '4000' }, false).port).toBe(4000)
  })

  it('names the variable and what it expects when a value is invalid', () => {
    expect(problems({ HBNB_PORT: 'abc' })).toEqual([
      'HBNB_PORT: expected an integer between 0 and 65535, got "abc"',
    ])
    expect(problems({ HBNB_ALLOW_SIGNUP: 'maybe' })[0]).toMatch(/^HBNB_ALLOW_SIGNUP: expected true or false/)
    expect(problems({ HBNB_DATABASE_URL: 'postgres://x' })[0]).toMatch(/^HBNB_DATABASE_URL: expected sqlite:/)
    expect(problems({ HBNB_LOG_LEVEL: 'loud' })[0]).toMatch(/^HBNB_LOG_LEVEL: expected one of fatal, error/)
  })

  it('reports every invalid value at once', () => {
    expect(problems({ HBNB_PORT: '-1', HBNB_PAGE_SIZE: '0' })).toHaveLength(2)
  })

  it('never shows a secret in an error', () => {
    const [problem] = problems({ HBNB_JWT_SECRET: 'short-secret' })
    expect(problem).toContain('HBNB_JWT_SECRET')
    expect(problem).not.toContain('short-secret')
  })

  it('refuses production with the demo JWT secret or the default admin password', () => {
    const found = problems({ HBNB_ENV: 'production' })
    expect(found.some((p) => p.startsWith('HBNB_JWT_SECRET'))).toBe(true)
    expect(found.some((p) => p.startsWith('HBNB_ADMIN_PASSWORD'))).toBe(true)
  })

  it('starts in production with real secrets, and with safe defaults', () => {
    const config = loadConfig(
      { HBNB_ENV: 'production', HBNB_JWT_SECRET: STRONG_SECRET, HBNB_ADMIN_PASSWORD: 'a-strong-password' },
      false,
    )
    expect(config.host).toBe('0.0.0.0')
    expect(config.seedDemoData).toBe(false)
    expect(config.corsAnyOrigin).toBe(false)
    expect(config.corsCredentialOrigins).toEqual([])
    expect(config.publicEmails).toBe(false)
    expect(config.docsPublic).toBe(false)
    expect(config.opsAllow).toEqual(['127.0.0.0/8', '::1/128'])
    expect(config.hstsMaxAgeSeconds).toBe(31_536_000)
  })

  it('keeps emails, docs and operator pages open outside production, without HSTS', () => {
    const config = loadConfig({}, false)
    expect(config.publicEmails).toBe(true)
    expect(config.docsPublic).toBe(true)
    expect(config.opsAllow).toEqual(['0.0.0.0/0', '::/0'])
    expect(config.hstsMaxAgeSeconds).toBe(0)
    expect(loadConfig({ HBNB_OPS_ALLOW: 'private, 192.0.2.7' }, false).opsAllow).toContain('192.0.2.7')
  })

  it('checks the request timeouts and the operators token, never showing the token', () => {
    expect(problems({ HBNB_HEADERS_TIMEOUT_MS: '20000', HBNB_REQUEST_TIMEOUT_MS: '10000' })[0]).toMatch(
      /^HBNB_HEADERS_TIMEOUT_MS: must not be larger than HBNB_REQUEST_TIMEOUT_MS/,
    )
    expect(problems({ HBNB_REQUEST_TIMEOUT_MS: '0' })[0]).toMatch(
      /^HBNB_REQUEST_TIMEOUT_MS: expected an integer/,
    )
    const [problem] = problems({ HBNB_OPS_TOKEN: 'too-short-token' })
    expect(problem).toMatch(/^HBNB_OPS_TOKEN: expected a token of at least 32 characters/)
    expect(problem).not.toContain('too-short-token')
  })

  it('refuses production with a low-entropy JWT secret, naming the variable and how to make one', () => {
    const production = { HBNB_ENV: 'production', HBNB_ADMIN_PASSWORD: 'a-strong-password' }
    for (const secret of [
      'x'.repeat(32),
      'ab'.repeat(24),
      '0123456789'.repeat(4),
      randomBytes(16).toString('hex'),
    ]) {
      const found = problems({ ...production, HBNB_JWT_SECRET: secret })
      expect(found).toHaveLength(1)
      expect(found[0]).toMatch(
        /^HBNB_JWT_SECRET: too predictable for production .*`openssl rand -base64 48`$/,
      )
      expect(found[0]).not.toContain(secret)
      expect(found[0]).not.toContain('\n')
    }
    for (const secret of [
      STRONG_SECRET,
      randomBytes(32).toString('hex'),
      randomBytes(24).toString('base64'),
    ]) {
      expect(problems({ ...production, HBNB_JWT_SECRET: secret })).toEqual([])
    }
    // Development and tests keep whatever secret they are given.
    expect(problems({ HBNB_JWT_SECRET: 'x'.repeat(32) })).toEqual([])
  })

  it('refuses production with a weak admin password: common, leaked or made of the email', () => {
    const production = { HBNB_ENV: 'production', HBNB_JWT_SECRET: STRONG_SECRET }
    for (const password of [
      '12345678',
      'password123',
      'qwertyuiop',
      'Dragon2024!',
      'admin@hbnb.io!',
      'my-admin-pw',
    ]) {
      const found = problems({ ...production, HBNB_ADMIN_PASSWORD: password })
      expect(found, password).toHaveLength(1)
      expect(found[0]).toMatch(
        /^HBNB_ADMIN_PASSWORD: too weak for production \(password .*`openssl rand -base64 48`$/,
      )
      expect(found[0]).not.toContain(password)
    }
    expect(problems({ ...production, HBNB_ADMIN_PASSWORD: 'correct horse battery staple' })).toEqual([])
    expect(problems({ HBNB_ADMIN_PASSWORD: '12345678' })).toEqual([])
  })

  it('exempts loopback from the authentication limits in development only', () => {
    expect(loadConfig({}, false).authRateLimitAllow).toEqual(
      loadConfig({ HBNB_AUTH_RATE_LIMIT_ALLOW: 'loopback' }, false).authRateLimitAllow,
    )
    expect(loadConfig({}, false).authRateLimitAllow).toContain('127.0.0.0/8')
    expect(loadConfig({ HBNB_ENV: 'test' }, false).authRateLimitAllow).toEqual([])
    const production = {
      HBNB_ENV: 'production',
      HBNB_JWT_SECRET: STRONG_SECRET,
      HBNB_ADMIN_PASSWORD: 'a-strong-password',
    }
    expect(loadConfig(production, false).authRateLimitAllow).toEqual([])
    expect(loadConfig({ HBNB_AUTH_RATE_LIMIT_ALLOW: 'none' }, false).authRateLimitAllow).toEqual([])
  })

  it('applies the password policy to admin-set passwords in production only, unless told', () => {
    expect(loadConfig({}, false).passwordPolicy).toBe('self-service')
    const production = {
      HBNB_ENV: 'production',
      HBNB_JWT_SECRET: STRONG_SECRET,
      HBNB_ADMIN_PASSWORD: 'a-strong-password',
    }
    expect(loadConfig(production, false).passwordPolicy).toBe('all')
    expect(loadConfig({ HBNB_PASSWORD_POLICY: 'all' }, false).passwordPolicy).toBe('all')
    expect(problems({ HBNB_PASSWORD_POLICY: 'some' })[0]).toMatch(
      /^HBNB_PASSWORD_POLICY: expected one of all, self-service/,
    )
  })

  it('checks that the default page size fits the maximum', () => {
    expect(problems({ HBNB_PAGE_SIZE: '50', HBNB_PAGE_SIZE_MAX: '10' })[0]).toMatch(/HBNB_PAGE_SIZE/)
  })
})
