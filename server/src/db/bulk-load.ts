import type BetterSqlite3 from 'better-sqlite3'
import { CompiledQuery, sql } from 'kysely'
import { offerLocalFile } from './mysql-pool.js'
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
export async function dropSecondaryIndexes(
  database: Database,
  tables: readonly string[],
  keep: readonly string[] = [],
): Promise<void> {
  await restoreIndexes(database)
  const db = database.write
  for (const index of await secondaryIndexes(database, tables)) {
    if (keep.includes(index.name)) continue
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

/** MariaDB: tells the search copies (which a bulk load wrote no change rows for) to load everything again. */
export async function loadedInBulk(database: Database): Promise<void> {
  if (database.dialect === 'mysql')
    await database.write.insertInto('search_changes').values({ kind: 'all' }).execute()
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
 * SQLite: during a bulk load there is no rollback journal nor WAL (every page is written once,
 * straight into the file, instead of to the WAL and again at each checkpoint), commits are not
 * synced to disk, foreign keys are not checked (the generator makes every parent first), the
 * index builds sort in memory with two threads and the page cache is larger. A crash during the load can leave the file damaged: a load is made again from its seed, into a new file
 * (`npm run bench:search` seeds into a temporary name). When another connection has the file open
 * (the journal mode cannot change then), the WAL stays. `off` puts back the connection's own
 * settings, as they were before `on`. MariaDB: nothing.
 */
export async function bulkLoadSettings(database: Database, on: boolean): Promise<void> {
  const connection = database.sqlite
  if (database.dialect !== 'sqlite' || !connection) return
  const pragma = (text: string) => connection.pragma(text, { simple: true }) as string | number
  if (on) {
    if (!savedSettings.has(connection)) {
      savedSettings.set(connection, {
        journal: String(pragma('journal_mode')),
        synchronous: Number(pragma('synchronous')),
        foreignKeys: Number(pragma('foreign_keys')),
        tempStore: Number(pragma('temp_store')),
        cacheSize: Number(pragma('cache_size')),
        threads: Number(pragma('threads')),
      })
    }
    // better-sqlite3 opens connections in SQLite's defensive mode, which refuses journal_mode OFF;
    // from WAL, the mode changes only through DELETE, and only while no other connection is open.
    connection.unsafeMode(true)
    try {
      if (pragma('journal_mode = DELETE') === 'delete') pragma('journal_mode = OFF')
    } catch {}
    pragma('synchronous = OFF')
    pragma('foreign_keys = OFF')
    pragma('temp_store = MEMORY')
    pragma('cache_size = -1048576')
    // Index builds sort with a second thread.
    pragma('threads = 2')
  } else {
    const saved = savedSettings.get(connection)
    if (!saved) return
    savedSettings.delete(connection)
    pragma(`journal_mode = ${saved.journal}`)
    connection.unsafeMode(false)
    pragma(`synchronous = ${saved.synchronous}`)
    pragma(`foreign_keys = ${saved.foreignKeys}`)
    pragma(`temp_store = ${saved.tempStore}`)
    pragma(`cache_size = ${saved.cacheSize}`)
    pragma(`threads = ${saved.threads}`)
  }
}

/** The connection's settings while a bulk load has changed them. */
const savedSettings = new WeakMap<
  BetterSqlite3.Database,
  {
    journal: string
    synchronous: number
    foreignKeys: number
    tempStore: number
    cacheSize: number
    threads: number
  }
>()

/**
 * One table's rows of a bulk-load batch, made where the rows are generated (a worker thread). For
 * SQLite, as JSON (an array of rows, each an array of the values of `columns`): the writer parses
 * it and binds the values, except for the stays, which SQLite reads itself (`json_each`) and
 * expands into nights. For MariaDB, as the lines of a tab-separated file (`tsv`) that the writer
 * hands to `LOAD DATA LOCAL INFILE`, the nights of the stays expanded: the worker makes the bytes
 * (escaping every value in the writer's thread had become the load's bottleneck, and MariaDB
 * parsed `insert` statements for half of its time).
 *
 * `stays` is the compact form of `place_nights`: one row per stay `[place_id, first day, nights,
 * booking_id or null, created_at]`, the day counted in the load's day table (`BulkWriter.days`);
 * its nights are the booking's (kind and source `booking`) or the host's blocks (`blocked`, `host`).
 */
export interface BulkRows {
  table: string
  columns: readonly string[]
  /** Rows (in `json` or `tsv`). */
  count: number
  /** SQLite: the rows (empty for MariaDB). */
  json: string
  stays?: true
  /** MariaDB: the rows as UTF-8 lines of tab-separated `columns` (the stays as their nights). */
  tsv?: Uint8Array<ArrayBuffer>
  /** The columns of bytes (a Buffer in the rows), given in hex in `json` and `tsv`. */
  hex?: string[]
}

/** The dates of the day numbers of compact `place_nights` rows: `dates[0]` is day `firstDay`. */
export interface BulkDays {
  firstDay: number
  dates: readonly string[]
}

/** The columns of `place_nights` that a stay's nights are written with. */
const NIGHT_COLUMNS = ['place_id', 'night', 'kind', 'booking_id', 'source', 'created_at'] as const

/** The columns of the compact `place_nights` rows (see `BulkRows.stays`). */
export const STAY_COLUMNS = ['place_id', 'day', 'nights', 'booking_id', 'created_at'] as const

/**
 * The rows of one table as they are generated: `push` one row's values in `columns` order, or `add`
 * a row object (without `columns`, they are the first added row's own, those not undefined, and
 * every later row must have the same). `take` gives them as `BulkRows` (for MariaDB when given the
 * days of the stays) and empties the buffer.
 */
export class RowBuffer {
  private rows: unknown[][] = []
  private picker: ((row: object) => unknown[]) | undefined

  constructor(
    readonly table: string,
    private columns?: readonly string[],
    private readonly stays?: true,
  ) {}

  get count(): number {
    return this.rows.length
  }

  push(...values: unknown[]): void {
    this.rows.push(values)
  }

  add(row: object): void {
    if (!this.picker) {
      this.columns ??= Object.keys(row).filter((k) => (row as Record<string, unknown>)[k] !== undefined)
      const list = this.columns.map((column) => `r[${JSON.stringify(column)}]`).join(', ')
      this.picker = new Function('r', `return [${list}]`) as (row: object) => unknown[]
    }
    this.rows.push(this.picker(row))
  }

  take(mysqlDays?: BulkDays): BulkRows {
    const rows = this.rows
    this.rows = []
    const columns = this.columns ?? []
    const bytes = columns.flatMap((_, i) => (rows[0]?.[i] instanceof Uint8Array ? [i] : []))
    const taken = {
      table: this.table,
      columns,
      count: rows.length,
      ...(this.stays ? { stays: true as const } : {}),
      ...(bytes.length ? { hex: bytes.map((i) => columns[i]!) } : {}),
    }
    for (const row of rows) for (const i of bytes) row[i] = Buffer.from(row[i] as Uint8Array).toString('hex')
    if (!mysqlDays) return { ...taken, json: JSON.stringify(rows) }
    const lines = new TabSeparated(rows.length * 8 * taken.columns.length)
    if (!this.stays) {
      for (const row of rows) lines.row(row)
      return { ...taken, json: '', tsv: lines.bytes() }
    }
    const count = nightsOfStays(rows, mysqlDays, lines)
    return { ...taken, columns: NIGHT_COLUMNS, count, json: '', tsv: lines.bytes() }
  }
}

export interface BulkWriter {
  /** Writes the tables' rows in one transaction, in the order given. */
  write(tables: readonly BulkRows[]): Promise<void>
}

/** Writes the `place_nights` rows of compact stays (see `BulkRows.stays`); returns how many. */
function nightsOfStays(stays: unknown[][], days: BulkDays, lines: TabSeparated): number {
  let count = 0
  for (const [placeId, first, nights, bookingId, at] of stays as [
    string,
    number,
    number,
    string | null,
    string,
  ][]) {
    const head = `${fieldOf(placeId)}\t`
    const tail =
      bookingId === null
        ? `\tblocked\t\\N\thost\t${fieldOf(at)}`
        : `\tbooking\t${fieldOf(bookingId)}\tbooking\t${fieldOf(at)}`
    for (let day = first; day < first + nights; day++)
      lines.line(head + days.dates[day - days.firstDay]! + tail)
    count += nights
  }
  return count
}

/**
 * Rows as `LOAD DATA`'s default format, in UTF-8: a line a row, values separated by tabs, NULL as
 * `\N`, and a backslash before the backslashes, tabs, line ends and NUL bytes of a text. The bytes
 * are written into one buffer as the lines come (no string of them all), which is moved, not
 * copied, to the thread that sends them.
 */
class TabSeparated {
  private buffer: Buffer
  private length = 0

  constructor(expectedBytes: number) {
    this.buffer = Buffer.allocUnsafeSlow(Math.max(1024, expectedBytes))
  }

  row(values: unknown[]): void {
    let text = fieldOf(values[0])
    for (let i = 1; i < values.length; i++) text += `\t${fieldOf(values[i])}`
    this.line(text)
  }

  line(text: string): void {
    const most = text.length * 3 + 1
    if (this.length + most > this.buffer.length) {
      const larger = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.length + most))
      this.buffer.copy(larger, 0, 0, this.length)
      this.buffer = larger
    }
    this.length += this.buffer.write(text, this.length)
    this.buffer[this.length++] = 0x0a
  }

  bytes(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.buffer.buffer as ArrayBuffer, this.buffer.byteOffset, this.length)
  }
}

const SPECIAL = /[\\\t\n\r\0]/
const SPECIALS = /[\\\t\n\r\0]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' }

function fieldOf(value: unknown): string {
  if (value === null || value === undefined) return '\\N'
  if (typeof value === 'number') return String(value)
  if (typeof value !== 'string')
    throw new Error(`a bulk-load value must be a text, a number or null, got ${typeof value}`)
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value
}

/** Rows per multi-row statement on SQLite: more gains nothing measurable. */
const SQLITE_ROWS_PER_STATEMENT = 100

/**
 * Writes bulk-load batches, each in one transaction. `days` are the dates of the day numbers of
 * compact `place_nights` rows.
 *
 * SQLite: on the better-sqlite3 connection itself (nothing else may use it meanwhile), one
 * `insert ... select ... from json_each(?)` per table and batch, prepared once for the whole load:
 * SQLite reads the JSON and, for the stays, makes each night from a temporary table of the days.
 * MariaDB: each table's rows read by `LOAD DATA LOCAL INFILE` from the batch's bytes, in a
 * transaction of the write pool, with the foreign key and unique checks off for it (the generator
 * makes every parent row first, and no duplicate key). A local load turns a row it cannot store
 * into a warning, so the count of rows stored is checked.
 */
export function bulkWriter(database: Database, days: BulkDays): BulkWriter {
  const connection = database.sqlite
  if (database.dialect === 'sqlite' && connection) {
    const statements = new Map<string, BetterSqlite3.Statement>()
    // The day table is temporary, made when first needed (a change of temp_store drops it).
    const dayTable = () => {
      const made = connection.prepare("select 1 from temp.sqlite_master where name = 'bulk_days'").get()
      if (made) return
      statements.clear()
      connection.exec('create temp table bulk_days (day integer primary key, night text not null)')
      const addDay = connection.prepare('insert into temp.bulk_days (day, night) values (?, ?)')
      days.dates.forEach((night, i) => {
        addDay.run(days.firstDay + i, night)
      })
    }
    const statement = (rows: BulkRows, count: number) => {
      const key = `${rows.table}:${rows.stays ? 'stays' : rows.columns.join(',')}:${count}`
      let found = statements.get(key)
      if (!found) {
        const quoted = rows.columns.map((c) => `"${c}"`).join(', ')
        const tuple = `(${rows.columns.map((c) => (rows.hex?.includes(c) ? 'unhex(?)' : '?')).join(', ')})`
        found = connection.prepare(
          rows.stays
            ? `insert into "${rows.table}" (${NIGHT_COLUMNS.map((c) => `"${c}"`).join(', ')})
               select s.value ->> 0, d.night, iif(s.value ->> 3 is null, 'blocked', 'booking'), s.value ->> 3,
                 iif(s.value ->> 3 is null, 'host', 'booking'), s.value ->> 4
               from json_each(?) s join temp.bulk_days d on d.day >= s.value ->> 1 and d.day < (s.value ->> 1) + (s.value ->> 2)`
            : `insert into "${rows.table}" (${quoted}) values ${new Array<string>(count).fill(tuple).join(', ')}`,
        )
        statements.set(key, found)
      }
      return found
    }
    const writeAll = connection.transaction((tables: readonly BulkRows[]) => {
      if (tables.some((rows) => rows.stays)) dayTable()
      for (const rows of tables) {
        if (rows.count === 0) continue
        if (rows.stays) {
          statement(rows, 0).run(rows.json)
          continue
        }
        // Other rows are bound as values, SQLITE_ROWS_PER_STATEMENT rows a statement (measured
        // cheaper than json_each for wide rows, whose every value SQLite would look up in the JSON).
        const values = JSON.parse(rows.json) as unknown[][]
        const chunk = SQLITE_ROWS_PER_STATEMENT
        let row = 0
        if (values.length >= chunk) {
          const multi = statement(rows, chunk)
          for (; row + chunk <= values.length; row += chunk) multi.run(values.slice(row, row + chunk).flat())
        }
        if (row < values.length) {
          const single = statement(rows, 1)
          for (; row < values.length; row++) single.run(values[row]!)
        }
      }
    })
    return { write: async (tables) => writeAll(tables) }
  }
  return {
    write: (tables) =>
      database.write.transaction().execute(async (trx) => {
        // No change rows for the search copy: the load ends with one that reloads it (loadedInBulk).
        await trx.executeQuery(
          CompiledQuery.raw('set foreign_key_checks = 0, unique_checks = 0, @hbnb_search_changes_off = 1'),
        )
        try {
          for (const rows of tables) {
            if (rows.count === 0) continue
            if (!rows.tsv) throw new Error(`${rows.table}: MariaDB's rows come as tab-separated lines`)
            const file = offerLocalFile(rows.tsv)
            try {
              const hex = rows.hex ?? []
              const columns = rows.columns.map((c) => (hex.includes(c) ? `@\`${c}\`` : `\`${c}\``)).join(', ')
              const bytes = hex.map((c) => `\`${c}\` = unhex(@\`${c}\`)`).join(', ')
              const loaded = await trx
                .executeQuery(
                  CompiledQuery.raw(
                    `load data local infile '${file.name}' into table \`${rows.table}\` character set utf8mb4 (${columns})${bytes ? ` set ${bytes}` : ''}`,
                  ),
                )
                .catch((error: { errno?: number }) => {
                  // MariaDB's errors for a server (or client) that does not allow local files.
                  if (error.errno !== 4166 && error.errno !== 1148) throw error
                  throw new Error(
                    'MariaDB refuses LOAD DATA LOCAL INFILE, which a bulk load writes with: turn local_infile on for the load (SET GLOBAL local_infile = 1)',
                    { cause: error },
                  )
                })
              if (Number(loaded.numAffectedRows) !== rows.count) {
                throw new Error(`${rows.table}: ${loaded.numAffectedRows} of ${rows.count} rows loaded`)
              }
            } finally {
              file.release()
            }
          }
        } finally {
          await trx.executeQuery(
            CompiledQuery.raw(
              'set foreign_key_checks = 1, unique_checks = 1, @hbnb_search_changes_off = null',
            ),
          )
        }
      }),
  }
}
