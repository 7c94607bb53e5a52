// The transactional outbox: background work written in the same transaction as the change that
// causes it (`outboxRow`), and the queries of the relay that moves it to RabbitMQ (jobs/relay.ts).
// Embedded, the table is the task queue itself (infra/queue/outbox.ts).
import { uuidv7 } from '../ids.js'
import type { Task } from '../infra/queue/port.js'
import { recordPublish } from '../tracing.js'
import type { Database } from './port.js'
import type { OutboxRow } from './schema.js'

export function outboxRow(task: Task, now: number): OutboxRow {
  const traceparent = recordPublish(task.name, 'outbox', task.traceparent) ?? task.traceparent ?? null
  const at = new Date(now).toISOString()
  return {
    id: uuidv7(),
    task: task.name,
    payload: JSON.stringify(task.payload),
    dedupe_key: task.dedupeKey,
    status: 'pending',
    attempts: 0,
    available_at: at,
    last_error: null,
    errors: null,
    created_at: at,
    sent_at: null,
    traceparent,
  }
}

export class OutboxRepository {
  constructor(private readonly database: Database) {}

  /** Pending rows due at `at`, the longest waiting first. */
  due(at: string, limit: number): Promise<OutboxRow[]> {
    return this.database.write
      .selectFrom('outbox')
      .selectAll()
      .where('status', '=', 'pending')
      .where('available_at', '<=', at)
      .orderBy('available_at')
      .orderBy('id')
      .limit(limit)
      .execute()
  }

  /** Moves the row's `available_at` to `until` unless another relay moved it first; true when this one did. */
  async lease(row: OutboxRow, until: string): Promise<boolean> {
    const leased = await this.database.write
      .updateTable('outbox')
      .set({ available_at: until })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('available_at', '=', row.available_at)
      .executeTakeFirst()
    return Number(leased.numUpdatedRows) === 1
  }

  /** Gives a lease back: the row is due again at its time before the lease. */
  async release(row: OutboxRow): Promise<void> {
    await this.database.write
      .updateTable('outbox')
      .set({ available_at: row.available_at })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .execute()
  }

  async markSent(id: string, at: string): Promise<void> {
    await this.database.write
      .updateTable('outbox')
      .set({ status: 'sent', sent_at: at })
      .where('id', '=', id)
      .execute()
  }

  async countPending(): Promise<number> {
    const row = await this.database.write
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow()
    return Number(row.count)
  }
}
