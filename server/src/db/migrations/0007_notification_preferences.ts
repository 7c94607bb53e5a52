import type { Kysely } from 'kysely'

const id = 'varchar(36)' as const
const timestamp = 'varchar(24)' as const

/**
 * Notifications by SMS and per-user preferences: users get a verified phone number (E.164, null
 * until a code sent to it is entered); `phone_codes` holds the codes sent (only an HMAC of each),
 * with their expiry and wrong attempts; `notification_preferences` holds the choices that differ
 * from the defaults, one row per (user, channel, kind).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('phone', 'varchar(16)').execute()
  await db.schema.alterTable('users').addColumn('phone_verified_at', timestamp).execute()
  await db.schema
    .createTable('phone_codes')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('user_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('phone', 'varchar(16)', (c) => c.notNull())
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', timestamp, (c) => c.notNull())
    .addColumn('used_at', timestamp)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('phone_codes_user_idx')
    .on('phone_codes')
    .columns(['user_id', 'created_at'])
    .execute()
  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('channel', 'varchar(8)', (c) => c.notNull())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'channel', 'kind'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notification_preferences').execute()
  await db.schema.dropTable('phone_codes').execute()
  await db.schema.alterTable('users').dropColumn('phone_verified_at').execute()
  await db.schema.alterTable('users').dropColumn('phone').execute()
}
