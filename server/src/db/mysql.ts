import { Kysely, MysqlDialect, sql } from 'kysely'
import type { Logger } from '../logger.js'
import { createMysqlPool } from './mysql-pool.js'
import { PRIMARY_POOL, timedQueryLog } from './pool-metrics.js'
import type { Database, ReplicaOptions } from './port.js'
import { createReplicatedDatabase } from './replicated.js'
import type { DB } from './schema.js'

export function createMysqlDatabase(url: string, logger?: Logger, replicas?: ReplicaOptions): Database {
  const pool = createMysqlPool(url, PRIMARY_POOL, logger)
  if (replicas && replicas.urls.length > 0) return createReplicatedDatabase(pool, replicas, logger)
  const kysely = new Kysely<DB>({ dialect: new MysqlDialect({ pool }), log: timedQueryLog('mysql') })
  return {
    dialect: 'mysql',
    write: kysely,
    read: kysely,
    ping: async () => {
      await sql`select 1`.execute(kysely)
    },
    close: () => kysely.destroy(),
  }
}
