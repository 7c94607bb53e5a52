import { describe, expect, it } from 'vitest'
import { uuidv7 } from '../../src/ids.js'

describe('uuidv7', () => {
  it('makes RFC 9562 version 7 ids that sort by creation, even within one millisecond', () => {
    const ids = Array.from({ length: 2000 }, () => uuidv7())
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('encodes the time in the first 48 bits', () => {
    const later = Date.now() + 86_400_000
    const id = uuidv7(later)
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(later)
  })
})
