import type { Redis } from '../redis.js'
import { MemorySessionStore } from './memory.js'
import type { SessionStore } from './port.js'
import { RedisSessionStore } from './redis.js'

/** The configured session store: Redis when `HBNB_REDIS_URL` is set (shared by all API processes), else memory. */
export function createSessionStore(redis: Redis | undefined): SessionStore {
  return redis ? new RedisSessionStore(redis) : new MemorySessionStore()
}
