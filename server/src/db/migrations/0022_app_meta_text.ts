import { type Kysely, SqliteAdapter, sql } from 'kysely'

/**
 * `app_meta.value` as text on MariaDB: a bulk load keeps each dropped index's column list there
 * (db/bulk-load.ts), and the search index's (19 columns since 0021) is longer than 255 characters.
 * SQLite does not enforce the length.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isSqlite(db)) await sql`alter table app_meta modify value text not null`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isSqlite(db)) await sql`alter table app_meta modify value varchar(255) not null`.execute(db)
}

const isSqlite = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof SqliteAdapter
