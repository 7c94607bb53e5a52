import { Kysely, MysqlDialect, sql } from 'kysely'
import { createPool } from 'mysql2'
import type { Logger } from '../logger.js'
import type { Database } from './database.js'
import type { DB } from './schema.js'

export function createMysqlDatabase(url: string, logger?: Logger): Database {
  const pool = createPool({
    uri: url,
    connectionLimit: 10,
    charset: 'utf8mb4',
    timezone: 'Z',
    dateStrings: true,
    enableKeepAlive: true,
  })
  pool.on('connection', (connection) => {
    connection.on('error', (error) => logger?.warn({ err: error }, 'database connection error'))
  })
  const kysely = new Kysely<DB>({ dialect: new MysqlDialect({ pool }) })
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
