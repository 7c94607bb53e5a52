// `npm run bench:tasks`: background tasks per second end to end (published to RabbitMQ with
// confirms, handled by one `hbnb worker` process, acked), for a no-op task (`ping`) and for a
// booking email task sent to a local SMTP server; next to a bare rabbitmq-client publisher and
// consumer (ack on receipt, own process) measured in the same run. Prints figures, never fails on them.
// Settings: BENCH_TASKS (no-op and baseline messages, default 20000), BENCH_EMAIL_TASKS (default 500),
// BENCH_CONCURRENCY (the worker's HBNB_WORKER_MAX_CONCURRENCY, default 16; it prefetches 4 per handler),
// BENCH_IN_FLIGHT (publishes awaiting their confirm at once, default 200), BENCH_AMQP_URL.
import { execFileSync, fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Connection } from 'rabbitmq-client'
import { SMTPServer } from 'smtp-server'
import { createDatabase } from '../server/dist/db/database.js'
import { RabbitTaskQueue } from '../server/dist/infra/queue/rabbitmq.js'
import { atExit, freePort, installCleanup, runBench, startNode, stop, waitUntil } from './lib/children.mjs'

const HBNB_BIN = fileURLToPath(new URL('../server/bin/hbnb.js', import.meta.url))
const RAW_CONSUMER = fileURLToPath(new URL('./raw-consumer.mjs', import.meta.url))
const AMQP_URL = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'

function whole(name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new Error(`${name} must be a whole number above 0, got "${raw}"`)
  return Number(raw)
}

const TASKS = whole('BENCH_TASKS', 20_000)
const EMAIL_TASKS = whole('BENCH_EMAIL_TASKS', 500)
const CONCURRENCY = whole('BENCH_CONCURRENCY', 16)
/** What the worker prefetches: 4 per handler (PREFETCH_PER_HANDLER of the RabbitMQ driver). */
const PREFETCH = CONCURRENCY * 4
const IN_FLIGHT = whole('BENCH_IN_FLIGHT', 200)
const log = (message) => console.log(`bench: ${message}`)
const rate = (count, ms) => Math.round((count * 1000) / ms)
const fmt = (n) => n.toLocaleString('en')

/** Calls `publishOne(i)` for i < count with at most IN_FLIGHT unconfirmed at once; resolves when all are confirmed. */
async function publishAll(count, publishOne) {
  let next = 0
  const lane = async () => {
    while (next < count) await publishOne(next++)
  }
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, lane))
}

/** The worker's count of handled tasks of a name, from its /metrics. */
async function handled(metricsUrl, task) {
  const text = await (await fetch(metricsUrl)).text()
  const match = new RegExp(`hbnb_task_duration_seconds_count\\{task="${task}",outcome="ok"\\} (\\d+)`).exec(
    text,
  )
  return match ? Number(match[1]) : 0
}

/** How often the worker's /metrics is read while waiting: a scrape costs the worker CPU, so not often. */
const POLL_MS = 250

async function until(check, what, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

/** Bare rabbitmq-client: publish with confirms from here, consume in another process. */
async function baseline(prefix) {
  const queue = `${prefix}raw`
  const connection = new Connection(AMQP_URL)
  await connection.queueDeclare({ queue, durable: true })
  const consumer = fork(RAW_CONSUMER, [AMQP_URL, queue, String(PREFETCH), String(TASKS)], {
    stdio: 'inherit',
  })
  const messages = (async function* () {
    for (;;) yield (await once(consumer, 'message'))[0]
  })()
  await messages.next() // ready
  const publisher = connection.createPublisher({ confirm: true })
  const started = performance.now()
  await publishAll(TASKS, (i) =>
    publisher.send(
      { routingKey: queue, durable: true },
      { name: 'raw', payload: { i }, dedupeKey: `raw:${i}` },
    ),
  )
  const published = performance.now() - started
  await messages.next() // done
  const total = performance.now() - started
  consumer.disconnect()
  await publisher.close()
  await connection.queueDelete({ queue })
  await connection.close()
  return { published, total }
}

/** Publishes `count` tasks through HBNB's RabbitMQ driver and waits until the worker handled them. */
async function measureTasks(queue, metricsUrl, task, count, taskAt) {
  const before = await handled(metricsUrl, task)
  const started = performance.now()
  await publishAll(count, (i) => queue.publish(taskAt(i)))
  const published = performance.now() - started
  await until(async () => (await handled(metricsUrl, task)) - before >= count, `${count} ${task} tasks`)
  return { published, total: performance.now() - started }
}

async function main() {
  installCleanup()
  const workDir = mkdtempSync(join(tmpdir(), 'hbnb-bench-tasks-'))
  atExit(() => rmSync(workDir, { recursive: true, force: true }))
  const prefix = `hbnb-bench-${randomBytes(4).toString('hex')}.`
  log(
    `Node ${process.version}, ${cpus()[0]?.model.trim()}, ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  log(
    `RabbitMQ ${AMQP_URL.replace(/\/\/[^@]*@/, '//')}, queues ${prefix}*; ${fmt(TASKS)} no-op tasks, ${fmt(EMAIL_TASKS)} email tasks`,
  )
  log(
    `one worker: HBNB_WORKER_MAX_CONCURRENCY=${CONCURRENCY}, prefetch ${PREFETCH} (the baseline consumer too); publisher: ${IN_FLIGHT} unconfirmed publishes at most`,
  )

  // A local SMTP server accepting everything, counting messages.
  let emails = 0
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // No reverse DNS lookup of each client (slow, and pointless on loopback).
    disableReverseLookup: true,
    onData(stream, _session, callback) {
      stream.on('data', () => {})
      stream.on('end', () => {
        emails++
        callback()
      })
    },
  })
  await new Promise((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  const smtpUrl = `smtp://127.0.0.1:${smtp.server.address().port}`

  const databaseUrl = `sqlite:${join(workDir, 'hbnb.sqlite')}`
  const settings = {
    PATH: process.env.PATH,
    HBNB_ENV: 'production',
    HBNB_JWT_SECRET: randomBytes(32).toString('hex'),
    HBNB_ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    HBNB_DATA_DIR: workDir,
    HBNB_DATABASE_URL: databaseUrl,
    HBNB_LOG_LEVEL: 'warn',
    HBNB_LOG_FORMAT: 'json',
  }
  execFileSync(process.execPath, [HBNB_BIN, 'seed', '--no-demo', '--places', '5', '--bookings', '20'], {
    env: settings,
    cwd: workDir,
    stdio: 'ignore',
  })
  const database = createDatabase(databaseUrl)
  const booking = await database.write
    .selectFrom('bookings')
    .select('id')
    .where('guest_id', 'is not', null)
    .executeTakeFirstOrThrow()
  await database.close()

  const metricsPort = await freePort()
  const worker = startNode('hbnb worker', [HBNB_BIN, 'worker'], {
    cwd: workDir,
    env: {
      ...settings,
      HBNB_HOST: '127.0.0.1',
      HBNB_AMQP_URL: AMQP_URL,
      HBNB_AMQP_QUEUE_PREFIX: prefix,
      HBNB_SMTP_URL: smtpUrl,
      HBNB_WORKER_METRICS_PORT: String(metricsPort),
      HBNB_WORKER_MIN_CONCURRENCY: '1',
      HBNB_WORKER_MAX_CONCURRENCY: String(CONCURRENCY),
    },
  })
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`
  await waitUntil(worker, async () => (await fetch(metricsUrl)).ok)
  log(`worker pid ${worker.pid} consuming`)

  const queue = new RabbitTaskQueue(AMQP_URL, { prefix })
  try {
    const raw = await baseline(prefix)
    // Warm-up: the worker's code paths and connections, not measured.
    await measureTasks(queue, metricsUrl, 'ping', 500, (i) => ({
      name: 'ping',
      payload: {},
      dedupeKey: `warm:${i}`,
    }))
    const noop = await measureTasks(queue, metricsUrl, 'ping', TASKS, (i) => ({
      name: 'ping',
      payload: {},
      dedupeKey: `ping:${i}`,
    }))
    const email = await measureTasks(queue, metricsUrl, 'notifications', EMAIL_TASKS, (i) => ({
      name: 'notifications',
      payload: { kind: 'booking', event: 'confirmed', booking_id: booking.id },
      dedupeKey: `bench-email:${i}`,
    }))
    const rows = [
      ['bare rabbitmq-client (ack on receipt)', TASKS, raw],
      ['hbnb worker: no-op task (ping)', TASKS, noop],
      ['hbnb worker: booking email via SMTP', EMAIL_TASKS, email],
    ]
    console.log('')
    console.log('| run | messages | publish/s (confirmed) | end-to-end tasks/s | seconds |')
    console.log('|---|---:|---:|---:|---:|')
    for (const [label, count, r] of rows) {
      console.log(
        `| ${label} | ${fmt(count)} | ${fmt(rate(count, r.published))} | ${fmt(rate(count, r.total))} | ${(r.total / 1000).toFixed(2)} |`,
      )
    }
    console.log('')
    const metrics = await (await fetch(metricsUrl)).text()
    for (const task of ['ping', 'notifications']) {
      const sum = Number(
        new RegExp(`hbnb_task_duration_seconds_sum\\{task="${task}",outcome="ok"\\} ([\\d.e-]+)`).exec(
          metrics,
        )?.[1],
      )
      const count = await handled(metricsUrl, task)
      log(
        `${task}: mean handler time ${((1000 * sum) / count).toFixed(2)} ms over ${fmt(count)} tasks (worker's histogram)`,
      )
    }
    const concurrency = /hbnb_worker_concurrency\{task="notifications"\} (\d+)/.exec(metrics)?.[1]
    log(`worker concurrency of notifications at the end: ${concurrency}`)
    log(`emails received by the SMTP server: ${fmt(emails)} (2 per email task: guest and host)`)
    log(
      `no-op end to end: ${Math.round((100 * rate(TASKS, noop.total)) / rate(TASKS, raw.total))} % of the bare baseline; target 1,000 tasks/s: ${rate(TASKS, noop.total) >= 1000 ? 'met' : 'NOT met'}`,
    )
    log(
      `load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (the machine may be shared)`,
    )
  } finally {
    for (const name of ['ping', 'notifications']) await queue.depth(name)
    await queue.close({ deleteQueues: true })
    await stop(worker)
    smtp.close()
  }
}

runBench(main)
