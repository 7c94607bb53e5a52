// The cache port: a bounded store of serialized responses under versioned keys. Every entry is read
// and written under the current versions of the tags it depends on; bumping a tag makes every entry
// written under its old version unreachable at once (it then ages out), so a fill that started before
// a write can never store old data where readers look after the write.

export interface CacheRead {
  /** The versions of the tags, joined: what a fill writes under. */
  version: string
  /** The entry of the key under that version, if any. */
  value: Buffer | undefined
}

export interface CacheStore {
  /** Current versions of `tags` (a missing tag gets a fresh version) and the entry under them. */
  read(key: string, tags: readonly string[]): Promise<CacheRead>
  /** Stores `value` for `key` under `version` (from `read`) for `ttlMs`. */
  write(key: string, version: string, value: Buffer, ttlMs: number): Promise<void>
  /** Gives each tag a new version: every entry that depended on one of them is gone. */
  bump(tags: readonly string[]): Promise<void>
  /** Takes the rebuild lock of `key` at `version` for `ttlMs`; false while someone else holds it. */
  lock(key: string, version: string, ttlMs: number): Promise<boolean>
  unlock(key: string, version: string): Promise<void>
  close(): Promise<void>
}

/** Versions are unique across processes and restarts: a version is never reused, even after eviction. */
let counter = 0
const PROCESS_TAG = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`

export function freshVersion(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER
  return `${PROCESS_TAG}${counter.toString(36)}`
}
