// Rate limits keep working while Redis is down: each process counts on its own in memory (limits
// then apply per process), logs that once per interval, and goes back to Redis when it answers.

import type { Logger } from '../../logger.js'
import { counter } from '../../metrics.js'
import { ThrottledWarning } from '../redis.js'
import { MemoryRateLimitStore } from './memory.js'
import type { RateLimitHit, RateLimitStore } from './port.js'

const fallbacks = counter(
  'hbnb_rate_limit_store_fallbacks_total',
  'Rate-limit checks counted in process memory because the shared store (Redis) failed',
)

export class FallbackRateLimitStore implements RateLimitStore {
  private readonly local = new MemoryRateLimitStore()
  private readonly warning: ThrottledWarning

  constructor(
    private readonly shared: RateLimitStore,
    logger?: Logger,
    logIntervalMs = 30_000,
  ) {
    this.warning = new ThrottledWarning(logger, logIntervalMs)
  }

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    try {
      const hit = await this.shared.hit(key, windowMs)
      this.warning.recovered('rate limits: the shared store answers again')
      return hit
    } catch (error) {
      fallbacks.inc()
      this.warning.warn(error, 'rate limits: the shared store (redis) failed; counting per process in memory')
      return this.local.hit(key, windowMs)
    }
  }
}
