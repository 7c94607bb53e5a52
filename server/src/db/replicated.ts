// A MariaDB primary with read replicas: `write` is the primary, `read` routes each connection.

import type { Driver } from 'kysely'
import { Kysely, MysqlAdapter, MysqlDialect, MysqlIntrospector, MysqlQueryCompiler, sql } from 'kysely'
import type { Pool } from 'mysql2'
import { MemoryRecentWrites } from '../infra/recent-writes/memory.js'
import type { Logger } from '../logger.js'
import { queryLogFor } from '../tracing.js'
import { createMysqlPool } from './mysql-pool.js'
import type { Database, ReplicaOptions } from './port.js'
import { currentReadContext } from './read-context.js'
import { Replica, replicaPoolLabel } from './replica.js'
import { PrimaryDriver, ReplicaReadDriver } from './routing.js'
import type { DB } from './schema.js'
import { WritePositions } from './write-positions.js'

const REPLICA_CONNECT_TIMEOUT_MS = 2000

function kyselyOver(driver: Driver): Kysely<DB> {
  return new Kysely<DB>({
    log: queryLogFor('mysql'),
    dialect: {
      createDriver: () => driver,
      createQueryCompiler: () => new MysqlQueryCompiler(),
      createAdapter: () => new MysqlAdapter(),
      createIntrospector: (db) => new MysqlIntrospector(db),
    },
  })
}

export function createReplicatedDatabase(
  primaryPool: Pool,
  options: ReplicaOptions,
  logger?: Logger,
): Database {
  const positions = new WritePositions(new MemoryRecentWrites(options.recentWriteTtlMs), logger)
  const primary = new PrimaryDriver(new MysqlDialect({ pool: primaryPool }).createDriver(), positions)
  const replicas = options.urls.map(
    (url) =>
      new Replica(
        url,
        createMysqlPool(url, replicaPoolLabel(url), logger, { connectTimeoutMs: REPLICA_CONNECT_TIMEOUT_MS }),
        options,
        logger,
      ),
  )
  for (const replica of replicas) replica.startChecks()
  const write = kyselyOver(primary)
  const read = kyselyOver(new ReplicaReadDriver(primary, replicas, positions, options.gtidWaitMs))
  return {
    dialect: 'mysql',
    write,
    read,
    replication: {
      replicas,
      useRecentWrites: (store) => {
        positions.store = store
      },
      clientWroteRecently: async () => {
        const client = currentReadContext()?.client
        if (!client) return false
        if (client.wrote) return true
        try {
          return (await positions.lastWrite(client)) !== undefined
        } catch (error) {
          positions.lookupFailed(error)
          return true
        }
      },
    },
    ping: async () => {
      await sql`select 1`.execute(write)
    },
    close: async () => {
      await read.destroy()
      await write.destroy()
    },
  }
}
