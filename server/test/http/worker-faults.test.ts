// Background tasks under faults, with real processes: `hbnb worker` (server/dist) consuming the real
// RabbitMQ on loopback, emails sent to a real SMTP server (smtp-server), the `hbnb jobs` CLI.
// RabbitMQ is shared with other test runs: it is never stopped; its connection is cut through a
// TCP proxy, and every queue name carries this run's own prefix.
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, localDate } from '../../src/dates.js'
import { bookingNotification, TASK_NAMES } from '../../src/domain/tasks.js'
import { RabbitTaskQueue } from '../../src/infra/queue/rabbitmq.js'
import { runHbnb, startWorkerProcess, type WorkerProcess } from '../helpers/processes.js'
import { type SmtpTestServer, startSmtpServer } from '../helpers/smtp.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import { AMQP_URL, MYSQL_URL, startTestApp, type TestApp } from '../helpers/test-app.js'
import { waitFor } from '../infra/mail-contract.js'

const EMAIL_WAIT_MS = 60_000
const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)
const amqp = new URL(AMQP_URL)

/** Waits for a line of a worker's log: its stdout pipe can lag behind what its /metrics says. */
const waitForLog = (worker: WorkerProcess, line: string) =>
  waitFor(
    async () => (worker.output.join('').includes(line) ? true : undefined),
    `"${line}" in the worker's log`,
  )

describe('background tasks under faults (RabbitMQ, SMTP and hbnb worker processes)', () => {
  const prefix = `hbnb-test-faults-${randomBytes(4).toString('hex')}.`
  const dataDir = mkdtempSync(join(tmpdir(), 'hbnb-faults-'))
  let t: TestApp
  let proxy: TcpProxy
  let smtp: SmtpTestServer
  let proxiedAmqpUrl: string
  const workers: WorkerProcess[] = []
  let nextStay = 10

  /** The settings of every process of this suite: one database, queues of this run, the SMTP server. */
  const sharedEnv = () => ({
    HBNB_DATABASE_URL: t.app.config.databaseUrl,
    HBNB_DATA_DIR: dataDir,
    HBNB_AMQP_URL: AMQP_URL,
    HBNB_AMQP_QUEUE_PREFIX: prefix,
    HBNB_SMTP_URL: smtp.url,
    HBNB_TASK_POLL_MS: '50',
    HBNB_TASK_MAX_ATTEMPTS: '3',
    HBNB_TASK_RETRY_DELAY_MS: '200',
  })

  /** Stops the workers of earlier tests, so only this test's workers take its tasks. */
  async function stopWorkers() {
    for (const worker of workers.splice(0)) await worker.stop()
  }

  async function startWorker(env: Record<string, string> = {}) {
    const worker = await startWorkerProcess({ ...sharedEnv(), ...env })
    workers.push(worker)
    return worker
  }

  beforeAll(async () => {
    smtp = await startSmtpServer()
    proxy = await startTcpProxy({ host: amqp.hostname, port: Number(amqp.port || 5672) })
    const proxied = new URL(AMQP_URL)
    proxied.port = String(proxy.port)
    proxiedAmqpUrl = proxied.toString()
    const driver = MYSQL_URL ? 'mysql' : 'sqlite'
    t = await startTestApp(driver, {
      ...(driver === 'sqlite' ? { HBNB_DATABASE_URL: `sqlite:${join(dataDir, 'hbnb.sqlite')}` } : {}),
      HBNB_DATA_DIR: dataDir,
      // The API process relays the outbox to RabbitMQ through the proxy.
      HBNB_AMQP_URL: proxiedAmqpUrl,
      HBNB_AMQP_QUEUE_PREFIX: prefix,
      HBNB_SMTP_URL: smtp.url,
      HBNB_TASK_POLL_MS: '50',
    })
    t.app.jobs.startRelay()
  })

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')))
    await t?.close()
    // Declares every queue of this run, then deletes them.
    const cleanup = new RabbitTaskQueue(AMQP_URL, { prefix, maxAttempts: 3, baseDelayMs: 200 })
    for (const name of TASK_NAMES) await cleanup.depth(name)
    await cleanup.close({ deleteQueues: true })
    await proxy?.close()
    await smtp?.close()
  })

  /** An instant booking (confirmed at once: the guest and the host get one email each). */
  async function book(): Promise<string> {
    const owner = await t.user()
    const place = await t.place(owner.token, { instant_book: true })
    const guest = await t.user()
    nextStay += 3
    const offset = nextStay
    const created = await t.post(
      '/api/v1/bookings',
      { place_id: place.id, check_in: day(offset), check_out: day(offset + 2), guests: 1 },
      { token: guest.token },
    )
    expect(created.status).toBe(201)
    return created.body.id as string
  }

  async function outboxStatus(bookingId: string) {
    const row = await t.app.database.write
      .selectFrom('outbox')
      .select('status')
      .where('dedupe_key', '=', `booking:${bookingId}:confirmed`)
      .executeTakeFirstOrThrow()
    return row.status
  }

  /** Waits for both emails of each booking, then checks that each went out exactly once. */
  async function expectEmailedOnce(bookingIds: string[]) {
    await waitFor(
      async () => (bookingIds.every((id) => smtp.about(id).length >= 2) ? true : undefined),
      `the emails of ${bookingIds.length} booking(s)`,
      EMAIL_WAIT_MS,
    )
    for (const id of bookingIds) {
      expect(
        smtp
          .about(id)
          .map((m) => m.dedupeKey)
          .sort(),
      ).toEqual([`booking:${id}:confirmed:guest`, `booking:${id}:confirmed:host`])
    }
  }

  const cli = (...args: string[]) => runHbnb(['jobs', ...args], sharedEnv())

  it('delivers every email exactly once across a RabbitMQ outage; bookings made meanwhile succeed', async () => {
    const worker = await startWorker({ HBNB_AMQP_URL: proxiedAmqpUrl })
    const before = [await book(), await book()]
    await expectEmailedOnce(before)

    proxy.cut()
    const during = [await book(), await book(), await book()]
    // Nothing can reach RabbitMQ: the tasks wait in the outbox, in the bookings' transactions.
    for (const id of during) expect(await outboxStatus(id)).toBe('pending')
    await new Promise((resolve) => setTimeout(resolve, 1500)) // the outage lasts a while
    for (const id of during) expect(await outboxStatus(id)).toBe('pending')
    expect(smtp.messages.filter((m) => during.some((id) => m.dedupeKey.includes(id)))).toEqual([])
    proxy.restore()

    const after = [await book()]
    await expectEmailedOnce([...before, ...during, ...after])
    // The relay marks a row sent once RabbitMQ confirmed it, which may be after the email went out.
    for (const id of [...during, ...after]) {
      await waitFor(
        async () => ((await outboxStatus(id)) === 'sent' ? true : undefined),
        `outbox row ${id} sent`,
      )
    }
    await worker.stop()
  }, 120_000)

  it('redelivers a task whose worker was killed mid-send to a new worker: one email each', async () => {
    await stopWorkers()
    // Tries enough for the retries of the new worker to outlast the killed worker's claim.
    const lease = { HBNB_TASK_LEASE_SECONDS: '1', HBNB_TASK_MAX_ATTEMPTS: '10' }
    const first = await startWorker(lease)
    smtp.setMode('hold')
    const id = await book()
    // The first email is with the SMTP server, which does not answer: the handler is blocked.
    await waitFor(async () => (smtp.held === 1 ? true : undefined), 'the held email', EMAIL_WAIT_MS)
    await first.stop('SIGKILL')
    await waitFor(async () => (smtp.held === 0 ? true : undefined), 'the dropped SMTP session')
    smtp.setMode('accept')
    expect(smtp.about(id)).toEqual([])

    // RabbitMQ gives the unacked task to the next worker; the message claim of the killed one
    // expires after its lease, and the retried task sends it.
    await startWorker(lease)
    await expectEmailedOnce([id])
  }, 120_000)

  it('dead-letters a task that always fails with every error, and `hbnb jobs retry` runs it again', async () => {
    await stopWorkers()
    await startWorker()
    smtp.setMode('reject')
    const id = await book()
    const queue = new RabbitTaskQueue(AMQP_URL, { prefix })
    await waitFor(
      async () => ((await queue.deadLetters('notifications')).length ? true : undefined),
      'the dead letter',
      EMAIL_WAIT_MS,
    )
    await queue.close()
    const listed = await cli('dead')
    expect(listed.code).toBe(0)
    const [header, row] = listed.stdout.split('\n')
    expect(header).toMatch(/^ID\s+TASK\s+TRIES\s+DEAD SINCE\s+LAST ERROR$/)
    const [letterId, task, tries] = row!.split(/\s+/)
    expect([task, tries]).toEqual(['notifications', '3'])
    expect(row).toContain('mailbox unavailable')

    const inspected = await cli('inspect', letterId!)
    expect(inspected.code).toBe(0)
    expect(inspected.stdout).toContain(`booking:${id}:confirmed`)
    expect(inspected.stdout).toContain(`"booking_id": "${id}"`)
    expect(inspected.stdout.match(/try \d at .*mailbox unavailable/g)).toHaveLength(3)

    const stats = await cli('stats')
    expect(stats.stdout).toMatch(/notifications\s+0\s+0\s+1/)

    const unknown = await cli('retry', 'no-such-id')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('no dead letter with id no-such-id')
    expect(unknown.stderr).toContain('hbnb jobs dead')

    smtp.setMode('accept')
    const retried = await cli('retry', letterId!)
    expect(retried.code).toBe(0)
    expect(retried.stdout).toContain(`requeued ${letterId} (notifications)`)
    await expectEmailedOnce([id])
    expect((await cli('dead')).stdout).toContain('No dead letters')

    const metrics = await (await fetch(`${workers.at(-1)!.url}/metrics`)).text()
    expect(metrics).toMatch(/hbnb_task_dead_letters_total\{task="notifications"\} 1/)
    expect(metrics).toMatch(/hbnb_task_retries_total\{task="notifications"\} 2/)
    expect(metrics).toMatch(/hbnb_task_failures_total\{task="notifications"\} 3/)
    expect(metrics).toMatch(/hbnb_task_duration_seconds_count\{task="notifications",outcome="ok"\} 1/)
  }, 120_000)

  it('grows a worker pool with a backlog and shrinks it when idle', async () => {
    await stopWorkers()
    const worker = await startWorker({
      HBNB_LOG_LEVEL: 'info',
      HBNB_WORKER_MIN_CONCURRENCY: '1',
      HBNB_WORKER_MAX_CONCURRENCY: '4',
      HBNB_WORKER_SCALE_DOWN_AFTER: '1',
    })
    const concurrency = async () => {
      const metrics = await (await fetch(`${worker.url}/metrics`)).text()
      return Number(/hbnb_worker_concurrency\{task="notifications"\} (\d+)/.exec(metrics)?.[1])
    }
    expect(await concurrency()).toBe(1)
    const id = await book()
    await expectEmailedOnce([id])

    // Ten tasks whose emails the SMTP server holds: they pile up behind one handler.
    smtp.setMode('hold')
    const publisher = new RabbitTaskQueue(AMQP_URL, { prefix })
    for (let n = 0; n < 10; n++) {
      await publisher.publish({ ...bookingNotification(id, 'confirmed'), dedupeKey: `backlog-${n}` })
    }
    await publisher.close()
    await waitFor(async () => ((await concurrency()) === 4 ? true : undefined), 'the pool grown to 4')
    await waitFor(async () => (smtp.held === 4 ? true : undefined), 'four emails sent at once')
    await waitForLog(worker, 'autoscale: notifications grows from 1 to 4')

    smtp.setMode('accept')
    await waitFor(
      async () => (smtp.about('backlog-').length === 20 ? true : undefined),
      'the backlog',
      EMAIL_WAIT_MS,
    )
    await waitFor(async () => ((await concurrency()) === 1 ? true : undefined), 'the pool shrunk to 1')
    await waitForLog(worker, 'autoscale: notifications shrinks from 4 to 1')
  }, 120_000)
})
