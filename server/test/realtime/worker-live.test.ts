// `hbnb worker` publishes live events too: a real worker process (RabbitMQ, a real redis-server)
// handles the notification task of a booking request made through the API process, stores the
// host's in-app notification and publishes it; the host's WebSocket, connected to the API process,
// receives `notification.created` and the REST list shows the same notification.
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, localDate } from '../../src/dates.js'
import { TASK_NAMES } from '../../src/domain/tasks.js'
import { RabbitTaskQueue } from '../../src/infra/queue/rabbitmq.js'
import { LiveClient } from '../helpers/live-client.js'
import {
  type RedisProcess,
  startRedis,
  startWorkerProcess,
  type WorkerProcess,
} from '../helpers/processes.js'
import { AMQP_URL, MYSQL_URL, startTestApp, type TestApp } from '../helpers/test-app.js'

const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)

describe('live events from hbnb worker', () => {
  const prefix = `hbnb-test-live-${randomBytes(4).toString('hex')}.`
  const dataDir = mkdtempSync(join(tmpdir(), 'hbnb-worker-live-'))
  let redis: RedisProcess
  let t: TestApp
  let worker: WorkerProcess

  beforeAll(async () => {
    redis = await startRedis()
    const driver = MYSQL_URL ? 'mysql' : 'sqlite'
    const shared = {
      HBNB_DATA_DIR: dataDir,
      HBNB_REDIS_URL: redis.url,
      HBNB_AMQP_URL: AMQP_URL,
      HBNB_AMQP_QUEUE_PREFIX: prefix,
      HBNB_TASK_POLL_MS: '50',
    }
    t = await startTestApp(driver, {
      ...(driver === 'sqlite' ? { HBNB_DATABASE_URL: `sqlite:${join(dataDir, 'hbnb.sqlite')}` } : {}),
      ...shared,
    })
    t.app.jobs.startRelay()
    worker = await startWorkerProcess({ ...shared, HBNB_DATABASE_URL: t.app.config.databaseUrl })
  })

  afterAll(async () => {
    await worker?.stop()
    await t?.close()
    const cleanup = new RabbitTaskQueue(AMQP_URL, { prefix, maxAttempts: 3, baseDelayMs: 200 })
    for (const name of TASK_NAMES) await cleanup.depth(name)
    await cleanup.close({ deleteQueues: true })
    await redis?.stop()
  })

  it("pushes the in-app notification a worker's task stores to the host's open connection", async () => {
    const host = await t.user()
    const place = await t.place(host.token)
    const guest = await t.user()
    const live = await LiveClient.connect(t.baseUrl, { token: host.token })
    const created = await t.post(
      '/api/v1/bookings',
      { place_id: place.id, check_in: day(20), check_out: day(22), guests: 1 },
      { token: guest.token },
    )
    expect(created.status, created.text).toBe(201)
    await live.until(
      () => live.events.some((event) => event.type === 'notification.created'),
      'notification.created from the worker',
      60_000,
    )
    const pushed = live.events.find((event) => event.type === 'notification.created')!
    const notification = (pushed.data as { notification: { id: string; data: { booking_id?: string } } })
      .notification
    expect(notification.data.booking_id).toBe(created.body.id)
    const listed = await t.get('/api/v1/notifications', { token: host.token })
    expect(listed.body.map((item: { id: string }) => item.id)).toContain(notification.id)
    live.close()
  }, 90_000)
})
