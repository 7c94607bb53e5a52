// The first download has only the English messages of the app shell and the home page
// (src/i18n/en-shell.ts); the rest of en.ts comes with the first other page. So every message key
// the initial JavaScript names must be in en-shell.ts, or the home page would show a raw key until
// the rest arrives. Needs the built app (`npm run build`).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { en } from '../src/i18n/en'
import { enShell } from '../src/i18n/en-shell'
import { DIST, initialScripts } from './first-download'

const initialCode = () =>
  initialScripts()
    .map((file) => readFileSync(join(DIST, file), 'utf8'))
    .join('\n')

describe('messages of the first download', () => {
  it('has every message key the initial JavaScript names', () => {
    const code = initialCode()
    const named = (key: string) => [`'${key}'`, `"${key}"`, `\`${key}\``].some((q) => code.includes(q))
    const missing = Object.keys(en).filter((key) => {
      // Plurals are named by their base: `wishlist.count` for wishlist.count_one / _other.
      const base = key.replace(/_(zero|one|two|few|many|other)$/, '')
      return (named(key) || named(base)) && !(key in enShell)
    })
    expect(missing).toEqual([])
    // And the shell is not the whole catalog.
    expect(Object.keys(enShell).length).toBeLessThan(Object.keys(en).length / 3)
  })
})
