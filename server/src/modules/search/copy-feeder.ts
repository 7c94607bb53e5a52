// The search copy's feeder: one process per machine keeps a SQLite file with MariaDB's rows that a
// search reads, so that the API processes answer searches from it with SQLite's search statements
// (search-copy.ts) instead of waiting on MariaDB. It loads every such row in one consistent
// snapshot into a new file, renames it into place, then follows `search_changes` (migration 0025):
// each change names a place whose rows it reads again from MariaDB and writes over the copy's.
// MariaDB stays the source of truth and the guard against double bookings.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs'
import BetterSqlite3 from 'better-sqlite3'
import { type Kysely, sql } from 'kysely'
import { bulkLoadSettings, dropSecondaryIndexes, restoreIndexes } from '../../db/bulk-load.js'
import type { Database } from '../../db/database.js'
import { migrateUp } from '../../db/migrate.js'
import type { DB } from '../../db/schema.js'
import { createSqliteDatabase } from '../../db/sqlite.js'
import type { Logger } from '../../logger.js'
import { AppliedThroughWriter } from './copy-state.js'

/** A place's rows, by table: the column naming the place, and which rows a search needs. */
const PLACE_TABLES: { table: keyof DB; place: string; only?: string }[] = [
  { table: 'places', place: 'id' },
  // Search reads a place's amenities from its mask, and from place_amenities only when the mask is
  // NULL (search/amenity-bits-repository.ts): the other rows, nine tenths of the copy, are left out.
  {
    table: 'place_amenities',
    place: 'place_id',
    only: 'exists (select 1 from places p where p.id = place_amenities.place_id and p.amenity_mask is null)',
  },
  { table: 'night_prices', place: 'place_id' },
  { table: 'photos', place: 'place_id', only: `status = 'ready'` },
  // Checkout holds: the places' records hold every other taken night.
  { table: 'place_nights', place: 'place_id', only: 'expires_at is not null' },
]
const AMENITY_TABLES: (keyof DB)[] = ['amenities', 'amenity_bits']
const COPIED_TABLES = [...PLACE_TABLES.map((t) => t.table), ...AMENITY_TABLES]
/** Columns MariaDB and SQLite keep differently and no search reads. */
const NOT_COPIED = new Set(['row_version'])

const CHANGES_PER_POLL = 5000
const PLACES_PER_READ = 500
const ROWS_PER_TRANSACTION = 5000
/** A change not seen yet whose neighbours are: waited for this long (its transaction may still commit). */
const GAP_WAIT_MS = 60_000
/** More missing changes than this: load everything again rather than track them. */
const GAPS_MAX = 10_000
/** A poll failing for longer than this: the change log may have been purged since; load again. */
const FOLLOW_FAILURE_MAX_MS = 10 * 60_000
/** Changes older than this are deleted from `search_changes` (every copy has applied them by then). */
const CHANGES_KEPT_MS = 60 * 60_000
const PURGE_EVERY_MS = 60_000
const LOCK_RETRY_MS = 5000

export interface SearchCopyFeederOptions {
  /** MariaDB (the primary: changes must be read as soon as they commit). */
  source: Database
  path: string
  pollMs: number
  logger: Logger
  now?: () => number
}

class ReloadNeeded extends Error {}

interface Position {
  /** The highest change seq seen. */
  seen: number
  /** Changes below `seen` not seen yet, with when they were first missed. */
  gaps: Map<number, number>
}

type Row = Record<string, unknown>

export class SearchCopyFeeder {
  private copy: BetterSqlite3.Database | undefined
  /** The inode of the copy's file, which the state names. */
  private inode = 0
  private state: AppliedThroughWriter | undefined
  private lock: BetterSqlite3.Database | undefined
  private stopped = false
  private wake: (() => void) | undefined
  private readonly now: () => number

  constructor(private readonly options: SearchCopyFeederOptions) {
    this.now = options.now ?? Date.now
  }

  /**
   * Runs until `stop`: takes the copy's lock (one feeder per file; while another process holds it,
   * tries again every few seconds), loads, follows, and loads again after a failure it cannot
   * follow past.
   */
  start() {
    void this.run()
  }

  async stop() {
    this.stopped = true
    this.wake?.()
    this.copy?.close()
    this.copy = undefined
    this.state?.close()
    this.state = undefined
    this.lock?.close()
    this.lock = undefined
  }

  private takeLock(): boolean {
    const lock = new BetterSqlite3(`${this.options.path}.lock`)
    try {
      lock.pragma('busy_timeout = 0')
      lock.exec('begin exclusive')
    } catch {
      lock.close()
      return false
    }
    this.lock = lock
    this.state = new AppliedThroughWriter(this.options.path)
    return true
  }

  private async run() {
    const { logger } = this.options
    let toldLocked = false
    while (!this.stopped) {
      if (!this.lock && !this.takeLock()) {
        if (!toldLocked) logger.info({ path: this.options.path }, 'search copy: another process feeds it')
        toldLocked = true
        await this.sleep(LOCK_RETRY_MS)
        continue
      }
      try {
        const position = await this.load()
        await this.follow(position)
      } catch (error) {
        if (this.stopped) return
        if (error instanceof ReloadNeeded) logger.info(`search copy: loading again (${error.message})`)
        else logger.error({ err: error }, 'search copy: failed; loading it again in 5 s')
        this.copy?.close()
        this.copy = undefined
        if (!(error instanceof ReloadNeeded)) await this.sleep(5000)
      }
    }
  }

  /** Every row a search reads, from one snapshot of MariaDB, into a new file renamed over the copy. */
  private async load(): Promise<Position> {
    const { path, logger, source } = this.options
    const started = this.now()
    const loading = `${path}.loading`
    removeDatabaseFiles(loading)
    const target = createSqliteDatabase(loading)
    await migrateUp(target)
    const file = target.sqlite!
    for (const { name } of file.prepare(`select name from sqlite_master where type = 'trigger'`).all() as {
      name: string
    }[]) {
      file.exec(`drop trigger "${name}"`)
    }
    // As a bulk seed: the indexes built once after the rows, the file written without a journal.
    await dropSecondaryIndexes(target, COPIED_TABLES)
    await bulkLoadSettings(target, true)
    logger.info({ path }, 'search copy: loading')
    let rows = 0
    let snapshotAt = 0
    const position = await source.write.connection().execute(async (db) => {
      await sql`set transaction isolation level repeatable read`.execute(db)
      // Every change committed before this instant is in the snapshot.
      snapshotAt = this.now()
      await sql`start transaction with consistent snapshot, read only`.execute(db)
      try {
        const position = await snapshotPosition(db)
        for (const spec of COPIED_TABLES) {
          const only = PLACE_TABLES.find((t) => t.table === spec)?.only
          const columns = copiedColumns(file, spec)
          const insert = insertStatement(file, spec, columns)
          const write = file.transaction((batch: Row[]) => {
            for (const row of batch) insert.run(columns.map((c) => row[c]))
          })
          let batch: Row[] = []
          let query = (db as unknown as Kysely<Record<string, Row>>).selectFrom(spec).select(columns)
          if (only) query = query.where(sql.raw<boolean>(only))
          for await (const row of query.stream(1000)) {
            batch.push(row)
            if (batch.length >= ROWS_PER_TRANSACTION) {
              write(batch)
              rows += batch.length
              batch = []
            }
          }
          write(batch)
          rows += batch.length
        }
        return position
      } finally {
        await sql`commit`.execute(db)
      }
    })
    await restoreIndexes(target)
    // Statistics for SQLite's planner, as `hbnb seed --places` gathers them.
    file.pragma('analysis_limit = 1000')
    file.exec('analyze')
    await bulkLoadSettings(target, false)
    file.pragma('journal_mode = delete')
    await target.close()
    removeDatabaseFiles(path)
    renameSync(loading, path)
    this.copy = openCopy(path)
    this.inode = statSync(path).ino
    this.state!.write({ inode: this.inode, instant: snapshotAt })
    logger.info(
      { path, rows, seconds: Math.round((this.now() - started) / 100) / 10 },
      'search copy: loaded; following changes',
    )
    return position
  }

  /** Applies changes as they come, until stopped or a change asks for a new load. */
  private async follow(position: Position) {
    let lastPurge = 0
    let failingSince: number | undefined
    while (!this.stopped) {
      let caughtUp = false
      try {
        caughtUp = await this.poll(position)
        if (failingSince !== undefined) this.options.logger.info('search copy: following changes again')
        failingSince = undefined
        if (this.now() - lastPurge > PURGE_EVERY_MS) {
          lastPurge = this.now()
          await purgeChanges(this.options.source, lastPurge - CHANGES_KEPT_MS)
        }
      } catch (error) {
        if (error instanceof ReloadNeeded || this.stopped) throw error
        failingSince ??= this.now()
        this.options.logger.warn(
          { err: error },
          'search copy: could not read changes; searches read MariaDB once it lags',
        )
        if (this.now() - failingSince > FOLLOW_FAILURE_MAX_MS)
          throw new ReloadNeeded('changes unread for too long')
      }
      if (caughtUp) await this.sleep(this.options.pollMs)
    }
  }

  /** One read of the change log and its changes applied; true when it read every change there was. */
  private async poll(position: Position): Promise<boolean> {
    const source = this.options.source.write
    const startedAt = this.now()
    const gaps = [...position.gaps.keys()]
    const changes = await source
      .selectFrom('search_changes')
      .select(['seq', 'kind', 'id'])
      .where((eb) =>
        gaps.length
          ? eb.or([eb('seq', '>', position.seen), eb('seq', 'in', gaps)])
          : eb('seq', '>', position.seen),
      )
      .orderBy('seq')
      .limit(CHANGES_PER_POLL)
      .execute()
    const places = new Set<string>()
    let amenities = false
    for (const change of changes) {
      const seq = Number(change.seq)
      for (let missing = position.seen + 1; missing < seq; missing++) position.gaps.set(missing, startedAt)
      position.gaps.delete(seq)
      position.seen = Math.max(position.seen, seq)
      if (change.kind === 'all') throw new ReloadNeeded('a bulk load changed every place')
      if (change.kind === 'amenities') amenities = true
      else if (change.kind === 'owner') for (const id of this.placesOf(change.id!)) places.add(id)
      else places.add(change.id!)
    }
    for (const [seq, missedAt] of position.gaps)
      if (startedAt - missedAt > GAP_WAIT_MS) position.gaps.delete(seq)
    if (position.gaps.size > GAPS_MAX) throw new ReloadNeeded(`${position.gaps.size} changes missing`)
    await this.apply([...places], amenities)
    const caughtUp = changes.length < CHANGES_PER_POLL
    if (caughtUp) this.state!.write({ inode: this.inode, instant: startedAt })
    return caughtUp
  }

  /** The copy's ids of the places of an owner (deleted with them: MariaDB's cascade wrote no change). */
  private placesOf(ownerId: string): string[] {
    return (
      this.copy!.prepare('select id from places where owner_id = ?').all(ownerId) as { id: string }[]
    ).map((row) => row.id)
  }

  /** Reads the places' rows (and the amenities) from MariaDB again and writes them over the copy's. */
  private async apply(places: string[], amenities: boolean) {
    const copy = this.copy!
    const source = this.options.source.write
    for (let i = 0; i < places.length; i += PLACES_PER_READ) {
      const ids = places.slice(i, i + PLACES_PER_READ)
      const read = await Promise.all(
        PLACE_TABLES.map(async (spec) => {
          const columns = copiedColumns(copy, spec.table)
          const { rows } = await sql<Row>`select ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(
            spec.table,
          )} where ${sql.ref(spec.place)} in (${sql.join(ids)}) ${spec.only ? sql.raw(`and ${spec.only}`) : sql``}`.execute(
            source,
          )
          return { spec, columns, rows }
        }),
      )
      copy.transaction(() => {
        for (const { spec, columns, rows } of read) {
          const placeholders = ids.map(() => '?').join(', ')
          copy.prepare(`delete from ${spec.table} where ${spec.place} in (${placeholders})`).run(ids)
          const insert = insertStatement(copy, spec.table, columns)
          for (const row of rows) insert.run(columns.map((c) => row[c]))
        }
      })()
    }
    if (!amenities) return
    const read = await Promise.all(
      AMENITY_TABLES.map(async (table) => {
        const columns = copiedColumns(copy, table)
        const { rows } = await sql<Row>`select ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(
          table,
        )}`.execute(source)
        return { table, columns, rows }
      }),
    )
    copy.transaction(() => {
      for (const { table, columns, rows } of read) {
        copy.prepare(`delete from ${table}`).run()
        const insert = insertStatement(copy, table, columns)
        for (const row of rows) insert.run(columns.map((c) => row[c]))
      }
      copy.prepare('delete from place_amenities where amenity_id not in (select id from amenities)').run()
    })()
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wake = done
    })
  }
}

/** The change log's position in the load's snapshot: its last change, and those missing just before it. */
async function snapshotPosition(db: Kysely<DB>): Promise<Position> {
  const last = await db
    .selectFrom('search_changes')
    .select(sql<number>`coalesce(max(seq), 0)`.as('seq'))
    .executeTakeFirstOrThrow()
  const seen = Number(last.seq)
  const recent = await db
    .selectFrom('search_changes')
    .select('seq')
    .where('seq', '>', seen - GAPS_MAX)
    .execute()
  const present = new Set(recent.map((r) => Number(r.seq)))
  const gaps = new Map<number, number>()
  const now = Date.now()
  for (let seq = Math.max(1, seen - GAPS_MAX + 1); seq < seen; seq++)
    if (!present.has(seq)) gaps.set(seq, now)
  return { seen, gaps }
}

async function purgeChanges(source: Database, before: number) {
  const cutoff = new Date(before).toISOString().replace('T', ' ').replace('Z', '')
  await source.write.deleteFrom('search_changes').where('changed_at', '<', cutoff).limit(10_000).execute()
}

/** The columns of `table` the copy keeps (its SQLite columns but those no search reads). */
function copiedColumns(file: BetterSqlite3.Database, table: string): string[] {
  const columns = file.prepare(`select name from pragma_table_info(?)`).all(table) as { name: string }[]
  return columns.map((c) => c.name).filter((name) => !NOT_COPIED.has(name))
}

function insertStatement(file: BetterSqlite3.Database, table: string, columns: string[]) {
  return file.prepare(
    `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
  )
}

/** The copy opened for the feeder's writes: WAL (the API processes read while it writes), no fsync. */
function openCopy(path: string): BetterSqlite3.Database {
  const file = new BetterSqlite3(path, { fileMustExist: true })
  file.pragma('journal_mode = wal')
  file.pragma('synchronous = off')
  file.pragma('foreign_keys = off')
  return file
}

function removeDatabaseFiles(path: string) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (existsSync(path + suffix)) rmSync(path + suffix)
  }
}
