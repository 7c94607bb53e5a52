import type { Kysely } from 'kysely'

const id = 'varchar(36)' as const
const timestamp = 'varchar(24)' as const

/**
 * Account emails: users get a verified-at stamp and a locale ('en' or 'fr') for their emails;
 * `email_tokens` holds single-use, expiring tokens (email verification, password reset), stored
 * only as a SHA-256 of the token, like refresh tokens.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('email_verified_at', timestamp).execute()
  await db.schema
    .alterTable('users')
    .addColumn('locale', 'varchar(8)', (c) => c.notNull().defaultTo('en'))
    .execute()
  await db.schema
    .createTable('email_tokens')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('user_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('expires_at', timestamp, (c) => c.notNull())
    .addColumn('used_at', timestamp)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('email_tokens_user_idx')
    .on('email_tokens')
    .columns(['user_id', 'purpose'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('email_tokens').execute()
  await db.schema.alterTable('users').dropColumn('locale').execute()
  await db.schema.alterTable('users').dropColumn('email_verified_at').execute()
}
