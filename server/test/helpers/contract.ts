// Assertions shared by the HTTP contract suites (see /work/shared/hbnb-api-contract.md).
import { expect } from 'vitest'
import type { Response } from './test-app.js'

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A well-formed UUID that no row has. */
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000'

/** Ids that are not UUIDs at all: the contract answers 404 for them too, never 400 or 500. */
export const MALFORMED_IDS = ['not-a-uuid', '12345', encodeURIComponent("1' OR '1'='1"), 'x'.repeat(80)]

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** An error answer: the status, the HBnB `error` key (exact when given) and our extra keys. */
export function expectError(response: Response, status: number, message?: string) {
  expect(response.status, response.text).toBe(status)
  expect(String(response.headers['content-type'])).toMatch(/^application\/json/)
  expect(typeof response.body.error, response.text).toBe('string')
  expect(response.body.error.length).toBeGreaterThan(0)
  expect(typeof response.body.code).toBe('string')
  expect(typeof response.body.request_id).toBe('string')
  expect(response.body.request_id).toBe(response.headers['x-request-id'])
  if (message !== undefined) expect(response.body.error).toBe(message)
}

/** A success answer with the given status, which never carries a password or a password hash. */
export function expectOk(response: Response, status = 200) {
  expect(response.status, response.text).toBe(status)
  expectNoPassword(response)
}

export function expectNoPassword(response: Response, ...secrets: string[]) {
  expect(response.text).not.toMatch(/password/i)
  expect(response.text).not.toMatch(/\$argon2|\$2[aby]\$/)
  for (const secret of secrets) expect(response.text).not.toContain(secret)
}

export function expectTimestamps(entity: Record<string, unknown>) {
  expect(entity.created_at).toMatch(ISO_8601)
  expect(entity.updated_at).toMatch(ISO_8601)
  expect(Number.isNaN(Date.parse(String(entity.created_at)))).toBe(false)
}

/** The `Link: <url>; rel="next"` target as a path the test app can request, or undefined. */
export function nextLink(response: Response): string | undefined {
  const link = response.headers.link
  if (link === undefined) return undefined
  const match = /^<([^>]+)>;\s*rel="next"$/.exec(String(link))
  expect(match, `unexpected Link header ${String(link)}`).not.toBeNull()
  const url = new URL(match![1]!)
  return `${url.pathname}${url.search}`
}

function decodePart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(part), 'base64url').toString('utf8'))
}

/** Decodes a JWT the way browser clients do (no verification). */
export function decodeJwt(token: string) {
  const parts = token.split('.')
  expect(parts).toHaveLength(3)
  return { header: decodePart(parts[0]), payload: decodePart(parts[1]) }
}

export const sortedIds = (items: { id: string }[]) => items.map((item) => item.id).sort()
