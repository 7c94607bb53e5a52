// A MariaDB primary with read replicas for the replica-routing tests: the servers of
// scripts/mariadb-replicas.sh (HBNB_TEST_REPLICATION_PRIMARY_URL, HBNB_TEST_REPLICA_URLS).
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type Connection, createConnection } from 'mysql2/promise'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { seedEssentials } from '../../src/cli/seed.js'
import { loadConfig } from '../../src/config.js'
import { createDatabase, replicaOptions } from '../../src/db/database.js'
import { migrateUp } from '../../src/db/migrate.js'
import { createLogger } from '../../src/logger.js'
import { registry } from '../../src/metrics.js'
import { freePort } from './processes.js'
import { TestApp } from './test-app.js'

export const REPLICATION_PRIMARY_URL = process.env.HBNB_TEST_REPLICATION_PRIMARY_URL
export const REPLICA_URLS = (process.env.HBNB_TEST_REPLICA_URLS ?? '')
  .split(',')
  .map((url) => url.trim())
  .filter(Boolean)
const IN_CI = process.env.CI === 'true'
const SCRIPT = fileURLToPath(new URL('../../../scripts/mariadb-replicas.sh', import.meta.url))

/**
 * A suite that needs the primary and its replicas. Without them it fails under CI=true and is
 * skipped, saying why, elsewhere.
 */
export function describeWithReplicas(title: string, body: () => void) {
  if (REPLICATION_PRIMARY_URL && REPLICA_URLS.length >= 2) {
    describe(title, body)
  } else if (IN_CI) {
    describe(title, () => {
      it('needs HBNB_TEST_REPLICATION_PRIMARY_URL and HBNB_TEST_REPLICA_URLS (two replicas)', () => {
        throw new Error(
          'HBNB_TEST_REPLICATION_PRIMARY_URL / HBNB_TEST_REPLICA_URLS are not set under CI=true',
        )
      })
    })
  } else {
    describe.skipIf(true)(
      `${title} SKIPPED: run scripts/mariadb-replicas.sh start and set HBNB_TEST_REPLICATION_PRIMARY_URL and HBNB_TEST_REPLICA_URLS (two replicas)`,
      () => {
        it('runs on a MariaDB primary with two replicas', () => {})
      },
    )
  }
}

/** A connection to the server of `url` itself (no database selected). */
export function serverConnection(url: string): Promise<Connection> {
  const parsed = new URL(url)
  return createConnection({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  })
}

async function onServer<T>(url: string, work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await serverConnection(url)
  try {
    return await work(connection)
  } finally {
    await connection.end()
  }
}

/** Waits until every replica (of `urls`) has applied everything the primary has written so far. */
export async function replicasCaughtUp(urls: readonly string[] = REPLICA_URLS) {
  const position = await onServer(REPLICATION_PRIMARY_URL!, async (primary) => {
    const [rows] = await primary.query('SELECT @@gtid_binlog_pos AS position')
    return (rows as { position: string }[])[0]!.position
  })
  for (const url of urls) {
    await onServer(url, async (replica) => {
      const [rows] = await replica.query('SELECT MASTER_GTID_WAIT(?, 60) AS waited', [position])
      expect((rows as { waited: number }[])[0]!.waited, `replica ${url} did not catch up`).toBe(0)
    })
  }
}

/** Stops or restarts the SQL (apply) thread of the replica at `url`: it keeps answering, ever staler. */
export function setSqlThread(url: string, running: boolean) {
  return onServer(url, (replica) =>
    replica.query(running ? 'START SLAVE SQL_THREAD' : 'STOP SLAVE SQL_THREAD'),
  )
}

/** `SHOW GLOBAL STATUS LIKE 'Com_select'` of the server at `url`. */
export function selectCount(url: string): Promise<number> {
  return onServer(url, async (connection) => {
    const [rows] = await connection.query("SHOW GLOBAL STATUS LIKE 'Com_select'")
    return Number((rows as { Value: string }[])[0]!.Value)
  })
}

/** Runs scripts/mariadb-replicas.sh (for example `stop-replica 1`); replica N is REPLICA_URLS[N-1]. */
export async function replicaScript(...args: string[]) {
  await promisify(execFile)(SCRIPT, args, { timeout: 60_000 })
}

export interface ExtraReplica {
  /** `mysql://root@127.0.0.1:<port>/` */
  url: string
  /** The PID of its mariadbd. */
  pid: number
  /** Stops it and deletes its data directory. */
  destroy(): Promise<void>
}

/**
 * One more replica of the test primary, of its own (own port and data directory, started by
 * scripts/mariadb-replicas.sh), for tests that must freeze or kill a replica: the shared replicas
 * (HBNB_TEST_REPLICA_URLS) are left alone. It replays the primary's binary log from the start.
 */
export async function startExtraReplica(): Promise<ExtraReplica> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'hbnb-extra-replica-'))
  const primaryPort = new URL(REPLICATION_PRIMARY_URL!).port || '3306'
  const env = { ...process.env, HBNB_REPLICAS_DIR: dir, HBNB_REPLICAS_PORTS: `${primaryPort} ${port}` }
  const run = (...args: string[]) => promisify(execFile)(SCRIPT, args, { env, timeout: 120_000 })
  await run('start-replica', '1')
  const url = `mysql://root@127.0.0.1:${port}/`
  await replicasCaughtUp([url])
  return {
    url,
    pid: Number(readFileSync(join(dir, 'replica1', 'mariadb.pid'), 'utf8')),
    destroy: async () => {
      await run('destroy')
    },
  }
}

/** A fresh database on the primary (replicated to the replicas) and its URLs. */
export async function freshReplicatedDatabase(servers: readonly string[] = REPLICA_URLS) {
  const name = `hbnb_replicas_${randomBytes(4).toString('hex')}`
  await onServer(REPLICATION_PRIMARY_URL!, (primary) =>
    primary.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`),
  )
  const withDatabase = (url: string) => {
    const parsed = new URL(url)
    parsed.pathname = `/${name}`
    return parsed.toString()
  }
  return {
    primaryUrl: withDatabase(REPLICATION_PRIMARY_URL!),
    replicaUrls: servers.map(withDatabase),
    drop: async () => {
      await onServer(REPLICATION_PRIMARY_URL!, (primary) =>
        primary.query(`DROP DATABASE IF EXISTS \`${name}\``),
      )
    },
  }
}

/**
 * The app on a fresh, migrated database with replicas (the shared ones, or `servers`), once every
 * replica is in rotation.
 */
export async function startReplicatedApp(
  env: Record<string, string> = {},
  servers: readonly string[] = REPLICA_URLS,
): Promise<TestApp> {
  const { primaryUrl, replicaUrls, drop } = await freshReplicatedDatabase(servers)
  const config = loadConfig(
    {
      HBNB_ENV: 'test',
      HBNB_DATABASE_URL: primaryUrl,
      HBNB_DATABASE_REPLICA_URLS: replicaUrls.join(','),
      HBNB_AUTH_RATE_LIMIT: '100000',
      HBNB_LOG_LEVEL: 'silent',
      HBNB_CACHE: 'off',
      ...env,
    },
    false,
  )
  const logger = createLogger(config)
  const database = createDatabase(config.databaseUrl, logger, replicaOptions(config))
  await migrateUp(database)
  await seedEssentials(database, config)
  const app = await createApp(config, logger, database)
  const testApp = await TestApp.listen(app, 'mysql', drop)
  await replicasCaughtUp(servers)
  // Checked here rather than left to the checks' interval, which some suites set far apart.
  const { replicas } = database.replication!
  await eventually(
    async () => {
      await Promise.all(replicas.map((replica) => replica.check()))
      return replicas.every((replica) => replica.healthy)
    },
    () => `replicas in rotation (${replicas.map((r) => `${r.name}: ${r.problem ?? 'ok'}`).join(', ')})`,
  )
  return testApp
}

export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A counter of /metrics by its label values, e.g. `counterValues('hbnb_db_queries_total', 'pool')`. */
export async function counterValues(name: string, label: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name)
  if (!metric) return {}
  const { values } = await metric.get()
  return Object.fromEntries(values.map((v) => [String(v.labels[label]), v.value]))
}

/** `replica:host:port`, the `pool` label of a replica's metrics. */
export function replicaPool(url: string) {
  const { hostname, port } = new URL(url)
  return `replica:${hostname}:${port || 3306}`
}
