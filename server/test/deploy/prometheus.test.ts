// deploy/prometheus: the configuration and rules pass promtool, every alert's unit tests pass, and a
// real Prometheus (Debian's package) scrapes a running `hbnb serve` and `hbnb worker` (on RabbitMQ),
// finds the API's RED metrics and the worker's task metrics, and answers every Grafana panel's query.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TASK_NAMES } from '../../src/domain/tasks.js'
import { RabbitTaskQueue } from '../../src/infra/queue/rabbitmq.js'
import { bookInstantStay } from '../helpers/booking-flow.js'
import {
  type ApiProcess,
  runHbnb,
  startApiProcess,
  startWorkerProcess,
  type WorkerProcess,
} from '../helpers/processes.js'
import { freshReplicatedDatabase, REPLICA_URLS, REPLICATION_PRIMARY_URL } from '../helpers/replication.js'
import { AMQP_URL } from '../helpers/test-app.js'

const DEPLOY = join(import.meta.dirname, '../../../deploy/prometheus')
const DASHBOARDS = join(import.meta.dirname, '../../../deploy/grafana/dashboards')

interface Panel {
  title: string
  targets: { expr: string }[]
}

/** Every panel query of the provisioned Grafana dashboards, by dashboard file. */
function panelQueries(): { dashboard: string; panel: string; expr: string }[] {
  return readdirSync(DASHBOARDS).flatMap((file) => {
    const { panels } = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as { panels: Panel[] }
    return panels.flatMap((panel) =>
      panel.targets.map(({ expr }) => ({ dashboard: file, panel: panel.title, expr })),
    )
  })
}

function promtool(...args: string[]): string {
  return execFileSync('promtool', args, { cwd: DEPLOY, encoding: 'utf8', stdio: 'pipe' })
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('deploy/prometheus', () => {
  it('passes promtool check rules and every alert unit test', () => {
    expect(promtool('check', 'rules', 'rules/hbnb.yml')).toContain('SUCCESS')
    expect(promtool('test', 'rules', 'tests/hbnb-alerts.test.yml')).toContain('SUCCESS')
  })

  it('has a unit test for every alert', () => {
    const alerts = [...readFileSync(join(DEPLOY, 'rules/hbnb.yml'), 'utf8').matchAll(/- alert: (\w+)/g)]
    const tests = readFileSync(join(DEPLOY, 'tests/hbnb-alerts.test.yml'), 'utf8')
    expect(alerts.length).toBeGreaterThan(10)
    for (const [, alert] of alerts) expect(tests, alert).toMatch(new RegExp(`alertname: ${alert}\\b`))
  })

  it('passes promtool check config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbnb-prometheus-config-'))
    try {
      cpSync(DEPLOY, dir, { recursive: true })
      const token = join(dir, 'token')
      writeFileSync(token, 'x'.repeat(32))
      const config = join(dir, 'prometheus.yml')
      writeFileSync(config, readFileSync(config, 'utf8').replace('/etc/prometheus/hbnb-ops-token', token))
      expect(promtool('check', 'config', config)).toContain('SUCCESS')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

/** With a MariaDB primary and replicas (as in CI) the database panels have data too; else SQLite. */
const replicated = Boolean(REPLICATION_PRIMARY_URL && REPLICA_URLS.length >= 2)

describe('a real Prometheus scraping hbnb serve and hbnb worker', () => {
  const prefix = `hbnb-test-prometheus-${randomBytes(4).toString('hex')}.`
  let api: ApiProcess | undefined
  let worker: WorkerProcess | undefined
  let prometheus: ChildProcess
  let dir: string
  let base: string
  let dropDatabase: (() => Promise<void>) | undefined

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hbnb-prometheus-'))
    if (!replicated && process.env.CI === 'true') {
      throw new Error('HBNB_TEST_REPLICATION_PRIMARY_URL / HBNB_TEST_REPLICA_URLS are not set under CI=true')
    }
    const database = replicated ? await freshReplicatedDatabase() : undefined
    dropDatabase = database?.drop
    const env = {
      HBNB_DATA_DIR: dir,
      ...(database
        ? {
            HBNB_DATABASE_URL: database.primaryUrl,
            HBNB_DATABASE_REPLICA_URLS: database.replicaUrls.join(','),
          }
        : {}),
      HBNB_CACHE: 'memory',
      HBNB_AMQP_URL: AMQP_URL,
      HBNB_AMQP_QUEUE_PREFIX: prefix,
      HBNB_TASK_POLL_MS: '50',
    }
    const migrated = await runHbnb(['migrate', 'up'], env)
    expect(migrated.code, migrated.stderr).toBe(0)
    api = await startApiProcess(env)
    worker = await startWorkerProcess(env)
    copyFileSync(join(DEPLOY, 'rules/hbnb.yml'), join(dir, 'hbnb.yml'))
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'rule_files: [hbnb.yml]',
        'scrape_configs:',
        `  - { job_name: hbnb-api, static_configs: [{ targets: ['127.0.0.1:${api.port}'] }] }`,
        `  - { job_name: hbnb-worker, static_configs: [{ targets: ['127.0.0.1:${worker.port}'] }] }`,
      ].join('\n'),
    )
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    )
  }, 120_000)

  afterAll(async () => {
    prometheus?.kill()
    await api?.stop()
    await worker?.stop()
    const cleanup = new RabbitTaskQueue(AMQP_URL, { prefix })
    for (const name of TASK_NAMES) await cleanup.depth(name)
    await cleanup.close({ deleteQueues: true })
    if (dir) rmSync(dir, { recursive: true, force: true })
    await dropDatabase?.()
  })

  const get = (path: string) => fetch(`${api!.url}${path}`).then((response) => response.arrayBuffer())

  async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`).catch(
      () => undefined,
    )
    if (!response?.ok) return []
    return ((await response.json()) as { data: { result: never[] } }).data.result
  }

  async function eventually<T>(read: () => Promise<T[]>): Promise<T[]> {
    for (let i = 0; i < 120; i++) {
      const result = await read()
      if (result.length > 0) return result
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    return read()
  }

  it('scrapes the API and records its RED metrics by route', async () => {
    await eventually(() => query('count(up == 1) == 2'))
    const up = await query('up == 1')
    expect(up.map((series) => series.metric.job).sort()).toEqual(['hbnb-api', 'hbnb-worker'])
    for (let i = 0; i < 5; i++) await get('/api/v1/amenities/')
    const requests = await eventually(() =>
      query('hbnb_http_requests_total{route="/api/v1/amenities/",status="2xx"} >= 5'),
    )
    expect(requests[0]?.metric.method).toBe('GET')
    const recorded = await eventually(() => query('hbnb:http_requests:rate5m{route="/api/v1/amenities/"}'))
    expect(recorded.length).toBeGreaterThan(0)
  })
  it("records the worker's tasks: their wait, their run and the age of the oldest ready one", async () => {
    await bookInstantStay(api!.url)
    const runs = await eventually(() =>
      query('hbnb_task_duration_seconds_count{job="hbnb-worker",task="notifications",outcome="ok"} > 0'),
    )
    expect(runs.length).toBe(1)
    const waits = await eventually(() => query('hbnb_task_wait_seconds_count{task="notifications"} > 0'))
    expect(waits[0]?.metric.job).toBe('hbnb-worker')
    const oldest = await eventually(() => query('hbnb_task_queue_oldest_ready_seconds{task="notifications"}'))
    expect(Number(oldest[0]?.value[1])).toBeGreaterThanOrEqual(0)
  })

  it('runs every Grafana panel query without error, each with data once there was some traffic', async () => {
    for (let i = 0; i < 5; i++) await get('/api/v1/amenities/')
    await eventually(() => query('hbnb:http_slow_ratio:rate5m'))
    // On SQLite there is no MariaDB pool and no replica to show.
    const mariadbOnly = new Set([
      'database.json / Replica lag',
      'database.json / Replicas in rotation',
      'database.json / Connections by pool and state',
      'database.json / Requests waiting for a connection',
    ])
    const queries = panelQueries()
    expect(queries.length).toBeGreaterThan(15)
    for (const { dashboard, panel, expr } of queries) {
      const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`)
      const body = (await response.json()) as { status: string; error?: string; data: { result: unknown[] } }
      expect(body.status, `${dashboard} / ${panel}: ${body.error ?? ''}`).toBe('success')
      if (!replicated && mariadbOnly.has(`${dashboard} / ${panel}`)) continue
      // A rate needs two scrapes after the first observation.
      const result = await eventually(() => query(expr))
      expect(result.length, `${dashboard} / ${panel} has data`).toBeGreaterThan(0)
    }
  })
})
