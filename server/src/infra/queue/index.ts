import type { Config } from '../../config.js'
import type { Database } from '../../db/database.js'
import type { Logger } from '../../logger.js'
import { OutboxTaskQueue } from './outbox.js'
import type { TaskQueue } from './port.js'
import { RabbitTaskQueue } from './rabbitmq.js'

/** The task queue: RabbitMQ when `HBNB_AMQP_URL` is set, else the outbox table. */
export function createTaskQueue(config: Config, database: Database, logger?: Logger): TaskQueue {
  const retry = { maxAttempts: config.taskMaxAttempts, baseDelayMs: config.taskRetryDelayMs }
  return config.amqpUrl
    ? new RabbitTaskQueue(config.amqpUrl, { ...retry, prefix: config.amqpQueuePrefix, logger })
    : new OutboxTaskQueue(database, {
        ...retry,
        pollMs: config.taskPollMs,
        leaseMs: config.taskLeaseSeconds * 1000,
        logger,
      })
}
