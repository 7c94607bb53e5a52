// The cache driver chosen once from the configuration: Redis when HBNB_REDIS_URL is set (shared by
// every process), else a bounded in-process LRU; HBNB_CACHE=off builds every response.
import type { Config } from '../../config.js'
import type { Logger } from '../../logger.js'
import type { Redis } from '../redis.js'
import { MemoryCacheStore } from './memory.js'
import type { CacheStore } from './port.js'
import { RedisCacheStore } from './redis.js'
import { ResponseCache } from './response-cache.js'

const HOUR_MS = 3_600_000
/** Leases on memory entries: they only bound how far past its TTL an entry may be answered. */
const LOCAL_LEASE_MS = 1000

export function createCacheStore(config: Config, redis: Redis | undefined): CacheStore | undefined {
  const driver = config.cache === 'auto' ? (redis ? 'redis' : 'memory') : config.cache
  if (driver === 'off') return undefined
  if (driver === 'memory') return new MemoryCacheStore(config.cacheMaxEntries)
  if (!redis) throw new Error('HBNB_CACHE=redis needs HBNB_REDIS_URL')
  const longestTtlMs = Math.max(config.cacheTtlSeconds, config.cacheSearchTtlSeconds) * 1000
  return new RedisCacheStore(redis, { tagTtlMs: Math.max(HOUR_MS, 2 * longestTtlMs) })
}

export function createResponseCache(config: Config, redis: Redis | undefined, logger?: Logger) {
  const store = createCacheStore(config, redis)
  const shared = store instanceof RedisCacheStore
  return new ResponseCache(store, {
    ttlMs: config.cacheTtlSeconds * 1000,
    lockWaitMs: config.cacheLockWaitMs,
    // Only this process writes to its memory store, and its writes end its leases at once.
    leaseMs: shared ? config.cacheLeaseMs : LOCAL_LEASE_MS,
    shared,
    logger,
  })
}

export {
  type CachedResponse,
  type CacheEntry,
  ResponseCache,
  type Serialize,
  toResponse,
} from './response-cache.js'
