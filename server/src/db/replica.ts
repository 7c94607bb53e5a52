// One read replica: its pool, and a background check that takes it out of rotation while it is
// down, failing, not replicating or lagging too far behind, and puts it back once it is healthy.
import { CompiledQuery, type DatabaseConnection, type Driver, MysqlDialect } from 'kysely'
import type { Pool } from 'mysql2'
import type { Logger } from '../logger.js'
import { startAtZero } from '../metrics.js'
import { dbQueries, dbQueryErrors, replicaHealthy, replicaLag } from './pool-metrics.js'
import type { ReplicaState } from './port.js'

interface SlaveStatus {
  Slave_IO_Running?: string
  Slave_SQL_Running?: string
  Seconds_Behind_Master?: number | null
}

export interface ReplicaCheckOptions {
  maxLagSeconds: number
  checkIntervalMs: number
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
    this.driver = new MysqlDialect({ pool: mysqlPool }).createDriver()
    replicaHealthy.set({ pool: this.poolLabel }, 0)
    for (const metric of [dbQueries, dbQueryErrors]) startAtZero(metric, [{ pool: this.poolLabel }])
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
      const [rows] = await this.mysqlPool
        .promise()
        .query({ sql: 'SHOW SLAVE STATUS', timeout: this.options.checkIntervalMs })
      this.update(this.problemOf((rows as SlaveStatus[])[0]))
    } catch (error) {
      if (this.stopped) return
      replicaLag.remove({ pool: this.poolLabel })
      this.update(`unreachable: ${(error as Error).message}`)
    }
  }

  /** A read failed here but worked on the primary: out of rotation until the next check passes. */
  markDown(error: unknown) {
    this.update(`query failed: ${(error as Error).message}`)
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
