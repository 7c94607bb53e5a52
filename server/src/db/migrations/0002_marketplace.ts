import { type ColumnDefinitionBuilder, type Kysely, SqliteAdapter, sql } from 'kysely'

const id = 'varchar(36)' as const
const timestamp = 'varchar(24)' as const
const date = 'varchar(10)' as const

const PLACE_TERMS: [string, string, (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder][] = [
  ['cleaning_fee_minor', 'integer', (c) => c.notNull().defaultTo(0)],
  ['min_nights', 'integer', (c) => c.notNull().defaultTo(1)],
  ['max_nights', 'integer', (c) => c.notNull().defaultTo(365)],
  ['advance_notice_days', 'integer', (c) => c.notNull().defaultTo(0)],
  ['booking_window_days', 'integer', (c) => c.notNull().defaultTo(365)],
  ['check_in_time', 'varchar(5)', (c) => c.notNull().defaultTo('15:00')],
  ['check_out_time', 'varchar(5)', (c) => c.notNull().defaultTo('11:00')],
  ['instant_book', 'integer', (c) => c.notNull().defaultTo(0)],
  ['cancellation_policy', 'varchar(16)', (c) => c.notNull().defaultTo('moderate')],
  ['rating_avg', 'double precision', (c) => c.notNull().defaultTo(0)],
  ['rating_count', 'integer', (c) => c.notNull().defaultTo(0)],
  ['ical_token', 'varchar(64)', (c) => c.notNull().defaultTo('')],
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, type, build] of PLACE_TERMS) {
    await db.schema.alterTable('places').addColumn(name, sql.raw(type), build).execute()
  }
  await db.schema
    .createIndex('places_search_geo_idx')
    .on('places')
    .columns(['status', 'latitude', 'longitude'])
    .execute()
  await db.schema
    .createIndex('places_search_price_idx')
    .on('places')
    .columns(['status', 'price_minor'])
    .execute()
  await db.schema
    .createIndex('places_search_rating_idx')
    .on('places')
    .columns(['status', 'rating_avg'])
    .execute()

  // One row per place and night that is not free: the primary key is what makes double booking impossible.
  await db.schema
    .createTable('place_nights')
    .addColumn('place_id', id, (c) => c.notNull().references('places.id').onDelete('cascade'))
    .addColumn('night', date, (c) => c.notNull())
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('booking_id', id)
    .addColumn('source', 'varchar(64)', (c) => c.notNull().defaultTo('host'))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('place_nights_pk', ['place_id', 'night'])
    .execute()
  await db.schema.createIndex('place_nights_booking_idx').on('place_nights').column('booking_id').execute()
  await db.schema
    .createIndex('place_nights_source_idx')
    .on('place_nights')
    .columns(['place_id', 'source'])
    .execute()

  await db.schema
    .createTable('night_prices')
    .addColumn('place_id', id, (c) => c.notNull().references('places.id').onDelete('cascade'))
    .addColumn('night', date, (c) => c.notNull())
    .addColumn('price_minor', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('night_prices_pk', ['place_id', 'night'])
    .execute()

  await db.schema
    .createTable('bookings')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('place_id', id, (c) => c.notNull().references('places.id').onDelete('cascade'))
    .addColumn('guest_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('host_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('check_in', date, (c) => c.notNull())
    .addColumn('check_out', date, (c) => c.notNull())
    .addColumn('nights', 'integer', (c) => c.notNull())
    .addColumn('guests', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('cancelled_by', 'varchar(8)')
    .addColumn('currency', 'varchar(3)', (c) => c.notNull())
    .addColumn('nightly_prices', 'text', (c) => c.notNull())
    .addColumn('subtotal_minor', 'integer', (c) => c.notNull())
    .addColumn('cleaning_fee_minor', 'integer', (c) => c.notNull())
    .addColumn('service_fee_minor', 'integer', (c) => c.notNull())
    .addColumn('taxes_minor', 'integer', (c) => c.notNull())
    .addColumn('total_minor', 'integer', (c) => c.notNull())
    .addColumn('refund_minor', 'integer')
    .addColumn('cancellation_policy', 'varchar(16)', (c) => c.notNull())
    .addColumn('timezone', 'varchar(64)', (c) => c.notNull())
    .addColumn('check_in_time', 'varchar(5)', (c) => c.notNull())
    .addColumn('check_out_time', 'varchar(5)', (c) => c.notNull())
    .addColumn('idempotency_key', 'varchar(128)')
    .addColumn('expires_at', timestamp)
    .addColumn('confirmed_at', timestamp)
    .addColumn('cancelled_at', timestamp)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('bookings_idempotency_unique', ['guest_id', 'idempotency_key'])
    .execute()
  await db.schema.createIndex('bookings_guest_idx').on('bookings').columns(['guest_id', 'check_in']).execute()
  await db.schema.createIndex('bookings_host_idx').on('bookings').columns(['host_id', 'check_in']).execute()
  await db.schema.createIndex('bookings_place_idx').on('bookings').columns(['place_id', 'status']).execute()
  await db.schema.createIndex('bookings_due_idx').on('bookings').columns(['status', 'expires_at']).execute()

  await db.schema
    .createTable('guest_reviews')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('booking_id', id, (c) => c.notNull().unique().references('bookings.id').onDelete('cascade'))
    .addColumn('host_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('guest_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('rating', 'integer', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('guest_reviews_guest_idx').on('guest_reviews').column('guest_id').execute()

  // Stay reviews of places: category ratings, and hidden until both sides reviewed or the window closed.
  for (const column of ['cleanliness', 'accuracy', 'communication', 'location', 'check_in', 'value']) {
    await db.schema.alterTable('reviews').addColumn(`rating_${column}`, 'integer').execute()
  }
  await db.schema.alterTable('reviews').addColumn('hidden_until', timestamp).execute()
  await db.schema.alterTable('guest_reviews').addColumn('hidden_until', timestamp).execute()

  await db.schema
    .createTable('wishlists')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('user_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('wishlists_user_idx').on('wishlists').column('user_id').execute()
  await db.schema
    .createTable('wishlist_places')
    .addColumn('wishlist_id', id, (c) => c.notNull().references('wishlists.id').onDelete('cascade'))
    .addColumn('place_id', id, (c) => c.notNull().references('places.id').onDelete('cascade'))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('wishlist_places_pk', ['wishlist_id', 'place_id'])
    .execute()

  await db.schema
    .createTable('ical_feeds')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('place_id', id, (c) => c.notNull().references('places.id').onDelete('cascade'))
    .addColumn('url', 'varchar(2048)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('last_sync_at', timestamp)
    .addColumn('last_status', 'varchar(16)')
    .addColumn('last_error', 'text')
    .addColumn('last_event_count', 'integer')
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('ical_feeds_place_idx').on('ical_feeds').column('place_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'ical_feeds',
    'wishlist_places',
    'wishlists',
    'guest_reviews',
    'bookings',
    'night_prices',
    'place_nights',
  ]) {
    await db.schema.dropTable(table).execute()
  }
  await db.schema.alterTable('reviews').dropColumn('hidden_until').execute()
  for (const column of ['cleanliness', 'accuracy', 'communication', 'location', 'check_in', 'value']) {
    await db.schema.alterTable('reviews').dropColumn(`rating_${column}`).execute()
  }
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter
  for (const index of ['places_search_geo_idx', 'places_search_price_idx', 'places_search_rating_idx']) {
    const drop = db.schema.dropIndex(index)
    await (sqlite ? drop : drop.on('places')).execute()
  }
  for (const [name] of PLACE_TERMS) {
    await db.schema.alterTable('places').dropColumn(name).execute()
  }
}
