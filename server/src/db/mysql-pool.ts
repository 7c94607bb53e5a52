import { createPool, type Pool } from 'mysql2'
import type { Logger } from '../logger.js'

export function createMysqlPool(
  url: string,
  logger?: Logger,
  options: { connectTimeoutMs?: number } = {},
): Pool {
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
  return pool
}
