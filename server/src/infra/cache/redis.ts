// The production cache driver: entries and tag versions in Redis, shared by every process. A hit is
// one round trip: a script reads the tag versions and the entry under them together. Every key has
// the {hbnb:cache} hash tag, so that on a Redis Cluster they all live in one slot (one shard).
//
// While Redis is unreachable, writes cannot bump tags there. So after any disconnect or failed bump
// this process gives the global epoch (a tag of every entry) a new version before it reads from Redis
// again, and retries that until it succeeds: no entry written before the outage is served after it.
import type { Redis } from '../redis.js'
import { type CacheRead, type CacheStore, freshVersion } from './port.js'

const READ_SCRIPT = `
local parts = {}
for i, tag in ipairs(KEYS) do
  local version = redis.call('GET', tag)
  if not version then
    version = ARGV[2] .. '-' .. i
    if i == 1 then
      redis.call('SET', tag, version)
    else
      redis.call('SET', tag, version, 'PX', ARGV[3])
    end
  end
  parts[i] = version
end
local version = table.concat(parts, '.')
return {version, redis.call('GET', ARGV[1] .. version)}
`

interface ScriptClient {
  hbnbCacheReadBuffer(keyCount: number, ...args: (string | number)[]): Promise<[Buffer, Buffer | null]>
}

export interface RedisCacheOptions {
  /**
   * Key prefix of everything the cache stores. A read script touches the epoch, the tags and the entry
   * together: on a Redis Cluster the prefix must hold a {hash tag} so that they share a slot.
   */
  prefix?: string
  /** How long a tag version lives (longer than any entry). */
  tagTtlMs: number
  /** Delay between attempts to renew the epoch after a failure. */
  retryMs?: number
}

export class RedisCacheStore implements CacheStore {
  private readonly prefix: string
  private readonly epochKey: string
  private stale = false
  private resync: Promise<void> | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private closed = false
  private readonly onClose = () => this.markStale()

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisCacheOptions,
  ) {
    this.prefix = options.prefix ?? '{hbnb:cache}:'
    this.epochKey = `${this.prefix}epoch`
    if (!('hbnbCacheReadBuffer' in redis)) redis.defineCommand('hbnbCacheRead', { lua: READ_SCRIPT })
    redis.on('close', this.onClose)
    // On a Redis Cluster, the connection to one node can close while the cluster stays up.
    redis.on('-node', this.onClose)
  }

  async read(key: string, tags: readonly string[]): Promise<CacheRead> {
    if (this.stale) await this.renewEpoch()
    const keys = [this.epochKey, ...tags.map((tag) => `${this.prefix}t:${tag}`)]
    const [version, value] = await (this.redis as unknown as ScriptClient).hbnbCacheReadBuffer(
      keys.length,
      ...keys,
      this.entryKey(key, ''),
      freshVersion(),
      this.options.tagTtlMs,
    )
    return { version: version.toString(), value: value ?? undefined }
  }

  async write(key: string, version: string, value: Buffer, ttlMs: number): Promise<void> {
    await this.redis.set(this.entryKey(key, version), value, 'PX', ttlMs)
  }

  async bump(tags: readonly string[]): Promise<void> {
    try {
      const batch = this.redis.multi()
      for (const tag of tags) batch.set(`${this.prefix}t:${tag}`, freshVersion(), 'PX', this.options.tagTtlMs)
      const results = await batch.exec()
      const failed = results?.find(([error]) => error)
      if (!results || failed) throw failed?.[0] ?? new Error('cache invalidation was not applied')
    } catch (error) {
      this.markStale()
      throw error
    }
  }

  async lock(key: string, version: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}l:${key}@${version}`, '1', 'PX', ttlMs, 'NX')) === 'OK'
  }

  async unlock(key: string, version: string): Promise<void> {
    await this.redis.del(`${this.prefix}l:${key}@${version}`)
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.retryTimer)
    this.redis.off('close', this.onClose)
    this.redis.off('-node', this.onClose)
  }

  private entryKey(key: string, version: string): string {
    return `${this.prefix}e:${key}@${version}`
  }

  /** Something may have changed unseen: renew the epoch before the next read, retrying until it works. */
  private markStale() {
    if (this.closed) return
    this.stale = true
    if (this.retryTimer) return
    const retry = () => {
      this.retryTimer = undefined
      if (!this.stale || this.closed) return
      this.renewEpoch().catch(() => {
        this.retryTimer = setTimeout(retry, this.options.retryMs ?? 500)
        this.retryTimer.unref()
      })
    }
    this.retryTimer = setTimeout(retry, this.options.retryMs ?? 500)
    this.retryTimer.unref()
  }

  private renewEpoch(): Promise<void> {
    this.resync ??= (async () => {
      this.stale = false
      try {
        await this.redis.set(this.epochKey, freshVersion())
      } catch (error) {
        this.stale = true
        throw error
      } finally {
        this.resync = undefined
      }
    })()
    return this.resync
  }
}
