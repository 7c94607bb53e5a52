import { type Kysely, SqliteAdapter, sql } from 'kysely'

/**
 * The place's cell of a grid (db/search-cells.ts: 0.01° of latitude by 0.0025° of longitude) becomes the second key of the search index,
 * after `status`: a map view reads the entries of the cells it overlaps instead of every entry in
 * its band of latitude. SQLite indexes the expression itself (a query that writes the same
 * expression reads it from the index; a generated column would make every read of the index go
 * to the table as well); MariaDB, which cannot index an expression, indexes the virtual column
 * `places.search_cell`.
 */
/** The cell as this migration indexes it; db/search-cells.ts must write it the same way (a test checks). */
export const CELL_EXPRESSIONS = {
  sqlite: 'cast((latitude + 90) * 100 as integer) * 144001 + cast((longitude + 180) * 400 as integer)',
  mysql: 'floor((latitude + 90) * 100) * 144001 + floor((longitude + 180) * 400)',
}

export const SEARCH_COLUMNS = [
  'status',
  'latitude',
  'longitude',
  'price_minor',
  'currency',
  'max_guests',
  'min_nights',
  'max_nights',
  'advance_notice_days',
  'booking_window_days',
  'instant_book',
  'rating_avg',
  'rating_count',
  'created_at',
  'amenity_mask',
  'taken_from_day',
  'taken_nights',
  'id',
]

export async function up(db: Kysely<unknown>): Promise<void> {
  await dropIndex(db, 'places_search_idx')
  if (isSqlite(db)) {
    const columns = SEARCH_COLUMNS.slice(1).join(', ')
    await sql`create index places_search_idx on places (status, (${sql.raw(CELL_EXPRESSIONS.sqlite)}), ${sql.raw(columns)})`.execute(
      db,
    )
  } else {
    const generated = sql.raw(`(${CELL_EXPRESSIONS.mysql}) virtual`)
    await sql`alter table places add column search_cell bigint generated always as ${generated}`.execute(db)
    await db.schema
      .createIndex('places_search_idx')
      .on('places')
      .columns(['status', 'search_cell', ...SEARCH_COLUMNS.slice(1)])
      .execute()
  }
  if (isSqlite(db)) {
    const stats = await sql`select 1 from sqlite_master where name = 'sqlite_stat1'`.execute(db)
    if (stats.rows.length) await sql`analyze places`.execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropIndex(db, 'places_search_idx')
  await db.schema.createIndex('places_search_idx').on('places').columns(SEARCH_COLUMNS).execute()
  if (!isSqlite(db)) await db.schema.alterTable('places').dropColumn('search_cell').execute()
}

const isSqlite = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof SqliteAdapter

async function dropIndex(db: Kysely<unknown>, name: string): Promise<void> {
  const drop = db.schema.dropIndex(name)
  await (isSqlite(db) ? drop : drop.on('places')).execute()
}
