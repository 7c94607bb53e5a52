import { createRequire } from 'node:module'
import { Readable } from 'node:stream'
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
    infileStreamFactory: localFile,
    ...(options.connectTimeoutMs ? { connectTimeout: options.connectTimeoutMs } : {}),
  })
  pool.on('connection', (connection) => {
    connection.on('error', (error) => logger?.warn({ err: error }, 'database connection error'))
  })
  watchMysqlPool(label, pool)
  return pool
}

/** The data that `LOAD DATA LOCAL INFILE` statements of this process may read, by file name. */
const localFiles = new Map<string, Uint8Array>()
let localFileCount = 0

/** Bytes sent per packet of a local file (MariaDB's packets hold at most 16 MiB). */
const LOCAL_FILE_CHUNK = 1 << 20

/**
 * Offers `data` to `LOAD DATA LOCAL INFILE '<name>'` statements until `release`. The server reads
 * nothing else: a name that was not offered (any file of this machine) is refused.
 */
export function offerLocalFile(data: Uint8Array): { name: string; release(): void } {
  const name = `hbnb-local-${++localFileCount}`
  localFiles.set(name, data)
  return { name, release: () => localFiles.delete(name) }
}

function localFile(name: string): Readable {
  const data = localFiles.get(name)
  if (!data) {
    return new Readable({
      read() {
        this.destroy(new Error(`the server asked for local file "${name}", which this process did not offer`))
      },
    })
  }
  const chunks: Buffer[] = []
  for (let at = 0; at < data.length; at += LOCAL_FILE_CHUNK) {
    chunks.push(Buffer.from(data.buffer, data.byteOffset + at, Math.min(LOCAL_FILE_CHUNK, data.length - at)))
  }
  return Readable.from(chunks)
}
