import type { Kysely } from 'kysely'

/**
 * Dead letters and crashed tries. `outbox.errors`: the error of every failed try (JSON array of
 * `{ attempt, error, at }`), so a dead letter shows its whole history (`hbnb jobs inspect`).
 * `sent_messages.sending_until`: a message claimed for sending is reserved until then, and marked
 * sent (null) once sent; a worker killed mid-send leaves it reserved, and the redelivered task
 * takes the claim over after that time instead of skipping the message for good.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('errors', 'text').execute()
  await db.schema.alterTable('sent_messages').addColumn('sending_until', 'varchar(24)').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sent_messages').dropColumn('sending_until').execute()
  await db.schema.alterTable('outbox').dropColumn('errors').execute()
}
