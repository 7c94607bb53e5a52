import type { Kysely } from 'kysely'

const timestamp = 'varchar(24)' as const

/**
 * `hbnb beat`: one row per run of a scheduled job. The primary key (job, slot) is the leader lock:
 * a scheduler fires a run only when it inserts that row first, so two schedulers never both fire it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scheduler_runs')
    .addColumn('job', 'varchar(64)', (c) => c.notNull())
    .addColumn('slot', timestamp, (c) => c.notNull())
    .addColumn('owner', 'varchar(128)', (c) => c.notNull())
    .addColumn('started_at', timestamp, (c) => c.notNull())
    .addColumn('finished_at', timestamp)
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('scheduler_runs_pk', ['job', 'slot'])
    .execute()
  await db.schema
    .createIndex('scheduler_runs_started_idx')
    .on('scheduler_runs')
    .column('started_at')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('scheduler_runs').execute()
}
