import type { Logger } from '../../logger.js'
import type { Redis } from '../redis.js'
import { FallbackRateLimitStore } from './fallback.js'
import { MemoryRateLimitStore } from './memory.js'
import type { RateLimitStore } from './port.js'
import { RedisRateLimitStore } from './redis.js'

/**
 * The configured rate-limit store: Redis when `HBNB_REDIS_URL` is set (counts shared by all API
 * processes, per-process memory while Redis is down), else memory.
 */
export function createRateLimitStore(redis: Redis | undefined, logger?: Logger): RateLimitStore {
  return redis
    ? new FallbackRateLimitStore(new RedisRateLimitStore(redis), logger)
    : new MemoryRateLimitStore()
}
