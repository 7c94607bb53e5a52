// The JavaScript a first visit downloads before anything shows (the entry script and the chunks
// index.html preloads) stays under 100 kB gzipped: every page but the home page, and every language
// but English, is fetched when needed. Needs the built app (`npm run build`).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

const DIST = fileURLToPath(new URL('../dist/', import.meta.url))
const BUDGET = 100 * 1024

function initialScripts(): string[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8')
  const scripts = [...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g)].map((m) => m[1] as string)
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+\.js)"/g)].map(
    (m) => m[1] as string,
  )
  return [...new Set([...scripts, ...preloads])]
}

describe('bundle size', () => {
  // Without a build there is nothing to measure; CI always builds first, so there it must run.
  it.skipIf(!existsSync(join(DIST, 'index.html')) && process.env.CI !== 'true')(
    'keeps the initial JavaScript under 100 kB gzipped',
    () => {
      const files = initialScripts()
      expect(files.length).toBeGreaterThan(0)
      const sizes = files.map((file) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length)
      const total = sizes.reduce((a, b) => a + b, 0)
      console.log(`initial JavaScript: ${files.join(', ')} = ${(total / 1024).toFixed(1)} kB gzipped`)
      expect(total).toBeLessThan(BUDGET)
    },
  )
})
