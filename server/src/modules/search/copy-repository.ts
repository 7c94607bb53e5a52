// The search copy's statements: what its feeder reads from MariaDB (the rows a search reads, and
// `search_changes`), and how it writes them into the copy's SQLite file.
import type BetterSqlite3 from 'better-sqlite3'
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'

export type Row = Record<string, unknown>
/** A connection inside the load's snapshot (CopySourceRepository.inSnapshot). */
export type Snapshot = Kysely<DB>

/** A place's rows, by table: the column naming the place, and which rows a search needs. */
export interface PlaceTable {
  table: keyof DB
  place: string
  only?: string
}

export const PLACE_TABLES: PlaceTable[] = [
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
export const AMENITY_TABLES: (keyof DB)[] = ['amenities', 'amenity_bits']
export const COPIED_TABLES = [...PLACE_TABLES.map((t) => t.table), ...AMENITY_TABLES]
/** Columns MariaDB and SQLite keep differently and no search reads. */
const NOT_COPIED = new Set(['row_version'])

export interface Change {
  seq: number
  kind: DB['search_changes']['kind']
  id: string | null
}

/** A table's rows as read from MariaDB, with the columns the copy keeps. */
export interface TableRows {
  table: string
  place?: string
  columns: string[]
  rows: Row[]
}

const selectColumns = (columns: string[]) => sql.join(columns.map((c) => sql.ref(c)))

/** MariaDB's side (the primary: changes must be read as soon as they commit). */
export class CopySourceRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * `work` on one connection inside one consistent, read-only snapshot. `starting` runs just before
   * the snapshot is taken: every change committed before then is in it.
   */
  inSnapshot<T>(starting: () => void, work: (snapshot: Snapshot) => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (db) => {
      await sql`set transaction isolation level repeatable read`.execute(db)
      starting()
      await sql`start transaction with consistent snapshot, read only`.execute(db)
      try {
        return await work(db)
      } finally {
        await sql`commit`.execute(db)
      }
    })
  }

  /** The last change's seq (0 when none), and the seqs of the last `window` changes there could be. */
  async changeSeqs(db: Snapshot, window: number): Promise<{ last: number; seqs: number[] }> {
    const row = await db
      .selectFrom('search_changes')
      .select(sql<number>`coalesce(max(seq), 0)`.as('seq'))
      .executeTakeFirstOrThrow()
    const last = Number(row.seq)
    const rows = await db
      .selectFrom('search_changes')
      .select('seq')
      .where('seq', '>', last - window)
      .execute()
    return { last, seqs: rows.map((r) => Number(r.seq)) }
  }

  /** Every row of `table` a search needs (PLACE_TABLES' `only`), streamed. */
  streamRows(db: Snapshot, table: keyof DB, columns: string[]): AsyncIterable<Row> {
    const only = PLACE_TABLES.find((t) => t.table === table)?.only
    let query = (db as unknown as Kysely<Record<string, Row>>).selectFrom(table).select(columns)
    if (only) query = query.where(sql.raw<boolean>(only))
    return query.stream(1000)
  }

  /** The changes after `seen`, and those of `gaps` (seqs skipped so far), in order. */
  async changes(seen: number, gaps: number[], limit: number): Promise<Change[]> {
    const rows = await this.db
      .selectFrom('search_changes')
      .select(['seq', 'kind', 'id'])
      .where((eb) =>
        gaps.length ? eb.or([eb('seq', '>', seen), eb('seq', 'in', gaps)]) : eb('seq', '>', seen),
      )
      .orderBy('seq')
      .limit(limit)
      .execute()
    return rows.map((row) => ({ ...row, seq: Number(row.seq) }))
  }

  /** The rows of `spec.table` a search needs, of these places. */
  async placeRows(spec: PlaceTable, columns: string[], ids: string[]): Promise<TableRows> {
    const only = spec.only ? sql.raw(`and ${spec.only}`) : sql``
    const { rows } = await sql<Row>`select ${selectColumns(columns)} from ${sql.table(spec.table)}
      where ${sql.ref(spec.place)} in (${sql.join(ids)}) ${only}`.execute(this.db)
    return { table: spec.table, place: spec.place, columns, rows }
  }

  /** Every row of a (small) table. */
  async allRows(table: keyof DB, columns: string[]): Promise<TableRows> {
    const { rows } = await sql<Row>`select ${selectColumns(columns)} from ${sql.table(table)}`.execute(
      this.db,
    )
    return { table, columns, rows }
  }

  /** Deletes changes older than `keptMs`, by MariaDB's clock (which wrote `changed_at`). */
  async purgeChanges(keptMs: number) {
    await this.db
      .deleteFrom('search_changes')
      .where('changed_at', '<', sql<string>`now(6) - interval ${keptMs / 1000} second`)
      .limit(10_000)
      .execute()
  }
}

/** The copy's side: its SQLite file, written by the feeder only. */
export class CopyFileRepository {
  private readonly columnsOf = new Map<string, string[]>()
  private readonly inserts = new Map<string, BetterSqlite3.Statement>()

  constructor(private readonly file: BetterSqlite3.Database) {}

  /** The copy has no triggers: its rows come as MariaDB has them. */
  dropTriggers() {
    const triggers = this.file.prepare(`select name from sqlite_master where type = 'trigger'`).all() as {
      name: string
    }[]
    for (const { name } of triggers) this.file.exec(`drop trigger "${name}"`)
  }

  /** The columns of `table` the copy keeps (its SQLite columns but those no search reads). */
  columns(table: string): string[] {
    let names = this.columnsOf.get(table)
    if (!names) {
      const columns = this.file.prepare(`select name from pragma_table_info(?)`).all(table) as {
        name: string
      }[]
      names = columns.map((c) => c.name).filter((name) => !NOT_COPIED.has(name))
      this.columnsOf.set(table, names)
    }
    return names
  }

  /** Adds rows to `table`, in one transaction. */
  inserter(table: string, columns: string[]): (rows: Row[]) => void {
    const insert = this.insertStatement(table, columns)
    return this.file.transaction((rows: Row[]) => {
      for (const row of rows) insert.run(columns.map((c) => row[c]))
    })
  }

  /** Replaces the rows of these places with those read from MariaDB, in one transaction. */
  replacePlaces(ids: string[], read: TableRows[]) {
    const placeholders = ids.map(() => '?').join(', ')
    this.file.transaction(() => {
      for (const { table, place, columns, rows } of read) {
        this.file.prepare(`delete from ${table} where ${place} in (${placeholders})`).run(ids)
        const insert = this.insertStatement(table, columns)
        for (const row of rows) insert.run(columns.map((c) => row[c]))
      }
    })()
  }

  /** Replaces the amenities and their bits (and drops the links to amenities no longer there). */
  replaceAmenities(read: TableRows[]) {
    this.file.transaction(() => {
      for (const { table, columns, rows } of read) {
        this.file.prepare(`delete from ${table}`).run()
        const insert = this.insertStatement(table, columns)
        for (const row of rows) insert.run(columns.map((c) => row[c]))
      }
      this.file
        .prepare('delete from place_amenities where amenity_id not in (select id from amenities)')
        .run()
    })()
  }

  /** The ids of an owner's places. */
  placesOf(ownerId: string): string[] {
    const rows = this.file.prepare('select id from places where owner_id = ?').all(ownerId) as {
      id: string
    }[]
    return rows.map((row) => row.id)
  }

  /** Statistics for SQLite's planner, from a sample of each index as `hbnb seed --places` gathers them. */
  analyze() {
    this.file.pragma('analysis_limit = 1000')
    this.file.exec('analyze')
  }

  /** The insert of `table`'s rows, with `columns` (always `columns(table)`), prepared once. */
  private insertStatement(table: string, columns: string[]) {
    let insert = this.inserts.get(table)
    if (!insert) {
      insert = this.file.prepare(
        `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
      )
      this.inserts.set(table, insert)
    }
    return insert
  }
}
