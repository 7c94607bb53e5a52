// Embedded queue driver: the `outbox` table itself, polled in-process. A row is claimed by moving
// its `available_at` forward (a lease) in a conditional update, so several pollers never run the
// same try; it is `sent` once its handler resolved, or `dead` after its last failed try.
import type { Database } from '../../db/database.js'
import { isUniqueViolation } from '../../db/database.js'
import { outboxRow } from '../../db/outbox.js'
import type { OutboxRow } from '../../db/schema.js'
import type { Logger } from '../../logger.js'
import { countFailedTry } from './metrics.js'
import { HandlerPool } from './pool.js'
import {
  backoffMs,
  type ConsumeOptions,
  DEFAULT_RETRY,
  type DeadLetter,
  errorText,
  parseFailures,
  type QueueDepth,
  type RetryPolicy,
  type Task,
  type TaskHandler,
  type TaskQueue,
  withFailure,
} from './port.js'

export interface OutboxQueueOptions extends Partial<RetryPolicy> {
  pollMs?: number
  /** How long a claimed try may run before another poller may take the task again. */
  leaseMs?: number
  now?: () => number
  logger?: Logger
}

const iso = (ms: number) => new Date(ms).toISOString()
export class OutboxTaskQueue implements TaskQueue {
  private readonly policy: RetryPolicy
  private readonly pollMs: number
  private readonly leaseMs: number
  private readonly now: () => number
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly running = new Set<Promise<void>>()
  private closed = false

  constructor(
    private readonly database: Database,
    private readonly options: OutboxQueueOptions = {},
  ) {
    this.policy = {
      maxAttempts: options.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
      baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    }
    this.pollMs = options.pollMs ?? 1000
    this.leaseMs = options.leaseMs ?? 5 * 60_000
    this.now = options.now ?? Date.now
  }

  /** Publishing the same dedupe key twice keeps the first task. */
  async publish(task: Task): Promise<void> {
    try {
      await this.database.write.insertInto('outbox').values(outboxRow(task, this.now())).execute()
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
    }
  }

  async consume(name: string, handler: TaskHandler, options: ConsumeOptions = {}): Promise<HandlerPool> {
    const concurrency = Math.max(1, options.concurrency ?? 1)
    const pool = new HandlerPool(concurrency, Math.max(concurrency, options.maxConcurrency ?? concurrency))
    const tick = async () => {
      if (this.closed || pool.free === 0) return
      const due = await this.database.write
        .selectFrom('outbox')
        .selectAll()
        .where('status', '=', 'pending')
        .where('task', '=', name)
        .where('available_at', '<=', iso(this.now()))
        .orderBy('available_at')
        .orderBy('id')
        .limit(pool.free)
        .execute()
      for (const row of due) {
        if (this.closed || !(await this.claim(row))) continue
        const run = pool.run(() => this.run(row, handler)).finally(() => this.running.delete(run))
        this.running.add(run)
      }
    }
    const loop = () => {
      if (this.closed) return
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        const polling = tick()
          .catch((error: unknown) =>
            this.options.logger?.error({ err: error, task: name }, 'outbox poll failed'),
          )
          .finally(() => {
            this.running.delete(polling)
            loop()
          })
        this.running.add(polling)
      }, this.pollMs)
      this.timers.add(timer)
    }
    await tick()
    loop()
    return pool
  }

  private async claim(row: OutboxRow): Promise<boolean> {
    const result = await this.database.write
      .updateTable('outbox')
      .set({ attempts: row.attempts + 1, available_at: iso(this.now() + this.leaseMs) })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('attempts', '=', row.attempts)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  private async run(row: OutboxRow, handler: TaskHandler): Promise<void> {
    const attempt = row.attempts + 1
    try {
      await handler({
        name: row.task,
        payload: JSON.parse(row.payload),
        dedupeKey: row.dedupe_key,
        traceparent: row.traceparent ?? undefined,
        attempt,
        // `row` was read before the claim moved its time: this is when the try became due.
        dueAt: Date.parse(row.available_at),
      })
      await this.database.write
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: iso(this.now()), last_error: null })
        .where('id', '=', row.id)
        .execute()
    } catch (error) {
      const dead = attempt >= this.policy.maxAttempts
      countFailedTry(row.task, dead)
      this.options.logger?.warn(
        { err: error, task: row.task, dedupe_key: row.dedupe_key, attempt, dead },
        dead ? 'task failed for the last time: dead-lettered' : 'task failed: will retry',
      )
      await this.database.write
        .updateTable('outbox')
        .set({
          status: dead ? 'dead' : 'pending',
          last_error: errorText(error),
          errors: JSON.stringify(withFailure(parseFailures(row.errors), attempt, error, this.now())),
          available_at: iso(this.now() + (dead ? 0 : backoffMs(this.policy, attempt))),
        })
        .where('id', '=', row.id)
        .execute()
    }
  }

  async deadLetters(name: string): Promise<DeadLetter[]> {
    const rows = await this.database.write
      .selectFrom('outbox')
      .selectAll()
      .where('task', '=', name)
      .where('status', '=', 'dead')
      .orderBy('id')
      .execute()
    return rows.map((row) => ({
      id: row.id,
      name: row.task,
      payload: JSON.parse(row.payload),
      dedupeKey: row.dedupe_key,
      attempts: row.attempts,
      error: row.last_error ?? '',
      errors: parseFailures(row.errors),
      // A dead row is made due at once (it never runs again unless requeued): that is when it died.
      deadAt: row.available_at,
    }))
  }

  async requeueDead(name: string, id?: string): Promise<string[]> {
    let dead = this.database.write
      .selectFrom('outbox')
      .select('id')
      .where('task', '=', name)
      .where('status', '=', 'dead')
    if (id !== undefined) dead = dead.where('id', '=', id)
    const requeued: string[] = []
    for (const row of await dead.orderBy('id').execute()) {
      const result = await this.database.write
        .updateTable('outbox')
        .set({ status: 'pending', attempts: 0, available_at: iso(this.now()) })
        .where('id', '=', row.id)
        .where('status', '=', 'dead')
        .executeTakeFirst()
      if (Number(result.numUpdatedRows) === 1) requeued.push(row.id)
    }
    return requeued
  }

  async depth(name: string): Promise<QueueDepth> {
    const now = this.now()
    const rows = await this.database.write
      .selectFrom('outbox')
      .select((eb) => {
        const isDue = eb('available_at', '<=', iso(now))
        return [
          'status',
          eb.fn.countAll<number | string>().as('count'),
          eb.fn<number | string | null>('sum', [eb.case().when(isDue).then(1).else(0).end()]).as('due'),
          eb.fn.min<string | null>(eb.case().when(isDue).then(eb.ref('available_at')).end()).as('oldest_due'),
        ]
      })
      .where('task', '=', name)
      .where('status', 'in', ['pending', 'dead'])
      .groupBy('status')
      .execute()
    const depth: QueueDepth = { ready: 0, delayed: 0, dead: 0, oldestReadySeconds: 0 }
    for (const row of rows) {
      if (row.status === 'dead') depth.dead = Number(row.count)
      else {
        depth.ready = Number(row.due ?? 0)
        depth.delayed = Number(row.count) - depth.ready
        if (row.oldest_due) depth.oldestReadySeconds = Math.max(0, now - Date.parse(row.oldest_due)) / 1000
      }
    }
    return depth
  }

  async close(): Promise<void> {
    this.closed = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    await Promise.allSettled([...this.running])
  }
}
