// One Redis connection per process (HBNB_REDIS_URL), shared by the cache, sessions and rate limits.
// Commands fail fast while Redis is down (no offline queue) so that callers fall back at once;
// the client reconnects in the background and the failure is logged once per interval.
import { createRequire } from 'node:module'
import type { Redis } from 'ioredis'
import type { Logger } from '../logger.js'

export type { Redis }

const require = createRequire(import.meta.url)

export function createRedis(url: string, logger?: Logger, options: { logIntervalMs?: number } = {}): Redis {
  // Loaded here, not on import: a process without Redis (the embedded default) never holds ioredis.
  const { Redis } = require('ioredis') as typeof import('ioredis')
  const redis = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  })
  const failures = new ThrottledWarning(logger, options.logIntervalMs ?? 30_000)
  redis.on('error', (error) => failures.warn(error, 'redis unavailable: falling back to the database'))
  redis.on('ready', () => failures.recovered('redis is back'))
  return redis
}

/** Logs a recurring failure once per interval, and its recovery once. */
export class ThrottledWarning {
  private lastLoggedAt = 0
  private failing = false
  private suppressed = 0

  constructor(
    private readonly logger: Logger | undefined,
    private readonly intervalMs: number,
  ) {}

  warn(error: unknown, message: string, now = Date.now()) {
    this.failing = true
    if (now - this.lastLoggedAt < this.intervalMs) {
      this.suppressed++
      return
    }
    this.logger?.warn({ err: error, suppressed: this.suppressed }, message)
    this.lastLoggedAt = now
    this.suppressed = 0
  }

  recovered(message: string) {
    if (!this.failing) return
    this.failing = false
    this.lastLoggedAt = 0
    this.logger?.info(message)
  }
}
