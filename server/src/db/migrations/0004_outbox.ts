import type { Kysely } from 'kysely'

const id = 'varchar(36)' as const
const timestamp = 'varchar(24)' as const

/**
 * Background work. `outbox` rows are written in the same transaction as the change that causes
 * them; `sent_messages` remembers every email sent, by its dedupe key, so a task delivered twice
 * never emails twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('task', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'varchar(191)', (c) => c.notNull().unique())
    .addColumn('status', 'varchar(8)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('available_at', timestamp, (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('sent_at', timestamp)
    .execute()
  await db.schema
    .createIndex('outbox_due_idx')
    .on('outbox')
    .columns(['status', 'task', 'available_at'])
    .execute()
  await db.schema
    .createTable('sent_messages')
    .addColumn('dedupe_key', 'varchar(191)', (c) => c.primaryKey())
    .addColumn('recipient', 'varchar(255)', (c) => c.notNull())
    .addColumn('sent_at', timestamp, (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sent_messages').execute()
  await db.schema.dropTable('outbox').execute()
}
