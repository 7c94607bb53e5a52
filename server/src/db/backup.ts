// Database backups (`hbnb beat`'s nightly job) and `hbnb restore <file>`.
//
// SQLite: better-sqlite3's online backup API copies the live database page by page into a file
// that is itself a SQLite database, while the app keeps writing.
//
// MariaDB/MySQL: a JSON-lines dump of every table, read inside one REPEATABLE READ transaction
// started WITH CONSISTENT SNAPSHOT, so every table is seen at the same instant. We chose this over
// spawning `mariadb-dump --single-transaction` because it needs no client binaries on the host (or
// in the container), uses the same connection URL and driver as the app, and `hbnb restore` can
// read it back with no external tool; it streams rows, so large tables are not held in memory.
import { once } from 'node:events'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import BetterSqlite3 from 'better-sqlite3'
import { type Kysely, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import { createDatabase, type Database, sqlitePath } from './database.js'
import { PRICE_SCALES_KEY } from './migrations/0024_search_price_scaled.js'
import { migrationProvider } from './migrations/index.js'
import type { DB } from './schema.js'

const FORMAT = 'hbnb-backup'
/** Not in backups: the migrations' own, and the search copies' change log (a restore starts a new one). */
const UNSAVED_TABLES = new Set(['kysely_migration', 'kysely_migration_lock', 'search_changes'])
/** Backup files: `hbnb-<UTC timestamp>.sqlite` or `.jsonl`; sorting by name sorts by age. */
export const BACKUP_NAME = /^hbnb-\d{8}T\d{6}(\d{3})?Z\.(sqlite|jsonl)$/
const MAX_PARAMETERS = 30_000

interface DumpHeader {
  format: typeof FORMAT
  version: 1
  dialect: Database['dialect']
  created_at: string
  migrations: string[]
}

type Row = Record<string, unknown>

function stamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace('.', '')
}

/** Writes a backup of the database into `dir` and returns its path. */
export async function backupDatabase(database: Database, dir: string, at = new Date()): Promise<string> {
  await mkdir(dir, { recursive: true })
  const extension = database.dialect === 'sqlite' ? 'sqlite' : 'jsonl'
  const file = join(dir, `hbnb-${stamp(at)}.${extension}`)
  const partial = `${file}.partial`
  try {
    if (database.dialect === 'sqlite') {
      if (!database.sqlite) throw new Error('the SQLite driver does not expose its connection')
      await database.sqlite.backup(partial)
    } else {
      await dumpMysql(database, partial, at)
    }
    await rename(partial, file)
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  }
  return file
}

/** Keeps the newest `keep` backups in `dir` and deletes the others; returns the deleted paths. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  if (!existsSync(dir)) return []
  const names = (await readdir(dir)).filter((name) => BACKUP_NAME.test(name)).sort()
  const doomed = names.slice(0, Math.max(0, names.length - keep)).map((name) => join(dir, name))
  for (const path of doomed) await rm(path, { force: true })
  return doomed
}

async function userTables(db: Kysely<DB>, dialect: Database['dialect']): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await sql<{
          name: string
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = database() and table_type = 'BASE TABLE'`.execute(db)
  return rows.rows.map((r) => r.name).sort()
}

async function dumpMysql(database: Database, path: string, at: Date): Promise<void> {
  const out = createWriteStream(path)
  const write = async (value: unknown) => {
    if (!out.write(`${JSON.stringify(value, encodeValue)}\n`)) await once(out, 'drain')
  }
  try {
    await database.write.connection().execute(async (db) => {
      await sql`set transaction isolation level repeatable read`.execute(db)
      await sql`start transaction with consistent snapshot, read only`.execute(db)
      try {
        const tables = await userTables(db, 'mysql')
        const migrations = await sql<{
          name: string
        }>`select name from kysely_migration order by name`.execute(db)
        const header: DumpHeader = {
          format: FORMAT,
          version: 1,
          dialect: 'mysql',
          created_at: at.toISOString(),
          migrations: migrations.rows.map((r) => r.name),
        }
        await write(header)
        // Generated columns (places.search_cell) are made again by the restore's inserts.
        const generated = await sql<{ table_name: string; column_name: string }>`select table_name,
          column_name from information_schema.columns where table_schema = database() and is_generated = 'ALWAYS'`.execute(
          db,
        )
        for (const table of tables) {
          if (UNSAVED_TABLES.has(table)) continue
          const skipped = generated.rows.filter((c) => c.table_name === table).map((c) => c.column_name)
          await write({ table })
          for await (const row of db
            .selectFrom(table as keyof DB)
            .selectAll()
            .stream(500)) {
            for (const column of skipped) delete (row as Row)[column]
            // Describes this database's own generated column: the restore's migrations write it.
            if (table === 'app_meta' && (row as Row).key === PRICE_SCALES_KEY) continue
            await write({ row })
          }
        }
      } finally {
        await sql`commit`.execute(db)
      }
    })
  } finally {
    out.end()
    await once(out, 'close')
  }
}

function encodeValue(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer') {
    return { $base64: Buffer.from((value as { data: number[] }).data).toString('base64') }
  }
  return value
}

function decodeRow(row: Row): Row {
  for (const [key, value] of Object.entries(row)) {
    if (value && typeof value === 'object' && '$base64' in value) {
      row[key] = Buffer.from(String((value as { $base64: string }).$base64), 'base64')
    }
  }
  return row
}

export class RestoreError extends Error {}

/** Restores a backup file into the (empty) database at `url`; returns a summary line. */
export async function restoreDatabase(url: string, file: string): Promise<string> {
  if (!existsSync(file) || !(await stat(file)).isFile()) throw new RestoreError(`no backup file at ${file}`)
  const database = createDatabase(url)
  try {
    const tables = await userTables(database.write, database.dialect)
    if (tables.length > 0) {
      throw new RestoreError(
        `refusing to restore: the target database is not empty (${tables.length} table(s), e.g. ${tables
          .slice(0, 3)
          .join(', ')}). Restore only into an empty database: create a new one (or remove the SQLite ` +
          'file) and point HBNB_DATABASE_URL at it.',
      )
    }
    if (file.endsWith('.jsonl')) return await restoreDump(database, file)
    if (database.dialect !== 'sqlite') {
      throw new RestoreError('a SQLite backup (.sqlite) restores into a SQLite database only')
    }
  } finally {
    await database.close()
  }
  // SQLite file backup: copy it over the empty target with the online backup API.
  const target = sqlitePath(url)
  if (target === ':memory:') throw new RestoreError('cannot restore into an in-memory SQLite database')
  const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true })
  try {
    const check = source
      .prepare(`select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'`)
      .get() as { n: number }
    if (check.n !== 1) throw new RestoreError(`${file} is not an HBNB SQLite backup`)
    await source.backup(target)
  } finally {
    source.close()
  }
  return `restored ${file} into ${target}`
}

async function restoreDump(database: Database, file: string): Promise<string> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })
  const iterator = lines[Symbol.asyncIterator]()
  const first = await iterator.next()
  const header = (first.done ? undefined : JSON.parse(first.value)) as DumpHeader | undefined
  if (header?.format !== FORMAT || header.version !== 1) {
    throw new RestoreError(`${file} is not an HBNB backup (unknown format)`)
  }
  const known = Object.keys(await migrationProvider.getMigrations()).sort()
  const last = header.migrations.at(-1)
  if (!last || header.migrations.some((name, i) => known[i] !== name)) {
    throw new RestoreError(
      `${file} was made with migrations this version does not know (${header.migrations.join(', ')})`,
    )
  }
  // The schema as of the backup; `hbnb migrate up` afterwards brings it up to date.
  const result = await new Migrator({ db: database.write, provider: migrationProvider }).migrateTo(last)
  if (result.error) throw result.error

  let rowsRestored = 0
  let tablesRestored = 0
  await database.write.connection().execute(async (db) => {
    const foreignKeys = (on: boolean) =>
      database.dialect === 'sqlite'
        ? sql.raw(`pragma foreign_keys = ${on ? 'on' : 'off'}`).execute(db)
        : sql
            .raw(`set foreign_key_checks = ${on ? 1 : 0}, @hbnb_search_changes_off = ${on ? 'null' : 1}`)
            .execute(db)
    await foreignKeys(false)
    try {
      let table: string | undefined
      let batch: Row[] = []
      const flush = async () => {
        if (!table || batch.length === 0) return
        const rows = batch
        batch = []
        await db
          .insertInto(table as keyof DB)
          .values(rows as never)
          .execute()
        rowsRestored += rows.length
      }
      await sql`begin`.execute(db)
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        if (!next.value) continue
        const entry = JSON.parse(next.value) as { table?: string; row?: Row }
        if (entry.table) {
          await flush()
          table = entry.table
          tablesRestored++
        } else if (entry.row) {
          batch.push(decodeRow(entry.row))
          const columns = Object.keys(entry.row).length || 1
          if (batch.length >= Math.min(500, Math.floor(MAX_PARAMETERS / columns))) await flush()
        }
      }
      await flush()
      await sql`commit`.execute(db)
    } catch (error) {
      await sql`rollback`.execute(db).catch(() => {})
      throw error
    } finally {
      await foreignKeys(true)
    }
  })
  return `restored ${rowsRestored} rows into ${tablesRestored} tables from ${file}`
}
