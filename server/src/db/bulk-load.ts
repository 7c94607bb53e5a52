import { CompiledQuery, type Kysely, sql } from 'kysely'
import type { Database } from './port.js'

/**
 * Loading many rows at once (`hbnb seed --places`): the tables' secondary indexes are dropped
 * before the load and built again after it, which sorts each index once instead of inserting
 * every row into every index one at a time. Primary keys and unique indexes stay: they are the
 * constraints the load must still meet; so do the indexes a MariaDB foreign key needs. On SQLite
 * the tables' triggers go too for the load (they bump `places.row_version` per review and amenity
 * link: a version only has to change after a place was read, and loaded places are new).
 *
 * Each dropped index is written to `app_meta` first (key `bulk_index:<table>:<index>`; the value
 * is SQLite's `create index` statement, or MariaDB's column list), so a load that was interrupted
 * is mended by the next `restoreIndexes` (every bulk load starts with one).
 */
const PREFIX = 'bulk_index:'

interface Secondary {
  table: string
  name: string
  /** SQLite: the statement that builds it; MariaDB: its columns, as in `(...)`. */
  definition: string
}

async function secondaryIndexes(database: Database, tables: readonly string[]): Promise<Secondary[]> {
  const db = database.write
  if (database.dialect === 'sqlite') {
    const rows = await sql<{ name: string; tbl_name: string; sql: string }>`
      select name, tbl_name, sql from sqlite_master
      where type in ('index', 'trigger') and tbl_name in (${sql.join(tables)}) and sql is not null
        and lower(sql) not like 'create unique%'`.execute(db)
    return rows.rows.map((r) => ({ table: r.tbl_name, name: r.name, definition: r.sql }))
  }
  const rows = await sql<{
    table_name: string
    index_name: string
    column_name: string
    sub_part: number | null
  }>`
    select table_name, index_name, column_name, sub_part from information_schema.statistics
    where table_schema = database() and table_name in (${sql.join(tables)})
      and index_name <> 'PRIMARY' and non_unique = 1
    order by table_name, index_name, seq_in_index`.execute(db)
  const byIndex = new Map<string, Secondary>()
  for (const row of rows.rows) {
    const key = `${row.table_name}:${row.index_name}`
    const column = `\`${row.column_name}\`${row.sub_part ? `(${row.sub_part})` : ''}`
    const index = byIndex.get(key)
    if (index) index.definition += `,${column}`
    else byIndex.set(key, { table: row.table_name, name: row.index_name, definition: column })
  }
  return [...byIndex.values()]
}

/** Drops the secondary indexes of `tables` that can go; `restoreIndexes` builds them again. */
export async function dropSecondaryIndexes(database: Database, tables: readonly string[]): Promise<void> {
  await restoreIndexes(database)
  const db = database.write
  for (const index of await secondaryIndexes(database, tables)) {
    const key = `${PREFIX}${index.table}:${index.name}`
    await db.insertInto('app_meta').values({ key, value: index.definition }).execute()
    try {
      await sql
        .raw(
          database.dialect === 'sqlite'
            ? `drop ${/^create trigger/i.test(index.definition) ? 'trigger' : 'index'} "${index.name}"`
            : `drop index \`${index.name}\` on \`${index.table}\``,
        )
        .execute(db)
    } catch (error) {
      // MariaDB: a foreign key needs it, so it stays.
      await db.deleteFrom('app_meta').where('key', '=', key).execute()
      if (database.dialect === 'sqlite') throw error
    }
  }
}

/** Builds the indexes a bulk load dropped (nothing when no load left any). */
export async function restoreIndexes(database: Database): Promise<void> {
  const db = database.write
  const rows = await db
    .selectFrom('app_meta')
    .select(['key', 'value'])
    .where('key', 'like', `${PREFIX}%`)
    .execute()
  if (rows.length === 0) return
  if (database.dialect === 'sqlite') {
    for (const row of rows) {
      await sql.raw(row.value.replace(/^create (index|trigger)/i, 'create $1 if not exists')).execute(db)
    }
  } else {
    const present = await sql<{ name: string }>`
      select distinct concat(table_name, ':', index_name) as name from information_schema.statistics
      where table_schema = database()`.execute(db)
    const has = new Set(present.rows.map((r) => r.name))
    const byTable = new Map<string, string[]>()
    for (const row of rows) {
      const [table, name] = row.key.slice(PREFIX.length).split(':') as [string, string]
      if (has.has(`${table}:${name}`)) continue
      byTable.set(table, [...(byTable.get(table) ?? []), `add index \`${name}\` (${row.value})`])
    }
    // One statement per table: MariaDB builds all of a table's new indexes in one pass over its rows.
    for (const [table, adds] of byTable)
      await sql.raw(`alter table \`${table}\` ${adds.join(', ')}`).execute(db)
  }
  await db.deleteFrom('app_meta').where('key', 'like', `${PREFIX}%`).execute()
}

/**
 * SQLite: during a bulk load, commits are not synced to disk (a crash loses the load, which is
 * made again from its seed) and the page cache is larger; `off` puts back the connection's settings
 * (db/sqlite.ts). MariaDB: nothing.
 */
export async function bulkLoadSettings(database: Database, on: boolean): Promise<void> {
  if (database.dialect !== 'sqlite') return
  await sql.raw(`pragma synchronous = ${on ? 'OFF' : 'NORMAL'}`).execute(database.write)
  await sql.raw(`pragma cache_size = ${on ? -262144 : -2000}`).execute(database.write)
}

/** Placeholders per statement: under SQLite's and MariaDB's limits (32,766 and 65,535). */
const MAX_PARAMETERS = 30_000

/**
 * Inserts `rows` into `table` with multi-row `insert` statements written here rather than built
 * by Kysely, whose compiling of every row costs a load as much as a third of SQLite's own time.
 * Statements of a full chunk are the same text, so the driver's cache of prepared statements
 * reuses them. Rows are grouped by the columns they give (a missing column gets its default).
 */
export async function insertRows(
  database: Pick<Database, 'dialect'>,
  db: Pick<Kysely<unknown>, 'executeQuery'>,
  table: string,
  rows: readonly object[],
): Promise<void> {
  const quote = (name: string) => (database.dialect === 'sqlite' ? `"${name}"` : `\`${name}\``)
  const groups = new Map<string, { columns: string[]; rows: Record<string, unknown>[] }>()
  for (const row of rows as Record<string, unknown>[]) {
    const columns = Object.keys(row).filter((column) => row[column] !== undefined)
    const signature = columns.join(',')
    let group = groups.get(signature)
    if (!group) {
      group = { columns, rows: [] }
      groups.set(signature, group)
    }
    group.rows.push(row)
  }
  for (const { columns, rows: group } of groups.values()) {
    const perStatement = Math.max(1, Math.min(2000, Math.floor(MAX_PARAMETERS / columns.length)))
    const head = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values `
    const tuple = `(${columns.map(() => '?').join(', ')})`
    for (let i = 0; i < group.length; i += perStatement) {
      const chunk = group.slice(i, i + perStatement)
      const parameters: unknown[] = []
      for (const row of chunk) for (const column of columns) parameters.push(row[column])
      const text = head + new Array<string>(chunk.length).fill(tuple).join(', ')
      await db.executeQuery(CompiledQuery.raw(text, parameters))
    }
  }
}
