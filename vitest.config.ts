import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['server/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one file per core but one; on two cores that runs one file at a time,
    // while most files wait on processes and services (596 s against 386 s with two at a time).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
})
