import type { Kysely } from 'kysely'

// Column types chosen to mean the same on SQLite and MariaDB/MySQL: ids are varchar(36) UUIDs,
// timestamps varchar(24) ISO-8601 UTC strings (they sort as text), flags 0/1 integers.
const id = 'varchar(36)' as const
const timestamp = 'varchar(24)' as const

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('app_meta')
    .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'varchar(255)', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('users')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('email_key', 'varchar(254)', (c) => c.notNull().unique())
    .addColumn('first_name', 'varchar(50)', (c) => c.notNull())
    .addColumn('last_name', 'varchar(50)', (c) => c.notNull())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('amenities')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('name', 'varchar(50)', (c) => c.notNull())
    .addColumn('name_key', 'varchar(50)', (c) => c.notNull().unique())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('places')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('owner_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('price_minor', 'integer', (c) => c.notNull())
    .addColumn('currency', 'varchar(3)', (c) => c.notNull().defaultTo('USD'))
    .addColumn('latitude', 'double precision', (c) => c.notNull())
    .addColumn('longitude', 'double precision', (c) => c.notNull())
    .addColumn('address', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('city', 'varchar(100)', (c) => c.notNull().defaultTo(''))
    .addColumn('country', 'varchar(2)', (c) => c.notNull().defaultTo(''))
    .addColumn('timezone', 'varchar(64)', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('max_guests', 'integer', (c) => c.notNull().defaultTo(2))
    .addColumn('bedrooms', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('bathrooms', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('published'))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('places_owner_idx').on('places').column('owner_id').execute()
  await db.schema.createIndex('places_status_id_idx').on('places').columns(['status', 'id']).execute()
  await db.schema.createIndex('places_city_idx').on('places').columns(['country', 'city']).execute()

  await db.schema
    .createTable('place_amenities')
    .addColumn('place_id', id, (c) => c.notNull().references('places.id').onDelete('cascade'))
    .addColumn('amenity_id', id, (c) => c.notNull().references('amenities.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('place_amenities_pk', ['place_id', 'amenity_id'])
    .execute()
  await db.schema
    .createIndex('place_amenities_amenity_idx')
    .on('place_amenities')
    .column('amenity_id')
    .execute()

  await db.schema
    .createTable('reviews')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('place_id', id, (c) => c.notNull().references('places.id').onDelete('cascade'))
    .addColumn('user_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('rating', 'integer', (c) => c.notNull())
    // '' for the HBnB contract's open reviews (one per place and user); the booking's id for a stay review.
    .addColumn('booking_id', 'varchar(36)', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('reviews_place_user_booking_unique', ['place_id', 'user_id', 'booking_id'])
    .execute()
  await db.schema.createIndex('reviews_user_idx').on('reviews').column('user_id').execute()

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('user_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('family_id', id, (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('expires_at', timestamp, (c) => c.notNull())
    .addColumn('used_at', timestamp)
    .addColumn('revoked_at', timestamp)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('refresh_tokens_family_idx').on('refresh_tokens').column('family_id').execute()
  await db.schema.createIndex('refresh_tokens_user_idx').on('refresh_tokens').column('user_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'refresh_tokens',
    'reviews',
    'place_amenities',
    'places',
    'amenities',
    'users',
    'app_meta',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}
