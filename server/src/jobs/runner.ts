// Background work of one process: the task queue, the handler of every task name and, with
// RabbitMQ, the outbox relay. Embedded (no HBNB_AMQP_URL): the outbox table is the queue and
// `start()` runs the handlers in-process. With RabbitMQ: `hbnb worker` relays and consumes.
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import type { TaskHandler, TaskQueue } from '../infra/queue/port.js'
import type { Logger } from '../logger.js'
import { OutboxRelay } from './relay.js'
import { TASK_NAMES } from './tasks.js'

export interface JobsOptions {
  config: Config
  database: Database
  queue: TaskQueue
  handlers: Record<string, TaskHandler>
  logger?: Logger
  /** Releases what the handlers hold (the mail driver). */
  onClose?: () => Promise<void>
}

export class Jobs {
  readonly queue: TaskQueue
  /** Present when the queue is not the outbox itself (RabbitMQ). */
  readonly relay: OutboxRelay | undefined
  private started = false
  private relaying = false

  constructor(private readonly options: JobsOptions) {
    this.queue = options.queue
    this.relay = options.config.amqpUrl
      ? new OutboxRelay(options.database, options.queue, { logger: options.logger })
      : undefined
  }

  /** Task names that have no handler (a worker refuses to start with any). */
  missingHandlers(): string[] {
    return TASK_NAMES.filter((name) => !this.options.handlers[name])
  }

  /** Consumes every task name (and relays the outbox when the queue is RabbitMQ). */
  async start(concurrency = 4): Promise<void> {
    const missing = this.missingHandlers()
    if (missing.length) throw new Error(`no handler for task(s): ${missing.join(', ')}`)
    if (this.started) return
    this.started = true
    for (const [name, handler] of Object.entries(this.options.handlers)) {
      await this.queue.consume(name, handler, { concurrency })
    }
    this.startRelay()
  }

  /** Relays the outbox to RabbitMQ only (API processes); nothing to do when the outbox is the queue. */
  startRelay(): void {
    if (this.relaying) return
    this.relaying = true
    this.relay?.start(this.options.config.taskPollMs)
  }

  async close(): Promise<void> {
    await this.relay?.stop()
    await this.queue.close()
    await this.options.onClose?.()
  }
}
