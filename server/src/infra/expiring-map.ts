// A bounded in-process map whose entries expire: the memory drivers' storage (sessions, rate limits).

interface Entry<V> {
  value: V
  expiresAt: number
}

export class ExpiringMap<V> {
  private readonly entries = new Map<string, Entry<V>>()

  constructor(
    /** Above this many entries, expired ones are swept, then the oldest dropped down to 90%. */
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    return this.entry(key)?.value
  }

  /** Milliseconds until the entry expires, or undefined when there is none. */
  ttlMs(key: string): number | undefined {
    const entry = this.entry(key)
    return entry ? entry.expiresAt - this.now() : undefined
  }

  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key)
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs })
    if (this.entries.size > this.maxEntries) this.evict()
  }

  /** Replaces the value and keeps the expiry; false when there is no live entry. */
  update(key: string, value: V): boolean {
    const entry = this.entry(key)
    if (!entry) return false
    entry.value = value
    return true
  }

  private entry(key: string): Entry<V> | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry
  }

  private evict() {
    const now = this.now()
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key)
    const target = Math.floor(this.maxEntries * 0.9)
    for (const key of this.entries.keys()) {
      if (this.entries.size <= target) break
      this.entries.delete(key)
    }
  }
}
