import { describe } from 'vitest'
import { createDatabase } from '../../src/db/database.js'
import { migrateUp } from '../../src/db/migrate.js'
import { OutboxTaskQueue } from '../../src/infra/queue/outbox.js'
import { RabbitTaskQueue } from '../../src/infra/queue/rabbitmq.js'
import { AMQP_URL, MYSQL_URL, startTestApp } from '../helpers/test-app.js'
import { CONTRACT_RETRY, queueContract } from './queue-contract.js'

describe('queue port: outbox driver (SQLite)', () => {
  queueContract(async () => {
    const database = createDatabase('sqlite::memory:')
    await migrateUp(database)
    const queue = new OutboxTaskQueue(database, { ...CONTRACT_RETRY, pollMs: 20 })
    return {
      queue,
      async close() {
        await queue.close()
        await database.close()
      },
    }
  })
})

describe.runIf(MYSQL_URL)('queue port: outbox driver (MariaDB)', () => {
  queueContract(async () => {
    const app = await startTestApp('mysql')
    const queue = new OutboxTaskQueue(app.app.database, { ...CONTRACT_RETRY, pollMs: 20 })
    return {
      queue,
      async close() {
        await queue.close()
        await app.close()
      },
    }
  })
})

describe('queue port: RabbitMQ driver (real broker on loopback)', () => {
  queueContract(async () => {
    const queue = new RabbitTaskQueue(AMQP_URL, { ...CONTRACT_RETRY, prefix: 'hbnb-test.' })
    return {
      queue,
      close: () => queue.close({ deleteQueues: true }),
    }
  })
})
