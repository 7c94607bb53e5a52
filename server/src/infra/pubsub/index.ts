// The pub/sub driver for this process: Redis when HBNB_REDIS_URL is set, else in-process memory.
import type { Config } from '../../config.js'
import type { Logger } from '../../logger.js'
import type { Redis } from '../redis.js'
import { MemoryPubSub } from './memory.js'
import type { PubSub } from './port.js'
import { RedisPubSub } from './redis.js'

export type { PubSub, Replay, SequencedMessage, TopicMessage } from './port.js'

export function createPubSub(config: Config, redis: Redis | undefined, logger: Logger): PubSub {
  const limits = { size: config.realtimeReplaySize, seconds: config.realtimeReplaySeconds }
  if (redis && config.redisUrl) return new RedisPubSub(redis, config.redisUrl, limits, logger)
  return new MemoryPubSub(limits)
}
