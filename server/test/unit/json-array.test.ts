// Lists are encoded item by item into one growing buffer (http/json-array.ts): the bytes must be
// exactly those of JSON.stringify, whatever the sizes and characters of the items.
import { describe, expect, it } from 'vitest'
import { jsonArrayBytes } from '../../src/http/json-array.js'

const asJson = (items: unknown[]) => jsonArrayBytes(items, (item) => JSON.stringify(item))

describe('jsonArrayBytes', () => {
  it('encodes empty, single and many-item lists as JSON.stringify does', () => {
    for (const items of [[], [{ a: 1 }], [1, 2, 3], [{ title: 'plain' }, { title: 'plain too' }]]) {
      expect(asJson(items).toString()).toBe(JSON.stringify(items))
    }
  })

  it('encodes non-ASCII text (two-byte strings, surrogate pairs) as UTF-8', () => {
    const items = [{ t: 'Artist’s room' }, { t: 'Café' }, { t: 'Ферма 🏡' }, { t: '民宿' }, { t: 'x' }]
    expect(asJson(items).equals(Buffer.from(JSON.stringify(items)))).toBe(true)
  })

  it('grows past its first guess when later items are much longer', () => {
    const items = [{ t: 'a' }, ...Array.from({ length: 50 }, (_, i) => ({ t: '’'.repeat(1000 + i) }))]
    const bytes = asJson(items)
    expect(bytes.equals(Buffer.from(JSON.stringify(items)))).toBe(true)
    expect(JSON.parse(bytes.toString())).toEqual(items)
  })
})
