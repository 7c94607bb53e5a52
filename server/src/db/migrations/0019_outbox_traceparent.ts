import type { Kysely } from 'kysely'

/** `outbox.traceparent`: the W3C traceparent of the span that published a task, for its run to continue. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('traceparent', 'varchar(55)').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('traceparent').execute()
}
