import { type Kysely, SqliteAdapter, sql } from 'kysely'

/**
 * Search without a look-up per matching place for its amenities.
 *
 * - `amenity_bits`: each amenity's bit, given once and never changed or reused (no foreign key, so
 *   a bit outlives its amenity). Existing amenities get 0, 1, 2... in id order; later ones get the
 *   next bit when first linked to a place.
 * - `places.amenity_mask`: the sum of 2^bit over the place's amenities, kept by every write of
 *   place_amenities in the places repository. NULL means "not known" (a place written by other
 *   code, or with an amenity whose bit is 53 or more, beyond exact integers in JavaScript): search
 *   then reads place_amenities for that place as before.
 * - The search index gets `amenity_mask`, so the amenity filter and the facets' amenity counts
 *   are read from the index entries the area scan visits anyway.
 * - MariaDB only, `place_nights (place_id, night)`: the table's own key without the rest of the
 *   row. The availability check reads it for every candidate place; at a third of the size of the
 *   table's leaves it stays in the buffer pool where they do not. (SQLite's primary key already
 *   is such an index, apart from the table.)
 */
const SEARCH_COLUMNS = [
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
  'id',
]

const MASK_BITS = 53

/** The mask of the row of `places` in the enclosing statement (NULL when an amenity has no usable bit). */
const maskOfPlace = sql`(select case when count(*) = count(ab.bit) and coalesce(max(ab.bit), 0) < ${sql.lit(MASK_BITS)}
  then coalesce(sum(1 << ab.bit), 0) end
  from place_amenities pa left join amenity_bits ab on ab.amenity_id = pa.amenity_id
  where pa.place_id = places.id)`

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('amenity_bits')
    .addColumn('amenity_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('bit', 'integer', (c) => c.notNull().unique())
    .execute()
  const amenities = await sql<{ id: string }>`select id from amenities order by id`.execute(db)
  const rows = amenities.rows.map((row, bit) => ({ amenity_id: row.id, bit }))
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('amenity_bits' as never)
      .values(rows.slice(i, i + 500) as never)
      .execute()
  }
  await db.schema.alterTable('places').addColumn('amenity_mask', 'bigint').execute()
  await sql`update places set amenity_mask = ${maskOfPlace}`.execute(db)

  await db.schema.createIndex('places_search_idx').on('places').columns(SEARCH_COLUMNS).execute()
  await dropIndex(db, 'places_search_cover_idx', 'places')
  if (isSqlite(db)) {
    // Statistics for the new index where the database keeps some (`hbnb seed --places` made them).
    const stats = await sql`select 1 from sqlite_master where name = 'sqlite_stat1'`.execute(db)
    if (stats.rows.length) await sql`analyze places`.execute(db)
    return
  }
  await db.schema
    .createIndex('place_nights_search_idx')
    .on('place_nights')
    .columns(['place_id', 'night'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isSqlite(db)) await dropIndex(db, 'place_nights_search_idx', 'place_nights')
  await db.schema
    .createIndex('places_search_cover_idx')
    .on('places')
    .columns(SEARCH_COLUMNS.filter((c) => c !== 'amenity_mask'))
    .execute()
  await dropIndex(db, 'places_search_idx', 'places')
  await db.schema.alterTable('places').dropColumn('amenity_mask').execute()
  await db.schema.dropTable('amenity_bits').execute()
}

const isSqlite = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof SqliteAdapter

async function dropIndex(db: Kysely<unknown>, name: string, table: string): Promise<void> {
  const drop = db.schema.dropIndex(name)
  await (isSqlite(db) ? drop : drop.on(table)).execute()
}
