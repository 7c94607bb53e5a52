// The production rate-limit store: counters in Redis, shared by every API process.
import type { Redis } from '../redis.js'
import type { RateLimitHit, RateLimitStore } from './port.js'

// Increments and opens the window in one atomic step; a counter that lost its expiry gets one back.
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`

export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'hbnb:rate:',
  ) {}

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const [count, resetMs] = (await this.redis.eval(HIT, 1, this.prefix + key, windowMs)) as [number, number]
    return { count, resetMs }
  }
}
