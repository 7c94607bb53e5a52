// The embedded rate-limit store: counters in this process's memory.
import { ExpiringMap } from '../expiring-map.js'
import type { RateLimitHit, RateLimitStore } from './port.js'

export class MemoryRateLimitStore implements RateLimitStore {
  private readonly counters = new ExpiringMap<number>()

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const count = (this.counters.get(key) ?? 0) + 1
    if (count === 1) this.counters.set(key, count, windowMs)
    else this.counters.update(key, count)
    return { count, resetMs: this.counters.ttlMs(key) ?? windowMs }
  }
}
