// Both pub/sub drivers pass the same contract; the Redis one against a real redis-server on loopback,
// with two handles (two processes) on it.
import { describe } from 'vitest'
import { MemoryPubSub } from '../../src/infra/pubsub/memory.js'
import { RedisPubSub } from '../../src/infra/pubsub/redis.js'
import { createRedis } from '../../src/infra/redis.js'
import { startRedis } from '../helpers/processes.js'
import { CONTRACT_REPLAY_SIZE, pubSubContract } from './pubsub-contract.js'

const limits = { size: CONTRACT_REPLAY_SIZE, seconds: 600 }

describe('pub/sub: memory driver', () => {
  pubSubContract(async () => {
    const pubsub = new MemoryPubSub(limits)
    return { pubsub, peer: pubsub, close: () => pubsub.close() }
  })
})

describe('pub/sub: Redis driver (real redis-server on loopback)', () => {
  pubSubContract(async () => {
    const server = await startRedis()
    const [one, two] = [createRedis(server.url), createRedis(server.url)]
    const pubsub = new RedisPubSub(one, server.url, limits)
    const peer = new RedisPubSub(two, server.url, limits)
    return {
      pubsub,
      peer,
      async close() {
        await pubsub.close()
        await peer.close()
        one.disconnect()
        two.disconnect()
        await server.stop()
      },
    }
  })
})
