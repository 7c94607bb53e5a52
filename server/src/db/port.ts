// The database port's types, shared by database.ts (which chooses the driver) and the drivers.
import type BetterSqlite3 from 'better-sqlite3'
import type { Kysely } from 'kysely'
import type { RecentWrites } from '../infra/recent-writes/port.js'
import type { DB } from './schema.js'

export type Dialect = 'sqlite' | 'mysql'

export interface Database {
  dialect: Dialect
  /** Writes, transactions and reads that must see the latest data. */
  write: Kysely<DB>
  /** Plain reads. */
  read: Kysely<DB>
  /** SQLite only: the better-sqlite3 connection itself (for online backups). */
  sqlite?: BetterSqlite3.Database
  /** MariaDB with read replicas only. */
  replication?: Replication
  /** Throws when the database cannot answer. */
  ping(): Promise<void>
  close(): Promise<void>
}

export interface Replication {
  readonly replicas: readonly ReplicaState[]
  /** Keeps clients' last write positions in `store` (shared by API processes) instead of memory. */
  useRecentWrites(store: RecentWrites): void
  /**
   * Whether the current request's client has written in the last while (its reads then wait for
   * its writes); true when that cannot be looked up.
   */
  clientWroteRecently(): Promise<boolean>
}

export interface ReplicaState {
  /** `host:port` of the replica. */
  readonly name: string
  readonly healthy: boolean
  /** Why the replica gets no reads, when it gets none. */
  readonly problem: string | undefined
  /** Checks the replica now (the background checks run every `checkIntervalMs`). */
  check(): Promise<void>
}

export interface ReplicaOptions {
  urls: string[]
  maxLagSeconds: number
  checkIntervalMs: number
  gtidWaitMs: number
  /** A replica read unanswered after this long is run on the primary (its connection closed). */
  queryTimeoutMs: number
  /** How long a client's last write position is remembered. */
  recentWriteTtlMs: number
}
