import { type Kysely, SqliteAdapter } from 'kysely'

/**
 * `reviews (place_id, id)`: a place's reviews are read in id order (the place detail, its reviews
 * list); with this index they are read in that order, without a temporary sort per request.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('reviews_place_id_idx').on('reviews').columns(['place_id', 'id']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const drop = db.schema.dropIndex('reviews_place_id_idx')
  await (db.getExecutor().adapter instanceof SqliteAdapter ? drop : drop.on('reviews')).execute()
}
