import { type Gtid, gtidPosition, laterGtids, parseGtid, type RecentWrites } from './port.js'

interface Entry {
  expiresAt: number
  gtids: Map<string, Gtid>
}

const SWEEP_INTERVAL_MS = 60_000

/** Recent writes of this process's clients (one API process, or tests). */
export class MemoryRecentWrites implements RecentWrites {
  private readonly entries = new Map<string, Entry>()
  private sweptAt = 0

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async record(keys: string[], gtid: string) {
    const written = parseGtid(gtid)
    const now = this.now()
    this.sweep(now)
    for (const key of keys) {
      const known = this.live(key, now)?.gtids.values() ?? []
      this.entries.set(key, { expiresAt: now + this.ttlMs, gtids: laterGtids([...known, written]) })
    }
  }

  async lastWrite(keys: string[]) {
    const now = this.now()
    return gtidPosition(
      laterGtids(keys.flatMap((key) => [...(this.live(key, now)?.gtids.values() ?? [])])).values(),
    )
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key)
    return entry && entry.expiresAt > now ? entry : undefined
  }

  private sweep(now: number) {
    if (now - this.sweptAt < SWEEP_INTERVAL_MS) return
    this.sweptAt = now
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key)
  }
}
