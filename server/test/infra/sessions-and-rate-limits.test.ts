// Both drivers of the session store and of the rate-limit store pass the same contract; the Redis
// ones against a real redis-server on loopback.
import { describe, expect, it } from 'vitest'
import { FallbackRateLimitStore } from '../../src/infra/rate-limit/fallback.js'
import { MemoryRateLimitStore } from '../../src/infra/rate-limit/memory.js'
import { RedisRateLimitStore } from '../../src/infra/rate-limit/redis.js'
import { createRedis } from '../../src/infra/redis.js'
import { MemorySessionStore } from '../../src/infra/sessions/memory.js'
import { RedisSessionStore } from '../../src/infra/sessions/redis.js'
import { startRedis } from '../helpers/processes.js'
import { rateLimitStoreContract } from './rate-limit-store-contract.js'
import { sessionStoreContract } from './session-store-contract.js'

/** Two clients on one private redis-server: two API processes sharing it. */
async function twoRedisClients() {
  const server = await startRedis()
  const [one, two] = [createRedis(server.url), createRedis(server.url)]
  await waitUntil(async () => {
    const answers = await Promise.all([one.ping(), two.ping()]).catch(() => [])
    return answers.length === 2
  })
  return {
    one,
    two,
    server,
    async close() {
      one.disconnect()
      two.disconnect()
      await server.stop()
    },
  }
}

describe('session store: memory driver', () => {
  sessionStoreContract(async () => {
    const store = new MemorySessionStore()
    return { store, peer: store, close: async () => {} }
  })
})

describe('session store: Redis driver (real redis-server on loopback)', () => {
  sessionStoreContract(async () => {
    const redis = await twoRedisClients()
    return {
      store: new RedisSessionStore(redis.one),
      peer: new RedisSessionStore(redis.two),
      close: redis.close,
    }
  })
})

describe('rate-limit store: memory driver', () => {
  rateLimitStoreContract(async () => {
    const store = new MemoryRateLimitStore()
    return { store, peer: store, close: async () => {} }
  })
})

describe('rate-limit store: Redis driver (real redis-server on loopback)', () => {
  rateLimitStoreContract(async () => {
    const redis = await twoRedisClients()
    return {
      store: new RedisRateLimitStore(redis.one),
      peer: new RedisRateLimitStore(redis.two),
      close: redis.close,
    }
  })
})

describe('rate-limit store: Redis with the per-process fallback', () => {
  it('counts in memory while Redis is down, without failing, and in Redis again once it is back', async () => {
    const redis = await twoRedisClients()
    try {
      const store = new FallbackRateLimitStore(new RedisRateLimitStore(redis.one))
      expect((await store.hit('k', 60_000)).count).toBe(1)
      await redis.server.stop()
      expect((await store.hit('k', 60_000)).count).toBe(1)
      expect((await store.hit('k', 60_000)).count).toBe(2)
      await redis.server.start()
      await waitUntil(async () => (await redis.one.ping().catch(() => '')) === 'PONG', 15_000)
      expect((await store.hit('k', 60_000)).count).toBe(1)
    } finally {
      await redis.close()
    }
  })
})

async function waitUntil(check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
