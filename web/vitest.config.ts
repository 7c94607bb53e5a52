import { defineConfig } from 'vitest/config'

// The web client's checks: generated API types up to date, bundle budget, and the end-to-end
// flows in a real browser (Debian's chromium) against the real server.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
