// OpenTelemetry tracing: a running `hbnb serve` with HBNB_OTLP_ENDPOINT sends its spans by OTLP/HTTP
// to a collector (here a small one on loopback that keeps what it receives). A booking request that
// arrives with a W3C `traceparent` gives one trace: the request's server span under the caller's,
// its SQL statements and the notification tasks it publishes, whose runs continue it, and its log
// line names that trace. Across processes, with the production drivers: the outbox row, its send to
// RabbitMQ by the API process's relay, its run in `hbnb worker`, the email over SMTP, Redis commands.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TASK_NAMES } from '../../src/domain/tasks.js'
import { RabbitTaskQueue } from '../../src/infra/queue/rabbitmq.js'
import { bookInstantStay } from '../helpers/booking-flow.js'
import { attribute, KIND, type OtlpSpan, startCollector } from '../helpers/otlp-collector.js'
import {
  type ApiProcess,
  type RedisProcess,
  runHbnb,
  startApiProcess,
  startRedis,
  startWorkerProcess,
  type WorkerProcess,
} from '../helpers/processes.js'
import { type SmtpTestServer, startSmtpServer } from '../helpers/smtp.js'
import { AMQP_URL } from '../helpers/test-app.js'
import { waitFor } from '../infra/mail-contract.js'

describe('traces of a booking request, sent to an OTLP collector', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
  const callerSpanId = '00f067aa0ba902b7'
  let collector: Awaited<ReturnType<typeof startCollector>>
  let api: ApiProcess
  let dir = ''
  let trace: OtlpSpan[] = []
  let logLines: Record<string, unknown>[] = []

  beforeAll(async () => {
    collector = await startCollector()
    dir = mkdtempSync(join(tmpdir(), 'hbnb-tracing-'))
    const env = {
      HBNB_DATA_DIR: dir,
      HBNB_LOG_LEVEL: 'info',
      HBNB_LOG_FORMAT: 'json',
      HBNB_OTLP_ENDPOINT: collector.url,
    }
    const migrated = await runHbnb(['migrate', 'up'], env)
    expect(migrated.code, migrated.stderr).toBe(0)
    api = await startApiProcess(env)
    await bookInstantStay(api.url, { traceparent: `00-${traceId}-${callerSpanId}-01` })
    for (let i = 0; i < 100; i++) {
      trace = collector.spans.filter((span) => span.traceId === traceId)
      if ([KIND.SERVER, KIND.PRODUCER, KIND.CONSUMER].every((kind) => trace.some((s) => s.kind === kind)))
        break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await api.stop()
    logLines = api.output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
  }, 120_000)

  afterAll(() => {
    collector?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('are sent as OTLP/HTTP JSON', () => {
    expect(collector.contentTypes.length).toBeGreaterThan(0)
    expect(collector.contentTypes.every((type) => type.includes('application/json'))).toBe(true)
  })

  it("continue the caller's trace with a server span named for the route", () => {
    const server = trace.filter((span) => span.kind === KIND.SERVER)
    expect(server.map((span) => span.name)).toEqual(['POST /api/v1/bookings'])
    expect(server[0]!.parentSpanId).toBe(callerSpanId)
    expect(attribute(server[0]!, 'http.response.status_code')).toEqual(expect.anything())
  })

  it("hold the request's SQL statements and the tasks it published, under its span", () => {
    const server = trace.find((span) => span.kind === KIND.SERVER)!
    const children = trace.filter((span) => span.parentSpanId === server.spanId)
    const sql = children.filter((span) => span.kind === KIND.CLIENT)
    expect(sql.length).toBeGreaterThan(2)
    expect(sql.every((span) => attribute(span, 'db.system.name') === 'sqlite')).toBe(true)
    expect(sql.map((span) => span.name)).toEqual(expect.arrayContaining(['SELECT', 'INSERT']))
    expect(
      sql.some((span) => String(attribute(span, 'db.query.text')).includes('insert into "bookings"')),
    ).toBe(true)
    const published = children.filter((span) => span.kind === KIND.PRODUCER)
    expect(published.map((span) => span.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^publish /)]),
    )
  })

  it('continue in the run of each task the request published, under its publish span', () => {
    const published = trace.filter((span) => span.kind === KIND.PRODUCER)
    const runs = trace.filter((span) => span.kind === KIND.CONSUMER)
    expect(runs.map((span) => span.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^run /)]))
    for (const run of runs) {
      const publish = published.find((span) => span.spanId === run.parentSpanId)
      expect(publish?.name).toBe(run.name.replace(/^run /, 'publish '))
    }
    expect(trace.some((span) => runs.some((run) => span.parentSpanId === run.spanId))).toBe(true)
  })

  it('form one tree: every span but the server span has its parent in the trace', () => {
    const ids = new Set(trace.map((span) => span.spanId))
    const orphans = trace.filter((span) => span.kind !== KIND.SERVER && !ids.has(span.parentSpanId ?? ''))
    expect(orphans.map((span) => span.name)).toEqual([])
  })

  it('name the trace and span on the log line of the request', () => {
    const line = logLines.find((l) => l['url.path'] === '/api/v1/bookings')
    expect(line).toMatchObject({ 'trace.id': traceId })
    const server = trace.find((span) => span.kind === KIND.SERVER)!
    expect(line!['span.id']).toBe(server.spanId)
  })
})

describe('traces across processes: an API process and a worker on RabbitMQ, Redis and SMTP', () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c'
  const prefix = `hbnb-test-tracing-${randomBytes(4).toString('hex')}.`
  let collector: Awaited<ReturnType<typeof startCollector>>
  let smtp: SmtpTestServer
  let redis: RedisProcess
  let api: ApiProcess | undefined
  let worker: WorkerProcess | undefined
  let dir = ''
  let trace: OtlpSpan[] = []

  beforeAll(async () => {
    collector = await startCollector()
    smtp = await startSmtpServer()
    redis = await startRedis()
    dir = mkdtempSync(join(tmpdir(), 'hbnb-tracing-'))
    const env = {
      HBNB_DATA_DIR: dir,
      HBNB_OTLP_ENDPOINT: collector.url,
      HBNB_AMQP_URL: AMQP_URL,
      HBNB_AMQP_QUEUE_PREFIX: prefix,
      HBNB_REDIS_URL: redis.url,
      HBNB_CACHE: 'redis',
      HBNB_SMTP_URL: smtp.url,
      HBNB_TASK_POLL_MS: '50',
    }
    const migrated = await runHbnb(['migrate', 'up'], env)
    expect(migrated.code, migrated.stderr).toBe(0)
    api = await startApiProcess(env)
    worker = await startWorkerProcess(env)
    await bookInstantStay(api.url, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` })
    // Each process exports its spans every second: wait until both processes' spans have come, from
    // the request to the email.
    await waitFor(async () => {
      trace = collector.spans.filter((span) => span.traceId === traceId)
      const ids = new Set(trace.map((span) => span.spanId))
      const complete =
        trace.some((span) => span.name === 'smtp send') &&
        trace.every((span) => span.kind === KIND.SERVER || ids.has(span.parentSpanId ?? ''))
      return complete ? true : undefined
    }, 'the email of the booking, traced')
  }, 120_000)

  afterAll(async () => {
    await api?.stop()
    await worker?.stop()
    const cleanup = new RabbitTaskQueue(AMQP_URL, { prefix })
    for (const name of TASK_NAMES) await cleanup.depth(name)
    await cleanup.close({ deleteQueues: true })
    await redis?.stop()
    await smtp?.close()
    collector?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('follow a task from the outbox through RabbitMQ to its run in the worker', () => {
    const byId = new Map(trace.map((span) => [span.spanId, span]))
    const run = trace.find((span) => span.kind === KIND.CONSUMER && span.name === 'run notifications')!
    const sent = byId.get(run.parentSpanId ?? '')!
    expect(sent).toMatchObject({ kind: KIND.PRODUCER, name: 'publish notifications' })
    expect(attribute(sent, 'messaging.system')).toBe('rabbitmq')
    const written = byId.get(sent.parentSpanId ?? '')!
    expect(attribute(written, 'messaging.system')).toBe('outbox')
    expect(byId.get(written.parentSpanId ?? '')?.kind).toBe(KIND.SERVER)
  })

  it("hold the worker's email and the request's Redis commands", () => {
    const ancestors = (span: OtlpSpan): string[] => {
      const parent = trace.find((s) => s.spanId === span.parentSpanId)
      return parent ? [parent.name, ...ancestors(parent)] : []
    }
    const email = trace.find((span) => span.name === 'smtp send')!
    expect(email.kind).toBe(KIND.CLIENT)
    expect(attribute(email, 'server.address')).toBe('127.0.0.1')
    expect(ancestors(email)).toContain('run notifications')
    const redisCommands = trace.filter((span) => attribute(span, 'db.system.name') === 'redis')
    expect(redisCommands.length).toBeGreaterThan(0)
    expect(redisCommands.every((span) => span.kind === KIND.CLIENT)).toBe(true)
  })
})
