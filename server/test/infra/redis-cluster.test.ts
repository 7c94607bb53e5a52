// The Redis drivers on a Redis Cluster (three primaries started by this test) and through Redis
// Sentinel: the same contract suites as on one server, keys that a script or MULTI touches in one
// slot, others spread over the nodes, and a Sentinel failover the client follows.
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { RedisCacheStore } from '../../src/infra/cache/redis.js'
import { RedisPubSub } from '../../src/infra/pubsub/redis.js'
import { RedisRateLimitStore } from '../../src/infra/rate-limit/redis.js'
import { RedisRecentWrites } from '../../src/infra/recent-writes/redis.js'
import { createRedis, type Redis } from '../../src/infra/redis.js'
import { RedisSessionStore } from '../../src/infra/sessions/redis.js'
import { parseRedisUrl } from '../../src/redis-url.js'
import {
  type RedisCluster,
  redisToolsInstalled,
  startRedisCluster,
  startRedisSentinel,
} from '../helpers/redis-cluster.js'
import { startTestApp } from '../helpers/test-app.js'
import { cacheContract } from './cache-contract.js'
import { CONTRACT_REPLAY_SIZE, pubSubContract } from './pubsub-contract.js'
import { rateLimitStoreContract } from './rate-limit-store-contract.js'
import { recentWritesContract, TTL_MS } from './recent-writes-contract.js'
import { sessionStoreContract } from './session-store-contract.js'

const IN_CI = process.env.CI === 'true'
const INSTALLED = redisToolsInstalled()
if (!INSTALLED) {
  if (IN_CI) throw new Error('redis-server and redis-cli are needed for the Redis Cluster tests (CI=true)')
  console.warn('SKIPPED: Redis Cluster and Sentinel tests: redis-server or redis-cli is not installed')
}

async function connect(url: string): Promise<Redis> {
  const client = createRedis(url)
  await once(client, 'ready')
  return client
}

describe('HBNB_REDIS_URL forms', () => {
  it('reads one server, a cluster and a sentinel set', () => {
    expect(parseRedisUrl(' redis://cache:6379/2 ')).toEqual({ kind: 'server', url: 'redis://cache:6379/2' })
    expect(parseRedisUrl('rediss+cluster://app:p%40ss@a:7000,b,[::1]:7002')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 6379 },
        { host: '::1', port: 7002 },
      ],
      username: 'app',
      password: 'p@ss',
      tls: true,
    })
    expect(parseRedisUrl('redis+sentinel://:secret@s1:26380,s2/main/3')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26380 },
        { host: 's2', port: 26379 },
      ],
      name: 'main',
      db: 3,
      password: 'secret',
      tls: false,
    })
  })

  it('is checked at start-up like every setting', () => {
    const config = loadConfig({ HBNB_REDIS_URL: 'redis+cluster://10.0.0.1:7000,10.0.0.2:7000' }, false)
    expect(config.redisUrl).toBe('redis+cluster://10.0.0.1:7000,10.0.0.2:7000')
    expect(() => loadConfig({ HBNB_REDIS_URL: 'redis+sentinel://s1:26379' }, false)).toThrow(
      /HBNB_REDIS_URL: expected/,
    )
  })

  it('refuses what it cannot use, saying what it expects', () => {
    for (const bad of [
      'http://cache:6379',
      'redis://a:1,b:2',
      'redis+cluster://a:1/2',
      'redis+sentinel://s1:26379',
      'redis+sentinel://s1:26379/main/x',
      'redis+cluster://a:99999',
    ]) {
      expect(() => parseRedisUrl(bad), bad).toThrow(/expected|database 0/)
    }
  })
})

describe.skipIf(!INSTALLED)('Redis drivers on a Redis Cluster of three primaries', () => {
  let cluster: RedisCluster
  const clients: Redis[] = []
  const client = async () => {
    const redis = await connect(cluster.url)
    clients.push(redis)
    return redis
  }
  beforeAll(async () => {
    cluster = await startRedisCluster()
  }, 60_000)
  afterAll(async () => {
    for (const redis of clients) redis.disconnect()
    await cluster?.stop()
  })

  describe('cache', () => {
    cacheContract(async () => ({
      store: new RedisCacheStore(await client(), { tagTtlMs: 3_600_000, retryMs: 50 }),
      close: async () => {},
    }))
  })

  it("serves nothing cached before a lost connection to the cache's node once it is back", async () => {
    const redis = await client()
    const store = new RedisCacheStore(redis, { tagTtlMs: 3_600_000, retryMs: 50 })
    try {
      const { version } = await store.read('outage', ['t'])
      await store.write('outage', version, Buffer.from('before'), 60_000)
      expect(String((await store.read('outage', ['t'])).value)).toBe('before')
      const slot = await cluster.cli(cluster.ports[0]!, 'CLUSTER', 'KEYSLOT', '{hbnb:cache}:epoch')
      const owners = []
      for (const port of cluster.ports) {
        if (Number(await cluster.cli(port, 'CLUSTER', 'COUNTKEYSINSLOT', slot)) > 0) owners.push(port)
      }
      expect(owners).toHaveLength(1)
      // Only that node drops its clients: the cluster itself stays up.
      await cluster.cli(owners[0]!, 'CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes')
      const deadline = Date.now() + 10_000
      let after = await store.read('outage', ['t']).catch(() => undefined)
      while (!after && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        after = await store.read('outage', ['t']).catch(() => undefined)
      }
      expect(after).toBeDefined()
      expect(after!.value).toBeUndefined()
    } finally {
      await store.close()
    }
  })

  describe('pub/sub', () => {
    const limits = { size: CONTRACT_REPLAY_SIZE, seconds: 600 }
    pubSubContract(async () => {
      const pubsub = new RedisPubSub(await client(), cluster.url, limits)
      const peer = new RedisPubSub(await client(), cluster.url, limits)
      return {
        pubsub,
        peer,
        async close() {
          await pubsub.close()
          await peer.close()
        },
      }
    })
  })

  it('tells listeners when the subscription came back after its node connection broke', async () => {
    const limits = { size: CONTRACT_REPLAY_SIZE, seconds: 600 }
    const pubsub = new RedisPubSub(await client(), cluster.url, limits)
    const publisher = new RedisPubSub(await client(), cluster.url, limits)
    const received: number[] = []
    let resumed = 0
    pubsub.subscribe((message) => received.push(message.id))
    pubsub.onResumed(() => resumed++)
    const until = async (check: () => boolean, what: string) => {
      const deadline = Date.now() + 10_000
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    try {
      await until(() => pubsub.connected(), 'subscribed')
      for (const port of cluster.ports) await cluster.cli(port, 'CLIENT', 'KILL', 'TYPE', 'pubsub')
      await until(() => resumed === 1 && pubsub.connected(), 'resumed')
      const id = await publisher.publish({ topic: 'place:resumed', type: 'test', data: {} })
      await until(() => received.includes(id), 'the event published after the break')
    } finally {
      await pubsub.close()
      await publisher.close()
    }
  })

  describe('session store', () => {
    sessionStoreContract(async () => ({
      store: new RedisSessionStore(await client()),
      peer: new RedisSessionStore(await client()),
      close: async () => {},
    }))
  })

  describe('rate-limit store', () => {
    rateLimitStoreContract(async () => ({
      store: new RedisRateLimitStore(await client()),
      peer: new RedisRateLimitStore(await client()),
      close: async () => {},
    }))
  })

  describe('recent writes', () => {
    let redis: Redis
    beforeAll(async () => {
      redis = await client()
    })
    recentWritesContract(() => new RedisRecentWrites(redis, TTL_MS))
  })

  it('serves the whole app on the cluster: ready, cache, sessions and rate limits in Redis', async () => {
    const app = await startTestApp('sqlite', { HBNB_REDIS_URL: cluster.url, HBNB_CACHE: 'redis' })
    try {
      const deadline = Date.now() + 15_000
      let readiness = await app.get('/readyz')
      while (readiness.body.status !== 'ok' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        readiness = await app.get('/readyz')
      }
      expect(readiness.body.checks.redis.status).toBe('ok')
      expect(readiness.body.checks.live_events.status).toBe('ok')

      const first = await app.get('/api/v1/amenities/')
      expect(first.status).toBe(200)
      expect((await app.get('/api/v1/amenities/')).text).toBe(first.text)
      const keys = async (pattern: string) => {
        const counts = await Promise.all(
          cluster.ports.map((port) =>
            cluster.cli(port, 'EVAL', `return #redis.call('KEYS', '${pattern}')`, '0'),
          ),
        )
        return counts.reduce((sum, count) => sum + Number(count), 0)
      }
      expect(await keys('{hbnb:cache}:e:*')).toBeGreaterThan(0)
      expect(await keys('hbnb:rate:*')).toBeGreaterThan(0)

      const token = await app.adminToken()
      expect((await app.get('/api/v1/auth/protected', { token })).status).toBe(200)
      expect(await keys('hbnb:session:*')).toBeGreaterThan(0)
      expect((await app.post('/api/v1/auth/logout-all', undefined, { token })).status).toBe(200)
      const refused = await app.get('/api/v1/auth/protected', { token })
      expect(refused.status).toBe(401)
      expect(refused.body.code).toBe('token_revoked')
    } finally {
      await app.close()
    }
  })

  it('spreads sessions and rate-limit counters over the primaries, and keeps each script in one slot', async () => {
    const redis = await client()
    const sessions = new RedisSessionStore(redis)
    const ids = Array.from({ length: 40 }, (_, n) => `spread-${n}`)
    await sessions.revoke(ids, 60_000)
    const holding = await Promise.all(
      cluster.ports.map(async (port) =>
        Number(await cluster.cli(port, 'EVAL', "return #redis.call('KEYS', 'hbnb:session:spread-*')", '0')),
      ),
    )
    expect(holding.reduce((a, b) => a + b)).toBe(40)
    expect(holding.filter((count) => count > 0).length).toBe(3)
    for (const id of ids) expect(await sessions.state(id)).toBe('revoked')

    // The keys of the cache's read script and of the publish script: one slot each.
    const slot = (key: string) => cluster.cli(cluster.ports[0]!, 'CLUSTER', 'KEYSLOT', key)
    const cacheKeys = ['{hbnb:cache}:epoch', '{hbnb:cache}:t:place:1', '{hbnb:cache}:e:detail@1.2']
    expect(new Set(await Promise.all(cacheKeys.map(slot))).size).toBe(1)
    const liveKeys = ['{hbnb:live}:id', '{hbnb:live}:log:place:1', '{hbnb:live}:start']
    expect(new Set(await Promise.all(liveKeys.map(slot))).size).toBe(1)
  })
})

describe.skipIf(!INSTALLED)('Redis drivers through Redis Sentinel', () => {
  it('follow the primary through a failover', async () => {
    const topology = await startRedisSentinel()
    const redis = await connect(topology.url)
    try {
      const sessions = new RedisSessionStore(redis)
      await sessions.revoke(['before-failover'], 60_000)
      // A server drops its clients when its role changes: a query at that moment is asked again.
      const role = async (port: number) => (await topology.cli(port, 'ROLE').catch(() => '')).split('\n')[0]
      expect(await role(topology.primary)).toBe('master')
      const replicated = Date.now() + 10_000
      while ((await topology.cli(topology.replica, 'GET', 'hbnb:session:before-failover')) !== 'revoked') {
        if (Date.now() > replicated) throw new Error('the replica did not catch up')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }

      // Sentinel refuses a failover (NOGOODSLAVE) until it has read the replica's INFO itself, which
      // it does every few seconds: ask again until it starts one.
      const deadline = Date.now() + 20_000
      for (;;) {
        const reply = await topology.cli(topology.sentinel, 'SENTINEL', 'FAILOVER', topology.name)
        if (reply === 'OK' || reply.startsWith('INPROG')) break
        if (Date.now() > deadline) throw new Error(`the sentinel would not start a failover: ${reply}`)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      while ((await role(topology.replica)) !== 'master') {
        if (Date.now() > deadline) throw new Error('the sentinel did not promote the replica')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      // The client moves to the new primary: its writes land there (a write the old primary took in
      // the moment before it was demoted is lost, as Sentinel's asynchronous replication allows).
      const landed = async () => {
        await sessions.revoke(['after-failover'], 60_000)
        return (await topology.cli(topology.replica, 'GET', 'hbnb:session:after-failover')) === 'revoked'
      }
      while (!(await landed().catch(() => false))) {
        if (Date.now() > deadline) throw new Error('no write reached the new primary')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(await sessions.state('before-failover')).toBe('revoked')
    } finally {
      redis.disconnect()
      await topology.stop()
    }
  }, 40_000)
})
