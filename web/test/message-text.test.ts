// Message text is shown as typed: plain parts, and web addresses as links (never HTML).
import { describe, expect, it } from 'vitest'
import { linkParts } from '../src/lib/links'

describe('message text', () => {
  it('cuts out http and https addresses, leaving sentence punctuation outside them', () => {
    expect(linkParts('See https://example.com/a?b=1&c=2. Or http://x.y/z), thanks')).toEqual([
      { text: 'See ' },
      { text: 'https://example.com/a?b=1&c=2', href: 'https://example.com/a?b=1&c=2' },
      { text: '. Or ' },
      { text: 'http://x.y/z', href: 'http://x.y/z' },
      { text: '), thanks' },
    ])
  })

  it('leaves markup and other schemes as text', () => {
    const text = '<a href="javascript:alert(1)">x</a> javascript:alert(1) <b>bold</b>'
    expect(linkParts(text)).toEqual([{ text }])
    expect(linkParts('')).toEqual([])
    expect(linkParts('https://only.example')).toEqual([
      { text: 'https://only.example', href: 'https://only.example' },
    ])
  })
})
