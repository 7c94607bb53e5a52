// The embedded cache driver: one process's bounded LRU map (entries and tag versions alike).
import { type CacheRead, type CacheStore, freshVersion } from './port.js'

interface Slot<T> {
  value: T
  expiresAt: number
  movedAt: number
}

/** How stale the recency order may be: a read moves its entry to the young end at most this often. */
const RECENCY_RESOLUTION_MS = 1000

/**
 * A Map in least-recently-used order (to within a second: moving an entry on every read costs more
 * than the rest of a cache hit) with a size bound and per-entry expiry.
 */
export class Lru<T> {
  private readonly map = new Map<string, Slot<T>>()

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): T | undefined {
    const slot = this.map.get(key)
    if (!slot) return undefined
    const now = this.now()
    if (slot.expiresAt <= now) {
      this.map.delete(key)
      return undefined
    }
    if (now - slot.movedAt >= RECENCY_RESOLUTION_MS) {
      slot.movedAt = now
      this.map.delete(key)
      this.map.set(key, slot)
    }
    return slot.value
  }

  set(key: string, value: T, ttlMs = Number.POSITIVE_INFINITY): void {
    this.map.delete(key)
    const now = this.now()
    this.map.set(key, { value, expiresAt: now + ttlMs, movedAt: now })
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value!)
  }

  delete(key: string): void {
    this.map.delete(key)
  }

  clear(): void {
    this.map.clear()
  }

  get size(): number {
    return this.map.size
  }
}

export class MemoryCacheStore implements CacheStore {
  private readonly entries: Lru<Buffer>
  private readonly tags: Lru<string>
  private readonly locks: Lru<true>

  constructor(maxEntries: number, now: () => number = Date.now) {
    this.entries = new Lru(maxEntries, now)
    // A forgotten tag gets a fresh version: its entries become unreachable, never stale.
    this.tags = new Lru(maxEntries, now)
    this.locks = new Lru(maxEntries, now)
  }

  async read(key: string, tags: readonly string[]): Promise<CacheRead> {
    const version = tags.map((tag) => this.versionOf(tag)).join('.')
    return { version, value: this.entries.get(`${key}@${version}`) }
  }

  async write(key: string, version: string, value: Buffer, ttlMs: number): Promise<void> {
    this.entries.set(`${key}@${version}`, value, ttlMs)
  }

  async bump(tags: readonly string[]): Promise<void> {
    for (const tag of tags) this.tags.set(tag, freshVersion())
  }

  async lock(key: string, version: string, ttlMs: number): Promise<boolean> {
    const name = `${key}@${version}`
    if (this.locks.get(name)) return false
    this.locks.set(name, true, ttlMs)
    return true
  }

  async unlock(key: string, version: string): Promise<void> {
    this.locks.delete(`${key}@${version}`)
  }

  async close(): Promise<void> {}

  private versionOf(tag: string): string {
    let version = this.tags.get(tag)
    if (version === undefined) {
      version = freshVersion()
      this.tags.set(tag, version)
    }
    return version
  }
}
