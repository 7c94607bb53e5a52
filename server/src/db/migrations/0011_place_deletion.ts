import type { Kysely } from 'kysely'

/**
 * `places.deleted_at`: set when a host deletes a place that has bookings on record. The row stays
 * (unpublished, hidden from every place read) so its past and cancelled bookings, their refunds and
 * their stay reviews stay readable; a place without bookings is still deleted outright.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('places').addColumn('deleted_at', 'varchar(24)').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('places').dropColumn('deleted_at').execute()
}
