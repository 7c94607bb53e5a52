// The database port: a primary for writes and transactions, and a handle for plain reads.
// Two drivers, chosen by the URL: SQLite (embedded) and MariaDB/MySQL (production).
import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import { createMysqlDatabase } from './mysql.js'
import type { Database, ReplicaOptions } from './port.js'
import { createSqliteDatabase } from './sqlite.js'

export type { Database } from './port.js'

/** The replica settings of `config`; unset when there are no replicas. */
export function replicaOptions(config: Config): ReplicaOptions | undefined {
  if (config.databaseReplicaUrls.length === 0) return undefined
  return {
    urls: config.databaseReplicaUrls.map(mysqlUrl),
    maxLagSeconds: config.replicaMaxLagSeconds,
    checkIntervalMs: config.replicaCheckIntervalMs,
    gtidWaitMs: config.replicaGtidWaitMs,
    // MASTER_GTID_WAIT runs on the replica for up to gtidWaitMs: it must never be cut short.
    queryTimeoutMs: Math.max(config.replicaQueryTimeoutMs, config.replicaGtidWaitMs + 1000),
    // A replica in rotation is at most the maximum lag behind (as of its last check), so past
    // twice that a client's write is on every replica that gets reads.
    recentWriteTtlMs: Math.max(
      60_000,
      2 * config.replicaMaxLagSeconds * 1000 + config.replicaCheckIntervalMs,
    ),
  }
}

export function createDatabase(url: string, logger?: Logger, replicas?: ReplicaOptions): Database {
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    return createMysqlDatabase(mysqlUrl(url), logger, replicas)
  }
  return createSqliteDatabase(sqlitePath(url))
}

function mysqlUrl(url: string): string {
  return url.replace(/^mariadb:/, 'mysql:')
}

/** `sqlite:data/x.sqlite`, `sqlite:///abs/x.sqlite`, `file:x.sqlite` or `sqlite::memory:`. */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^(sqlite|file):/, '')
  if (rest === ':memory:') return rest
  return rest.replace(/^\/\/(?=\/)/, '')
}

/** True when MariaDB chose the statement as a deadlock's victim (its transaction was rolled back). */
export function isDeadlock(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'ER_LOCK_DEADLOCK'
}

/** True when the error is a unique-key violation, on either driver. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'ER_DUP_ENTRY'
  )
}
