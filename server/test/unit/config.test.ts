import { describe, expect, it } from 'vitest'
import { ConfigError, DEMO_JWT_SECRET, loadConfig } from '../../src/config.js'

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
      { HBNB_ENV: 'production', HBNB_JWT_SECRET: 'x'.repeat(40), HBNB_ADMIN_PASSWORD: 'a-strong-password' },
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

  it('checks that the default page size fits the maximum', () => {
    expect(problems({ HBNB_PAGE_SIZE: '50', HBNB_PAGE_SIZE_MAX: '10' })[0]).toMatch(/HBNB_PAGE_SIZE/)
  })
})
