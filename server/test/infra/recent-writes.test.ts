// The recent-writes port (read-your-writes positions): both drivers pass the same contract.
import { afterAll, beforeAll, describe } from 'vitest'
import { MemoryRecentWrites } from '../../src/infra/recent-writes/memory.js'
import { RedisRecentWrites } from '../../src/infra/recent-writes/redis.js'
import { createRedis, type Redis } from '../../src/infra/redis.js'
import { type RedisProcess, startRedis } from '../helpers/processes.js'
import { recentWritesContract, TTL_MS } from './recent-writes-contract.js'

describe('recent writes: memory driver', () => {
  recentWritesContract(() => new MemoryRecentWrites(TTL_MS))
})

describe('recent writes: Redis driver', () => {
  let server: RedisProcess
  let redis: Redis
  beforeAll(async () => {
    server = await startRedis()
    redis = createRedis(server.url)
    await new Promise((resolve) => redis.once('ready', resolve))
  })
  afterAll(async () => {
    redis?.disconnect()
    await server?.stop()
  })

  recentWritesContract(() => new RedisRecentWrites(redis, TTL_MS))
})
