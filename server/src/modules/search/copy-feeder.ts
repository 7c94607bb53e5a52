// The search copy's feeder: one process per machine keeps a SQLite file with MariaDB's rows that a
// search reads, so that the API processes answer searches from it with SQLite's search statements
// (search-copy.ts) instead of waiting on MariaDB. It loads every such row in one consistent
// snapshot into a new file, renames it into place, then follows `search_changes` (migration 0025):
// each change names a place whose rows it reads again from MariaDB and writes over the copy's.
// MariaDB stays the source of truth and the guard against double bookings.
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { bulkLoadSettings, dropSecondaryIndexes, restoreIndexes } from '../../db/bulk-load.js'
import type { Database } from '../../db/database.js'
import { migrateUp } from '../../db/migrate.js'
import { createSqliteDatabase } from '../../db/sqlite.js'
import type { Logger } from '../../logger.js'
import {
  AMENITY_TABLES,
  COPIED_TABLES,
  CopyFileRepository,
  CopySourceRepository,
  PLACE_TABLES,
  type Row,
  type Snapshot,
} from './copy-repository.js'
import { AppliedThroughWriter } from './copy-state.js'

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
}

class ReloadNeeded extends Error {}

interface Position {
  /** The highest change seq seen. */
  seen: number
  /** Changes below `seen` not seen yet, with when they were first missed. */
  gaps: Map<number, number>
}

export class SearchCopyFeeder {
  private readonly source: CopySourceRepository
  private copy: { file: BetterSqlite3.Database; rows: CopyFileRepository } | undefined
  /** The inode of the copy's file, which the state names. */
  private inode = 0
  private state: AppliedThroughWriter | undefined
  private lock: BetterSqlite3.Database | undefined
  private stopped = false
  private wake: (() => void) | undefined

  constructor(private readonly options: SearchCopyFeederOptions) {
    this.source = new CopySourceRepository(options.source.write)
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
    this.copy?.file.close()
    this.copy = undefined
    this.state?.close()
    this.state = undefined
    this.lock?.close()
    this.lock = undefined
  }

  /** True once this process holds the copy's lock; throws when the file cannot be made there at all. */
  private takeLock(): boolean {
    mkdirSync(dirname(this.options.path), { recursive: true })
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
    const { logger, path } = this.options
    let told: 'locked' | 'unusable' | undefined
    while (!this.stopped) {
      if (!this.lock) {
        let locked = false
        try {
          locked = this.takeLock()
          if (!locked && told !== 'locked') logger.info({ path }, 'search copy: another process feeds it')
          told = 'locked'
        } catch (error) {
          if (told !== 'unusable') {
            logger.error(
              { err: error, path },
              'search copy: cannot write the copy there (set HBNB_SEARCH_COPY to a writable local path); searches read MariaDB',
            )
          }
          told = 'unusable'
        }
        if (!locked) {
          await this.sleep(LOCK_RETRY_MS)
          continue
        }
      }
      try {
        const position = await this.load()
        await this.follow(position)
      } catch (error) {
        if (this.stopped) return
        if (error instanceof ReloadNeeded) logger.info(`search copy: loading again (${error.message})`)
        else logger.error({ err: error }, 'search copy: failed; loading it again in 5 s')
        this.copy?.file.close()
        this.copy = undefined
        if (!(error instanceof ReloadNeeded)) await this.sleep(5000)
      }
    }
  }

  /** Every row a search reads, from one snapshot of MariaDB, into a new file renamed over the copy. */
  private async load(): Promise<Position> {
    const { path } = this.options
    const started = Date.now()
    const loading = `${path}.loading`
    removeDatabaseFiles(loading)
    const target = createSqliteDatabase(loading)
    let loaded: { position: Position; snapshotAt: number; rows: number }
    try {
      loaded = await this.loadInto(target)
    } finally {
      await target.close()
    }
    if (this.stopped) throw new ReloadNeeded('stopped')
    removeDatabaseFiles(path)
    renameSync(loading, path)
    const file = openCopy(path)
    this.copy = { file, rows: new CopyFileRepository(file) }
    this.inode = statSync(path).ino
    this.state!.write({ inode: this.inode, instant: loaded.snapshotAt })
    this.options.logger.info(
      { path, rows: loaded.rows, seconds: Math.round((Date.now() - started) / 100) / 10 },
      'search copy: loaded; following changes',
    )
    return loaded.position
  }

  /** The rows into `target` (a new file), its indexes and statistics; the position of its snapshot. */
  private async loadInto(target: Database) {
    const { path, logger } = this.options
    await migrateUp(target)
    const copy = new CopyFileRepository(target.sqlite!)
    copy.dropTriggers()
    // As a bulk seed: the indexes built once after the rows, the file written without a journal.
    await dropSecondaryIndexes(target, COPIED_TABLES)
    await bulkLoadSettings(target, true)
    logger.info({ path }, 'search copy: loading')
    let rows = 0
    let snapshotAt = 0
    const position = await this.source.inSnapshot(
      () => {
        snapshotAt = Date.now()
      },
      async (snapshot) => {
        const position = await this.snapshotPosition(snapshot)
        for (const table of COPIED_TABLES) {
          const columns = copy.columns(table)
          const write = copy.inserter(table, columns)
          let batch: Row[] = []
          for await (const row of this.source.streamRows(snapshot, table, columns)) {
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
      },
    )
    await restoreIndexes(target)
    copy.analyze()
    await bulkLoadSettings(target, false)
    target.sqlite!.pragma('journal_mode = delete')
    return { position, snapshotAt, rows }
  }

  /** The change log's position in the load's snapshot: its last change, and those missing just before it. */
  private async snapshotPosition(snapshot: Snapshot): Promise<Position> {
    const { last, seqs } = await this.source.changeSeqs(snapshot, GAPS_MAX)
    const present = new Set(seqs)
    const gaps = new Map<number, number>()
    const now = Date.now()
    for (let seq = Math.max(1, last - GAPS_MAX + 1); seq < last; seq++)
      if (!present.has(seq)) gaps.set(seq, now)
    return { seen: last, gaps }
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
        if (Date.now() - lastPurge > PURGE_EVERY_MS) {
          lastPurge = Date.now()
          await this.source.purgeChanges(CHANGES_KEPT_MS)
        }
      } catch (error) {
        if (error instanceof ReloadNeeded || this.stopped) throw error
        failingSince ??= Date.now()
        this.options.logger.warn(
          { err: error },
          'search copy: could not read changes; searches read MariaDB once it lags',
        )
        if (Date.now() - failingSince > FOLLOW_FAILURE_MAX_MS)
          throw new ReloadNeeded('changes unread for too long')
      }
      if (caughtUp) await this.sleep(this.options.pollMs)
    }
  }

  /** One read of the change log and its changes applied; true when it read every change there was. */
  private async poll(position: Position): Promise<boolean> {
    const startedAt = Date.now()
    const changes = await this.source.changes(position.seen, [...position.gaps.keys()], CHANGES_PER_POLL)
    const places = new Set<string>()
    let amenities = false
    for (const change of changes) {
      const seq = change.seq
      if (seq - position.seen > GAPS_MAX) throw new ReloadNeeded(`${seq - position.seen - 1} changes missing`)
      for (let missing = position.seen + 1; missing < seq; missing++) position.gaps.set(missing, startedAt)
      position.gaps.delete(seq)
      position.seen = Math.max(position.seen, seq)
      if (change.kind === 'all') throw new ReloadNeeded('a bulk load changed every place')
      if (change.kind === 'amenities') amenities = true
      else if (change.kind === 'owner') for (const id of this.copy!.rows.placesOf(change.id!)) places.add(id)
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

  /** Reads the places' rows (and the amenities) from MariaDB again and writes them over the copy's. */
  private async apply(places: string[], amenities: boolean) {
    const copy = this.copy!.rows
    for (let i = 0; i < places.length; i += PLACES_PER_READ) {
      const ids = places.slice(i, i + PLACES_PER_READ)
      const read = await Promise.all(
        PLACE_TABLES.map((spec) => this.source.placeRows(spec, copy.columns(spec.table), ids)),
      )
      copy.replacePlaces(ids, read)
    }
    if (!amenities) return
    copy.replaceAmenities(
      await Promise.all(AMENITY_TABLES.map((table) => this.source.allRows(table, copy.columns(table)))),
    )
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
