import { createRequire } from 'node:module'
import type { Pool } from 'mysql2'
import type { Logger } from '../logger.js'
import { watchMysqlPool } from './pool-metrics.js'

const require = createRequire(import.meta.url)

/** A mysql2 pool, its use exported as metrics under `label` (`primary`, `replica:host:port`). */
export function createMysqlPool(
  url: string,
  label: string,
  logger?: Logger,
  options: { connectTimeoutMs?: number } = {},
): Pool {
  // Loaded here, not on import: a process on SQLite (the embedded default) never holds mysql2.
  const { createPool } = require('mysql2') as typeof import('mysql2')
  const pool = createPool({
    uri: url,
    connectionLimit: 10,
    charset: 'utf8mb4',
    timezone: 'Z',
    dateStrings: true,
    enableKeepAlive: true,
    ...(options.connectTimeoutMs ? { connectTimeout: options.connectTimeoutMs } : {}),
  })
  pool.on('connection', (connection) => {
    connection.on('error', (error) => logger?.warn({ err: error }, 'database connection error'))
  })
  watchMysqlPool(label, pool)
  return pool
}
