// The database port: a primary for writes and transactions, and a handle for plain reads.
// Two drivers, chosen by the URL: SQLite (embedded) and MariaDB/MySQL (production).
import type BetterSqlite3 from 'better-sqlite3'
import type { Kysely } from 'kysely'
import type { Logger } from '../logger.js'
import { createMysqlDatabase } from './mysql.js'
import type { DB } from './schema.js'
import { createSqliteDatabase } from './sqlite.js'

export type Dialect = 'sqlite' | 'mysql'

export interface Database {
  dialect: Dialect
  /** Writes, transactions and reads that must see the latest data. */
  write: Kysely<DB>
  /** Plain reads. */
  read: Kysely<DB>
  /** SQLite only: the better-sqlite3 connection itself (for online backups). */
  sqlite?: BetterSqlite3.Database
  /** Throws when the database cannot answer. */
  ping(): Promise<void>
  close(): Promise<void>
}

export function createDatabase(url: string, logger?: Logger): Database {
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    return createMysqlDatabase(url.replace(/^mariadb:/, 'mysql:'), logger)
  }
  return createSqliteDatabase(sqlitePath(url))
}

/** `sqlite:data/x.sqlite`, `sqlite:///abs/x.sqlite`, `file:x.sqlite` or `sqlite::memory:`. */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^(sqlite|file):/, '')
  if (rest === ':memory:') return rest
  return rest.replace(/^\/\/(?=\/)/, '')
}

/** True when the error is a unique-key violation, on either driver. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'ER_DUP_ENTRY'
  )
}
