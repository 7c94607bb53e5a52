import { type Kysely, SqliteAdapter, sql } from 'kysely'
import { CELL_EXPRESSIONS, SEARCH_COLUMNS } from './0021_search_cells.js'

/**
 * The listing's time zone joins the search index, before `id`. A search checks the notice and
 * booking window of the places its index entry does not settle against their local date, and read
 * their zone from the table row until now (a look-up by primary key that cost MariaDB about 35 µs
 * a place: half of a dense map view's time).
 */
export const COLUMNS = [...SEARCH_COLUMNS.slice(0, -1), 'timezone', 'id']

export async function up(db: Kysely<unknown>): Promise<void> {
  await searchIndex(db, COLUMNS)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await searchIndex(db, SEARCH_COLUMNS)
}

/** The search index made again over `status`, the cell and `columns` (but `status`). */
async function searchIndex(db: Kysely<unknown>, columns: string[]): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter
  const drop = db.schema.dropIndex('places_search_idx')
  await (sqlite ? drop : drop.on('places')).execute()
  const rest = columns.slice(1)
  if (sqlite) {
    await sql`create index places_search_idx on places (status, (${sql.raw(CELL_EXPRESSIONS.sqlite)}), ${sql.raw(rest.join(', '))})`.execute(
      db,
    )
    // Statistics again where there were, from a sample (as a bulk load makes them): a full
    // `analyze` also samples the index's values (sqlite_stat4), and SQLite then plans a search
    // again at every run for the values of its area (0.4 ms a search at 100,000 places).
    const stats = await sql`select 1 from sqlite_master where name = 'sqlite_stat1'`.execute(db)
    if (stats.rows.length) {
      await sql`pragma analysis_limit = 1000`.execute(db)
      await sql`analyze places`.execute(db)
      await sql`pragma analysis_limit = 0`.execute(db)
    }
  } else {
    await db.schema
      .createIndex('places_search_idx')
      .on('places')
      .columns(['status', 'search_cell', ...rest])
      .execute()
  }
}
