// The first download has only the English messages of the app shell and the home page
// (src/i18n/en-shell.ts); the rest of en.ts comes with the first other page. So every message key
// the initial JavaScript names must be in en-shell.ts, or the home page would show a raw key until
// the rest arrives. Needs the built app (`npm run build`).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { en } from '../src/i18n/en'
import { enShell } from '../src/i18n/en-shell'

const DIST = fileURLToPath(new URL('../dist/', import.meta.url))

function initialCode(): string {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8')
  const files = [
    ...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+\.js)"/g),
  ].map((m) => m[1] as string)
  return files.map((file) => readFileSync(join(DIST, file), 'utf8')).join('\n')
}

describe('messages of the first download', () => {
  it.skipIf(!existsSync(join(DIST, 'index.html')) && process.env.CI !== 'true')(
    'has every message key the initial JavaScript names',
    () => {
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
    },
  )
})
