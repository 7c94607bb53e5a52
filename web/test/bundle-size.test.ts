// The JavaScript a first visit downloads before anything shows (the entry script and the chunks
// index.html preloads) stays under 100 kB gzipped: every page but the home page, and every language
// but English, is fetched when needed. Needs the built app (`npm run build`).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { DIST, initialScripts } from './first-download'

const BUDGET = 100 * 1024

describe('bundle size', () => {
  it('keeps the initial JavaScript under 100 kB gzipped', () => {
    const files = initialScripts()
    expect(files.length).toBeGreaterThan(0)
    const sizes = files.map((file) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length)
    const total = sizes.reduce((a, b) => a + b, 0)
    console.log(`initial JavaScript: ${files.join(', ')} = ${(total / 1024).toFixed(1)} kB gzipped`)
    expect(total).toBeLessThan(BUDGET)
  })
})
