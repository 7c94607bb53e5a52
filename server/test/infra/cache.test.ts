import { once } from 'node:events'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { MemoryCacheStore } from '../../src/infra/cache/memory.js'
import { RedisCacheStore } from '../../src/infra/cache/redis.js'
import { decodeEntry, encodeEntry, ResponseCache, toResponse } from '../../src/infra/cache/response-cache.js'
import { createRedis } from '../../src/infra/redis.js'
import { type RedisProcess, startRedis } from '../helpers/processes.js'
import { cacheContract } from './cache-contract.js'

describe('cache port: memory driver', () => {
  cacheContract(async () => ({ store: new MemoryCacheStore(1000), close: async () => {} }))

  it('stays within its size bound, dropping the least recently used entries first', async () => {
    let now = 0
    const store = new MemoryCacheStore(10, () => now)
    const versions: string[] = []
    for (let i = 0; i < 10; i++) {
      const { version } = await store.read(`k${i}`, ['t'])
      versions.push(version)
      await store.write(`k${i}`, version, Buffer.from(String(i)), 60_000)
    }
    now += 1000 // recency is kept to the second
    await store.read('k0', ['t']) // k0 is now the most recently used
    await store.write('k10', versions[0]!, Buffer.from('10'), 60_000)
    expect(String((await store.read('k0', ['t'])).value)).toBe('0')
    expect((await store.read('k1', ['t'])).value).toBeUndefined()
  })
})

describe('cache port: Redis driver (real redis-server on loopback)', () => {
  let server: RedisProcess
  let redis: ReturnType<typeof createRedis>
  beforeAll(async () => {
    server = await startRedis()
  })
  afterAll(async () => {
    await server?.stop()
  })

  cacheContract(async () => {
    redis = await connect(server.url)
    return {
      store: new RedisCacheStore(redis, { tagTtlMs: 3_600_000, retryMs: 50 }),
      close: async () => redis.disconnect(),
    }
  })

  it('serves nothing written before a lost connection once it is back (the epoch is renewed)', async () => {
    const client = await connect(server.url)
    const store = new RedisCacheStore(client, { tagTtlMs: 3_600_000, retryMs: 50 })
    try {
      const { version } = await store.read('outage', ['t'])
      await store.write('outage', version, Buffer.from('before'), 60_000)
      expect(String((await store.read('outage', ['t'])).value)).toBe('before')
      const admin = new Redis(server.url)
      const id = await client.client('ID')
      await admin.client('KILL', 'ID', String(id))
      admin.disconnect()
      await waitUntil(async () => (await client.ping().catch(() => '')) === 'PONG')
      expect((await store.read('outage', ['t'])).value).toBeUndefined()
    } finally {
      await store.close()
      client.disconnect()
    }
  })

  it('fails fast while Redis is down and works again when it is back', async () => {
    const client = await connect(server.url)
    const store = new RedisCacheStore(client, { tagTtlMs: 3_600_000, retryMs: 50 })
    try {
      await store.read('down', ['t'])
      await server.stop()
      const started = Date.now()
      await expect(store.read('down', ['t'])).rejects.toThrow()
      await expect(store.bump(['t'])).rejects.toThrow()
      expect(Date.now() - started).toBeLessThan(1000)
      await server.start()
      await waitUntil(async () => (await client.ping().catch(() => '')) === 'PONG')
      const { version } = await store.read('down', ['t'])
      await store.write('down', version, Buffer.from('again'), 60_000)
      expect(String((await store.read('down', ['t'])).value)).toBe('again')
    } finally {
      await store.close()
      client.disconnect()
    }
  })
})

describe('response cache', () => {
  it('encodes an entry so that a hit needs no parsing of the body', () => {
    const response = toResponse({ value: [{ a: 'é ü' }], total: 12, next: 'abc_-' })
    const decoded = decodeEntry(encodeEntry(response))
    expect(decoded.etag).toBe(response.etag)
    expect(decoded.total).toBe(12)
    expect(decoded.next).toBe('abc_-')
    expect(decoded.body.toString()).toBe('[{"a":"é ü"}]')
    const bare = decodeEntry(encodeEntry(toResponse({ value: { x: 1 } })))
    expect(bare.total).toBeUndefined()
    expect(bare.next).toBeUndefined()
  })

  it('builds an entry once for concurrent misses (single flight) and serves it afterwards', async () => {
    const cache = new ResponseCache(new MemoryCacheStore(100), { ttlMs: 60_000, lockWaitMs: 200 })
    let builds = 0
    const build = async () => {
      builds++
      await new Promise((resolve) => setTimeout(resolve, 30))
      return { value: { n: builds } }
    }
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.get('t', 'k', ['x'], build)))
    expect(builds).toBe(1)
    expect(new Set(answers.map((a) => a.body.toString()))).toEqual(new Set(['{"n":1}']))
    await cache.get('t', 'k', ['x'], build)
    expect(builds).toBe(1)
    await cache.invalidate(['x'])
    expect((await cache.get('t', 'k', ['x'], build)).body.toString()).toBe('{"n":2}')
  })

  it("ends the memory cache's leases at its own writes, also those of reads racing the write", async () => {
    const cache = new ResponseCache(new MemoryCacheStore(100), {
      ttlMs: 60_000,
      lockWaitMs: 100,
      leaseMs: 60_000,
    })
    let value = 'a'
    const build = async () => ({ value })
    await cache.get('t', 'k', ['x'], build)
    expect((await cache.get('t', 'k', ['x'], build)).body.toString()).toBe('"a"')
    const racing = [cache.get('t', 'k', ['x'], build), cache.peek({ name: 't', key: 'k', tags: ['x'] })]
    value = 'b'
    await cache.invalidate(['x'])
    await Promise.all(racing)
    expect((await cache.peek({ name: 't', key: 'k', tags: ['x'] }))?.body.toString()).toBeUndefined()
    expect((await cache.get('t', 'k', ['x'], build)).body.toString()).toBe('"b"')
    expect((await cache.peek({ name: 't', key: 'k', tags: ['x'] }))?.body.toString()).toBe('"b"')
  })

  it('waits for a rebuild another process holds the lock of, instead of rebuilding too', async () => {
    const server = await startRedis()
    const [a, b] = [await connect(server.url), await connect(server.url)]
    const options = { ttlMs: 60_000, lockWaitMs: 2000 }
    const caches = [
      new ResponseCache(new RedisCacheStore(a, { tagTtlMs: 3_600_000 }), options),
      new ResponseCache(new RedisCacheStore(b, { tagTtlMs: 3_600_000 }), options),
    ]
    let builds = 0
    const build = async () => {
      builds++
      await new Promise((resolve) => setTimeout(resolve, 100))
      return { value: 'once' }
    }
    try {
      const answers = await Promise.all(
        caches.flatMap((cache) => [1, 2, 3].map(() => cache.get('t', 'k', [], build))),
      )
      expect(builds).toBe(1)
      expect(answers.every((answer) => answer.body.toString() === '"once"')).toBe(true)
    } finally {
      a.disconnect()
      b.disconnect()
      await server.stop()
    }
  })

  it('answers from a lease without asking Redis, and a write returns only once every lease before it ended', async () => {
    const server = await startRedis()
    const [a, b] = [await connect(server.url), await connect(server.url)]
    const leaseMs = 300
    const options = { ttlMs: 60_000, lockWaitMs: 500, leaseMs, shared: true }
    const storeB = new RedisCacheStore(b, { tagTtlMs: 3_600_000 })
    const writer = new ResponseCache(new RedisCacheStore(a, { tagTtlMs: 3_600_000 }), options)
    const reader = new ResponseCache(storeB, options)
    let value = 'first'
    const build = async () => ({ value })
    const entry = { name: 't', key: 'leased', tags: ['x'] }
    try {
      expect((await reader.get('t', 'leased', ['x'], build)).body.toString()).toBe('"first"')
      const reads = vi.spyOn(storeB, 'read')
      expect((await reader.get('t', 'leased', ['x'], build)).body.toString()).toBe('"first"')
      expect((await reader.peek(entry))?.body.toString()).toBe('"first"')
      const askedRedis = reads.mock.calls.length
      expect((await reader.peek(entry))?.body.toString()).toBe('"first"')
      expect(reads.mock.calls.length).toBe(askedRedis) // within the lease: no round trip

      value = 'second'
      const started = performance.now()
      await writer.invalidate(['x'])
      expect(performance.now() - started).toBeGreaterThanOrEqual(leaseMs - 1)
      // The write has returned: no process may answer with what it leased before it.
      expect(await reader.peek(entry)).toBeUndefined()
      expect((await reader.get('t', 'leased', ['x'], build)).body.toString()).toBe('"second"')
    } finally {
      vi.restoreAllMocks()
      a.disconnect()
      b.disconnect()
      await server.stop()
    }
  })

  it('builds from the source when the store fails', async () => {
    const server = await startRedis()
    const client = await connect(server.url)
    const cache = new ResponseCache(new RedisCacheStore(client, { tagTtlMs: 3_600_000 }), {
      ttlMs: 60_000,
      lockWaitMs: 100,
    })
    try {
      await server.stop()
      const answer = await cache.get('t', 'k', ['x'], async () => ({ value: 'from the database' }))
      expect(answer.body.toString()).toBe('"from the database"')
      await cache.invalidate(['x'])
    } finally {
      client.disconnect()
    }
  })
})

/** A client of the app's kind (no offline queue), once it is connected. */
async function connect(url: string) {
  const client = createRedis(url)
  await once(client, 'ready')
  return client
}

async function waitUntil(check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
