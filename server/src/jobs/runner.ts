// Background work of one process: the task queue, the handler of every task name and, with
// RabbitMQ, the outbox relay. Embedded (no HBNB_AMQP_URL): the outbox table is the queue and
// `start()` runs the handlers in-process. With RabbitMQ: `hbnb worker` relays and consumes.
// Each task name's handler pool is autoscaled between HBNB_WORKER_MIN_CONCURRENCY and
// HBNB_WORKER_MAX_CONCURRENCY from the queue depth, which is sampled (and exported as metrics) every second.
import { SpanKind } from '@opentelemetry/api'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'
import { TASK_NAMES } from '../domain/tasks.js'
import { taskMetrics } from '../infra/queue/metrics.js'
import type { TaskHandler, TaskQueue } from '../infra/queue/port.js'
import type { Logger } from '../logger.js'
import { startAtZero } from '../metrics.js'
import { inSpan } from '../tracing.js'
import { Autoscaler } from './autoscale.js'
import { OutboxRelay } from './relay.js'

export interface JobsOptions {
  config: Config
  database: Database
  queue: TaskQueue
  handlers: Record<string, TaskHandler>
  logger?: Logger
  /** Releases what the handlers hold (the mail driver). */
  onClose?: () => Promise<void>
}

/** How often queue depths are sampled for the autoscaler and the metrics. */
export const SAMPLE_INTERVAL_MS = 1000

/**
 * Times the task's wait and its handler, counts its failures (the queue driver decides on retries)
 * and runs it in a span that continues the trace that published it.
 */
function instrumented(task: string, handler: TaskHandler): TaskHandler {
  return async (delivery) => {
    taskMetrics.wait.observe({ task }, Math.max(0, Date.now() - delivery.dueAt) / 1000)
    const stop = taskMetrics.duration.startTimer({ task })
    taskMetrics.running.inc({ task })
    try {
      await inSpan(
        `run ${task}`,
        { 'messaging.destination.name': task },
        () => handler(delivery),
        SpanKind.CONSUMER,
        delivery.traceparent,
      )
      stop({ outcome: 'ok' })
    } catch (error) {
      stop({ outcome: 'failed' })
      taskMetrics.failures.inc({ task })
      throw error
    } finally {
      taskMetrics.running.dec({ task })
    }
  }
}

export class Jobs {
  readonly queue: TaskQueue
  /** Present when the queue is not the outbox itself (RabbitMQ). */
  readonly relay: OutboxRelay | undefined
  /** One per consumed task name, once started. */
  readonly autoscalers = new Map<string, Autoscaler>()
  private started = false
  private relaying = false
  private sampler: NodeJS.Timeout | undefined
  private sampling: Promise<void> | undefined

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
  async start(): Promise<void> {
    const missing = this.missingHandlers()
    if (missing.length) throw new Error(`no handler for task(s): ${missing.join(', ')}`)
    if (this.started) return
    this.started = true
    const { config, logger } = this.options
    const min = config.workerMinConcurrency
    const max = config.workerMaxConcurrency
    for (const [task, handler] of Object.entries(this.options.handlers)) {
      for (const metric of [taskMetrics.failures, taskMetrics.retries, taskMetrics.deadLetters])
        startAtZero(metric, [{ task }])
      const pool = await this.queue.consume(task, instrumented(task, handler), {
        concurrency: min,
        maxConcurrency: max,
      })
      const scaleDownAfterMs = config.workerScaleDownAfterSeconds * 1000
      this.autoscalers.set(task, new Autoscaler({ task, pool, min, max, scaleDownAfterMs, logger }))
      taskMetrics.concurrency.set({ task }, pool.size)
    }
    this.startSampling()
    this.startRelay()
  }

  /** Samples every queue's depth: metrics, then one autoscaling decision per task name. */
  async sample(): Promise<void> {
    for (const [task, autoscaler] of this.autoscalers) {
      const depth = await this.queue.depth(task)
      for (const state of ['ready', 'delayed', 'dead'] as const)
        taskMetrics.depth.set({ task, state }, depth[state])
      taskMetrics.oldestReady.set({ task }, depth.oldestReadySeconds)
      taskMetrics.concurrency.set({ task }, autoscaler.update(depth.ready))
    }
  }

  private startSampling(): void {
    let failing = false
    const loop = () => {
      this.sampler = setTimeout(() => {
        this.sampling = this.sample()
          .then(() => {
            failing = false
          })
          .catch((error: unknown) => {
            // Logged once per outage (RabbitMQ down): the relay and consumers log their own errors.
            if (!failing) this.options.logger?.warn({ err: error }, 'could not sample the queue depth')
            failing = true
          })
          .finally(() => {
            if (this.sampler) loop()
          })
      }, SAMPLE_INTERVAL_MS)
    }
    loop()
  }

  /** Relays the outbox to RabbitMQ only (API processes); nothing to do when the outbox is the queue. */
  startRelay(): void {
    if (this.relaying) return
    this.relaying = true
    this.relay?.start(this.options.config.taskPollMs)
  }

  async close(): Promise<void> {
    clearTimeout(this.sampler)
    this.sampler = undefined
    await this.sampling
    await this.relay?.stop()
    await this.queue.close()
    await this.options.onClose?.()
  }
}
