// One read replica: its pool, and a background check that takes it out of rotation while it is
// down, failing, not replicating or lagging too far behind, and puts it back once it is healthy.
import { CompiledQuery, type DatabaseConnection, type Driver, MysqlDialect } from 'kysely'
import type { Pool, PoolConnection } from 'mysql2'
import type { Logger } from '../logger.js'
import { startAtZero } from '../metrics.js'
import { dbQueries, dbQueryErrors, replicaHealthy, replicaLag, replicaRemovals } from './pool-metrics.js'
import type { ReplicaState } from './port.js'

interface SlaveStatus {
  Slave_IO_Running?: string
  Slave_SQL_Running?: string
  Seconds_Behind_Master?: number | null
}

export interface ReplicaCheckOptions {
  maxLagSeconds: number
  checkIntervalMs: number
  /** Reads unanswered after this long fail (and run on the primary); none when absent. */
  queryTimeoutMs?: number
}

/** mysql2's error for a query given up after its `timeout`. */
const QUERY_TIMEOUT = 'PROTOCOL_SEQUENCE_TIMEOUT'

type QueryCallback = (error: (Error & { code?: string }) | null, ...results: unknown[]) => void

/**
 * `pool` as Kysely's MysqlDialect uses it, each query with a timeout: one unanswered after
 * `timeoutMs` fails, and its connection is destroyed rather than given back to the pool (mysql2
 * leaves a timed-out query's connection waiting for the answer, and the next query would queue
 * behind it). Without this, a replica that stops answering (a frozen server, a network dropping
 * packets) holds every read sent to it until NGINX gives up on the request.
 */
export function timedPool(pool: Pool, timeoutMs: number) {
  const wrapped = new WeakMap<PoolConnection, object>()
  const wrap = (raw: PoolConnection) => {
    let connection = wrapped.get(raw)
    if (!connection) {
      connection = {
        get threadId() {
          return raw.threadId
        },
        get config() {
          return raw.config
        },
        query(sql: string, values: unknown[], callback?: QueryCallback) {
          // Without a callback: a stream (Kysely's streamQuery), which has no timeout.
          if (!callback) return raw.query(sql, values)
          return raw.query({ sql, values, timeout: timeoutMs }, (error, ...results) => {
            if (error?.code === QUERY_TIMEOUT) raw.destroy()
            callback(error, ...results)
          })
        },
        release: () => raw.release(),
        destroy: () => raw.destroy(),
      }
      wrapped.set(raw, connection)
    }
    return connection
  }
  return {
    getConnection: (callback: (error: unknown, connection?: object) => void) =>
      pool.getConnection((error, raw) => callback(error, raw ? wrap(raw) : undefined)),
    end: (callback: (error: unknown) => void) => pool.end(callback),
  }
}

/** How a problem starts, and its `reason` label in hbnb_db_replica_out_of_rotation_total. */
const REMOVAL_REASONS = [
  ['unreachable', 'unreachable'],
  ['query timed out', 'query_timeout'],
  ['query failed', 'query_failed'],
  ['replication stopped', 'replication_stopped'],
  ['lagging', 'lagging'],
  ['not a replica', 'not_a_replica'],
] as const

function reasonOf(problem: string): string {
  for (const [start, reason] of REMOVAL_REASONS) {
    if (problem.startsWith(start)) return reason
  }
  return 'other'
}

/** `host:port` of a replica's URL. */
function replicaName(url: string): string {
  const { hostname, port } = new URL(url)
  return `${hostname}:${port || 3306}`
}

/** The `pool` label of a replica's metrics. */
export function replicaPoolLabel(url: string): string {
  return `replica:${replicaName(url)}`
}

export class Replica implements ReplicaState {
  readonly name: string
  readonly poolLabel: string
  readonly driver: Driver
  /** Unknown (no reads) until the first check answers. */
  healthy = false
  problem: string | undefined = 'not checked yet'
  private checked = false
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor(
    url: string,
    private readonly mysqlPool: Pool,
    private readonly options: ReplicaCheckOptions,
    private readonly logger?: Logger,
  ) {
    this.name = replicaName(url)
    this.poolLabel = replicaPoolLabel(url)
    const pool = options.queryTimeoutMs ? timedPool(mysqlPool, options.queryTimeoutMs) : mysqlPool
    this.driver = new MysqlDialect({ pool: pool as Pool }).createDriver()
    replicaHealthy.set({ pool: this.poolLabel }, 0)
    for (const metric of [dbQueries, dbQueryErrors]) startAtZero(metric, [{ pool: this.poolLabel }])
    // At zero from the start, so that `increase()` sees the first removal too.
    startAtZero(
      replicaRemovals,
      [...REMOVAL_REASONS.map(([, reason]) => reason), 'other'].map((reason) => ({
        pool: this.poolLabel,
        reason,
      })),
    )
  }

  /** Checks now, then every interval until `stop()`. */
  startChecks() {
    const loop = async () => {
      await this.check()
      if (!this.stopped) this.timer = setTimeout(loop, this.options.checkIntervalMs).unref()
    }
    void loop()
  }

  stop() {
    this.stopped = true
    clearTimeout(this.timer)
  }

  async check() {
    try {
      const [rows] = await this.mysqlPool.promise().query({
        sql: 'SHOW SLAVE STATUS',
        timeout: Math.min(
          this.options.checkIntervalMs,
          this.options.queryTimeoutMs ?? Number.POSITIVE_INFINITY,
        ),
      })
      this.update(this.problemOf((rows as SlaveStatus[])[0]))
    } catch (error) {
      if (this.stopped) return
      replicaLag.remove({ pool: this.poolLabel })
      this.update(`unreachable: ${(error as Error).message}`)
    }
  }

  /** A read failed here but worked on the primary: out of rotation until the next check passes. */
  markDown(error: unknown) {
    if ((error as { code?: string }).code === QUERY_TIMEOUT)
      this.update(`query timed out after ${this.options.queryTimeoutMs} ms (its connection closed)`)
    else this.update(`query failed: ${(error as Error).message}`)
  }

  /** Whether the replica has applied `position` (GTIDs), waiting up to `waitMs` for it. */
  async hasApplied(connection: DatabaseConnection, position: string, waitMs: number): Promise<boolean> {
    const { rows } = await connection.executeQuery<{ applied: number }>(
      CompiledQuery.raw('SELECT MASTER_GTID_WAIT(?, ?) AS applied', [position, waitMs / 1000]),
    )
    return Number(rows[0]?.applied) === 0
  }

  private problemOf(status: SlaveStatus | undefined): string | undefined {
    if (!status) return 'not a replica (SHOW SLAVE STATUS is empty)'
    const lag = status.Seconds_Behind_Master
    if (lag === null || lag === undefined) {
      replicaLag.remove({ pool: this.poolLabel })
      return `replication stopped (IO thread ${status.Slave_IO_Running}, SQL thread ${status.Slave_SQL_Running})`
    }
    replicaLag.set({ pool: this.poolLabel }, Number(lag))
    if (Number(lag) > this.options.maxLagSeconds) {
      return `lagging ${lag} s behind the primary (more than ${this.options.maxLagSeconds} s)`
    }
    return undefined
  }

  private update(problem: string | undefined) {
    const healthy = problem === undefined
    const changed = healthy !== this.healthy || !this.checked
    if (this.healthy && !healthy) replicaRemovals.inc({ pool: this.poolLabel, reason: reasonOf(problem) })
    this.checked = true
    this.healthy = healthy
    this.problem = problem
    replicaHealthy.set({ pool: this.poolLabel }, healthy ? 1 : 0)
    if (!changed) return
    if (healthy) this.logger?.info({ replica: this.name }, `database replica ${this.name} is in rotation`)
    else
      this.logger?.warn(
        { replica: this.name, problem },
        `database replica ${this.name} is out of rotation: ${problem}`,
      )
  }
}
