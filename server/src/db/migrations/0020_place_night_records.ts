import { type Kysely, SqliteAdapter, sql } from 'kysely'
import { rebuildNightRecords } from '../night-records.js'
import type { DB } from '../schema.js'

/**
 * Each place's taken nights as one record on its row (db/night-records.ts): `places.taken_from_day`
 * (the record's first night, in days since 1970-01-01) and `places.taken_nights` (512 bits), filled from place_nights, and
 * both added to the search index so that search checks a candidate's nights on its index entry.
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
const RECORD_COLUMNS = ['taken_from_day', 'taken_nights']

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('places').addColumn('taken_from_day', 'integer').execute()
  await db.schema
    .alterTable('places')
    .addColumn('taken_nights', isSqlite(db) ? 'blob' : sql`varbinary(64)`)
    .execute()
  await rebuildNightRecords(db as Kysely<DB>)
  await dropIndex(db, 'places_search_idx')
  await db.schema
    .createIndex('places_search_idx')
    .on('places')
    .columns([...SEARCH_COLUMNS.slice(0, -1), ...RECORD_COLUMNS, 'id'])
    .execute()
  if (isSqlite(db)) {
    const stats = await sql`select 1 from sqlite_master where name = 'sqlite_stat1'`.execute(db)
    if (stats.rows.length) await sql`analyze places`.execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropIndex(db, 'places_search_idx')
  await db.schema.createIndex('places_search_idx').on('places').columns(SEARCH_COLUMNS).execute()
  await db.schema.alterTable('places').dropColumn('taken_nights').execute()
  await db.schema.alterTable('places').dropColumn('taken_from_day').execute()
}

const isSqlite = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof SqliteAdapter

async function dropIndex(db: Kysely<unknown>, name: string): Promise<void> {
  const drop = db.schema.dropIndex(name)
  await (isSqlite(db) ? drop : drop.on('places')).execute()
}
