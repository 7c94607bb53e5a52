import { type Kysely, SqliteAdapter, sql } from 'kysely'

const id = 'varchar(36)' as const
const timestamp = 'varchar(24)' as const
const date = 'varchar(10)' as const

const isSqlite = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof SqliteAdapter

/**
 * Checkout holds. A hold takes its nights in `place_nights` (kind 'hold', source = the hold's id,
 * `expires_at` set), under the same (place_id, night) key as bookings and blocks: a hold and a
 * booking, or two holds, can never cover the same night. `checkout_holds` keeps one row per hold,
 * unique per guest (one active hold each). `hold_refusals` remembers who was refused held or taken
 * dates; `dates_freed_alerts` bounds "dates freed" alerts to one per guest, place and day.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('place_nights').addColumn('expires_at', timestamp).execute()
  if (!isSqlite(db)) {
    // Search's anti-join reads this index only: it now carries the hold expiry it filters on.
    await sql`drop index place_nights_search_idx on place_nights`.execute(db)
    await db.schema
      .createIndex('place_nights_search_idx')
      .on('place_nights')
      .columns(['place_id', 'night', 'expires_at'])
      .execute()
  }
  // Hold rows past their end, for the sweep (bookings and blocks have none: the index stays small).
  await db.schema.createIndex('place_nights_expiry_idx').on('place_nights').column('expires_at').execute()

  await db.schema
    .createTable('checkout_holds')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('place_id', id, (c) => c.notNull().references('places.id').onDelete('cascade'))
    .addColumn('guest_id', id, (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
    .addColumn('check_in', date, (c) => c.notNull())
    .addColumn('check_out', date, (c) => c.notNull())
    .addColumn('guests', 'integer', (c) => c.notNull())
    .addColumn('expires_at', timestamp, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('checkout_holds_expiry_idx').on('checkout_holds').column('expires_at').execute()

  await db.schema
    .createTable('hold_refusals')
    .addColumn('guest_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('place_id', id, (c) => c.notNull().references('places.id').onDelete('cascade'))
    .addColumn('check_in', date, (c) => c.notNull())
    .addColumn('check_out', date, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('hold_refusals_pk', ['place_id', 'guest_id'])
    .execute()

  await db.schema
    .createTable('dates_freed_alerts')
    .addColumn('guest_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('place_id', id, (c) => c.notNull().references('places.id').onDelete('cascade'))
    .addColumn('day', date, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('dates_freed_alerts_pk', ['guest_id', 'place_id', 'day'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dates_freed_alerts').execute()
  await db.schema.dropTable('hold_refusals').execute()
  await db.schema.dropTable('checkout_holds').execute()
  await db
    .deleteFrom('place_nights' as never)
    .where(sql.ref('kind'), '=', 'hold')
    .execute()
  if (isSqlite(db)) {
    await db.schema.dropIndex('place_nights_expiry_idx').execute()
  } else {
    await sql`drop index place_nights_expiry_idx on place_nights`.execute(db)
    await sql`drop index place_nights_search_idx on place_nights`.execute(db)
    await db.schema
      .createIndex('place_nights_search_idx')
      .on('place_nights')
      .columns(['place_id', 'night'])
      .execute()
  }
  await db.schema.alterTable('place_nights').dropColumn('expires_at').execute()
}
