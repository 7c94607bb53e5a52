import type { Kysely } from 'kysely'

const id = 'varchar(36)'
const timestamp = 'varchar(24)'

/**
 * `photos`: a listing's photos (ordered; the first is the cover) and users' profile photos
 * (`place_id` null). The uploaded original waits under `original_key` until a worker has made the
 * variants (`variants`, JSON), then it is deleted: only the variants, without metadata, are kept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('photos')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('owner_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('place_id', id, (c) => c.references('places.id').onDelete('cascade'))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('caption', 'varchar(500)')
    .addColumn('alt_text', 'varchar(500)', (c) => c.notNull())
    .addColumn('original_key', 'varchar(255)')
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('variants', 'text')
    .addColumn('placeholder', 'text')
    .addColumn('error', 'varchar(500)')
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('photos_place_idx').on('photos').columns(['place_id', 'position']).execute()
  await db.schema.createIndex('photos_owner_idx').on('photos').columns(['owner_id', 'place_id']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('photos').execute()
}
