// The outbox relay: moves pending outbox rows to the task queue (RabbitMQ) and marks them sent.
// A row is leased (its `available_at` moved forward in a conditional update) before it is
// published, so concurrent relays do not publish it twice; a relay that dies after publishing and
// before marking leaves the row to be published again once the lease ends, which the handlers'
// dedupe keys make harmless. A publish that fails (RabbitMQ down) gives the lease back, so the row
// goes out as soon as RabbitMQ is back.
import type { Database } from '../db/database.js'
import { OutboxRepository } from '../db/outbox.js'
import type { TaskQueue } from '../infra/queue/port.js'
import type { Logger } from '../logger.js'

export interface RelayOptions {
  leaseMs?: number
  batch?: number
  now?: () => number
  logger?: Logger
}

const iso = (ms: number) => new Date(ms).toISOString()

export class OutboxRelay {
  private readonly now: () => number
  private readonly outbox: OutboxRepository
  private timer: NodeJS.Timeout | undefined
  private running: Promise<unknown> | undefined

  constructor(
    database: Database,
    private readonly queue: TaskQueue,
    private readonly options: RelayOptions = {},
  ) {
    this.now = options.now ?? Date.now
    this.outbox = new OutboxRepository(database)
  }

  /** Relays every due pending row once; returns how many were published. */
  async runOnce(): Promise<number> {
    const rows = await this.outbox.due(iso(this.now()), this.options.batch ?? 100)
    let published = 0
    for (const row of rows) {
      if (!(await this.outbox.lease(row, iso(this.now() + (this.options.leaseMs ?? 60_000))))) continue
      try {
        await this.queue.publish({
          name: row.task,
          payload: JSON.parse(row.payload),
          dedupeKey: row.dedupe_key,
          traceparent: row.traceparent ?? undefined,
        })
      } catch (error) {
        // RabbitMQ unreachable: the row is due again at once (not after its lease), and this run
        // stops; the next one tries again.
        await this.outbox.release(row)
        throw error
      }
      await this.outbox.markSent(row.id, iso(this.now()))
      published++
    }
    return published
  }

  /** Relays every `intervalMs` until stopped. */
  start(intervalMs: number): void {
    const loop = () => {
      this.timer = setTimeout(() => {
        this.running = this.runOnce()
          .catch((error: unknown) => this.options.logger?.error({ err: error }, 'outbox relay failed'))
          .finally(() => {
            if (this.timer) loop()
          })
      }, intervalMs)
    }
    loop()
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    await this.running
  }
}
