// Kysely drivers of a primary with read replicas: the primary driver notes each request's writes,
// and the read driver picks, per connection, a healthy replica (round robin) or the primary.
import type {
  CompiledQuery,
  DatabaseConnection,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely'
import { startAtZero } from '../metrics.js'
import { dbQueries, dbQueryDuration, dbQueryErrors, PRIMARY_POOL, primaryReads } from './pool-metrics.js'
import { currentReadContext, type ReadClient } from './read-context.js'
import type { Replica } from './replica.js'
import type { WritePositions } from './write-positions.js'

const WRITE_STATEMENT = /^\s*(insert|update|delete|replace)\b/i

async function counted<T>(pool: string, run: () => Promise<T>): Promise<T> {
  dbQueries.inc({ pool })
  const started = performance.now()
  try {
    return await run()
  } catch (error) {
    dbQueryErrors.inc({ pool })
    throw error
  } finally {
    dbQueryDuration.series({ pool }).observe((performance.now() - started) / 1000)
  }
}

class PrimaryConnection implements DatabaseConnection {
  inTransaction = false
  wroteInTransaction = false

  constructor(
    readonly inner: DatabaseConnection,
    private readonly positions: WritePositions,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await counted(PRIMARY_POOL, () => this.inner.executeQuery<R>(query))
    if (WRITE_STATEMENT.test(query.sql)) {
      if (this.inTransaction) this.wroteInTransaction = true
      else await this.positions.recordWrite(this.inner)
    }
    return result
  }

  streamQuery<R>(query: CompiledQuery, chunkSize: number) {
    return this.inner.streamQuery<R>(query, chunkSize)
  }
}

/** The primary's MysqlDriver, counting queries and recording the position after each write. */
export class PrimaryDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly positions: WritePositions,
  ) {
    for (const metric of [dbQueries, dbQueryErrors]) startAtZero(metric, [{ pool: PRIMARY_POOL }])
  }

  init() {
    return this.inner.init()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PrimaryConnection(await this.inner.acquireConnection(), this.positions)
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const primary = connection as PrimaryConnection
    await this.inner.beginTransaction(primary.inner, settings)
    primary.inTransaction = true
    primary.wroteInTransaction = false
  }

  async commitTransaction(connection: DatabaseConnection) {
    const primary = connection as PrimaryConnection
    await this.inner.commitTransaction(primary.inner)
    primary.inTransaction = false
    if (primary.wroteInTransaction) await this.positions.recordWrite(primary.inner)
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    const primary = connection as PrimaryConnection
    primary.inTransaction = false
    await this.inner.rollbackTransaction(primary.inner)
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await this.inner.savepoint!((connection as PrimaryConnection).inner, name, compile)
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await this.inner.rollbackToSavepoint!((connection as PrimaryConnection).inner, name, compile)
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await this.inner.releaseSavepoint!((connection as PrimaryConnection).inner, name, compile)
  }

  releaseConnection(connection: DatabaseConnection) {
    return this.inner.releaseConnection((connection as PrimaryConnection).inner)
  }

  destroy() {
    return this.inner.destroy()
  }
}

/** A replica connection whose failed reads are run again on the primary, so that no request fails. */
class ReplicaConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    readonly replica: Replica,
    private readonly primary: PrimaryDriver,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await counted(this.replica.poolLabel, () => this.inner.executeQuery<R>(query))
    } catch (replicaError) {
      const connection = await this.primary.acquireConnection()
      try {
        const result = await connection.executeQuery<R>(query)
        primaryReads.inc({ reason: 'replica_failed' })
        this.replica.markDown(replicaError)
        return result
      } finally {
        await this.primary.releaseConnection(connection)
      }
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize: number) {
    return this.inner.streamQuery<R>(query, chunkSize)
  }
}

type Route = ReplicaConnection | 'behind' | 'failed'

/**
 * Reads of API requests go to a healthy replica, round robin, once it has applied the client's last
 * write (else to the primary). Reads outside requests, in `readFromPrimary` scopes and after the
 * request wrote go to the primary.
 */
export class ReplicaReadDriver implements Driver {
  private turn = 0

  constructor(
    private readonly primary: PrimaryDriver,
    private readonly replicas: readonly Replica[],
    private readonly positions: WritePositions,
    private readonly gtidWaitMs: number,
  ) {}

  async init() {
    await Promise.all([this.primary.init(), ...this.replicas.map((replica) => replica.driver.init())])
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const context = currentReadContext()
    const client = context?.client
    if (!client) return this.fromPrimary('outside_request')
    if (context.primaryOnly) return this.fromPrimary('read_from_primary')
    if (client.wrote) return this.fromPrimary('request_wrote')
    const healthy = this.replicas.filter((replica) => replica.healthy)
    if (healthy.length === 0) return this.fromPrimary('no_healthy_replica')
    let position: string | undefined
    try {
      position = await this.positions.lastWrite(client)
    } catch (error) {
      this.positions.lookupFailed(error)
      return this.fromPrimary('write_positions_unavailable')
    }
    this.turn = (this.turn + 1) % healthy.length
    for (let i = 0; i < healthy.length; i++) {
      const route = await this.tryReplica(healthy[(this.turn + i) % healthy.length]!, client, position)
      if (route === 'behind') return this.fromPrimary('replica_behind_client')
      if (route !== 'failed') return route
    }
    return this.fromPrimary('replica_failed')
  }

  private async tryReplica(
    replica: Replica,
    client: ReadClient,
    position: string | undefined,
  ): Promise<Route> {
    let connection: DatabaseConnection | undefined
    try {
      connection = await replica.driver.acquireConnection()
      if (position && !client.caughtUp.has(replica.name)) {
        if (!(await replica.hasApplied(connection, position, this.gtidWaitMs))) {
          await replica.driver.releaseConnection(connection)
          return 'behind'
        }
        client.caughtUp.add(replica.name)
      }
      return new ReplicaConnection(connection, replica, this.primary)
    } catch (error) {
      if (connection) await replica.driver.releaseConnection(connection).catch(() => {})
      replica.markDown(error)
      return 'failed'
    }
  }

  private fromPrimary(reason: string) {
    primaryReads.inc({ reason })
    return this.primary.acquireConnection()
  }

  private owner(connection: DatabaseConnection): [Driver, DatabaseConnection] {
    return connection instanceof ReplicaConnection
      ? [connection.replica.driver, connection.inner]
      : [this.primary, connection]
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const [driver, inner] = this.owner(connection)
    return driver.beginTransaction(inner, settings)
  }

  commitTransaction(connection: DatabaseConnection) {
    const [driver, inner] = this.owner(connection)
    return driver.commitTransaction(inner)
  }

  rollbackTransaction(connection: DatabaseConnection) {
    const [driver, inner] = this.owner(connection)
    return driver.rollbackTransaction(inner)
  }

  releaseConnection(connection: DatabaseConnection) {
    const [driver, inner] = this.owner(connection)
    return driver.releaseConnection(inner)
  }

  /** Stops the replica checks and closes the replica pools (the primary is closed with `write`). */
  async destroy() {
    for (const replica of this.replicas) replica.stop()
    await Promise.all(this.replicas.map((replica) => replica.driver.destroy()))
  }
}
