// Production queue driver: RabbitMQ through rabbitmq-client. Per task name: a durable queue, one
// retry queue per backoff delay (message TTL, then dead-lettered back to the main queue) and a
// dead-letter queue. Messages are persistent and published with confirms; a message is acked after
// its handler resolved, or after its retry (or dead letter) was confirmed.
//
// Dead letters stay in RabbitMQ (no copy in the database, so nothing can disagree): they are listed
// by getting every message of the dead-letter queue without acking it, then closing the channel,
// which puts them all back; a requeued one is republished with confirms before it is acked.
import { createRequire } from 'node:module'
import type { AsyncMessage, Connection, Consumer, Publisher, SyncMessage } from 'rabbitmq-client'
import { uuidv7 } from '../../ids.js'
import type { Logger } from '../../logger.js'
import { recordPublish } from '../../tracing.js'
import { countFailedTry } from './metrics.js'
import { HandlerPool, PoolClosedError } from './pool.js'
import {
  backoffMs,
  type ConsumeOptions,
  DEFAULT_RETRY,
  type DeadLetter,
  parseFailures,
  type QueueDepth,
  type RetryPolicy,
  type Task,
  type TaskFailure,
  type TaskHandler,
  type TaskQueue,
  withFailure,
} from './port.js'

export interface RabbitQueueOptions extends Partial<RetryPolicy> {
  /** Prefix of every queue name (tests use their own). */
  prefix?: string
  logger?: Logger
  now?: () => number
}

const ATTEMPT = 'x-hbnb-attempt'
/** The last error (kept for readers of the raw message, e.g. the management UI). */
const ERROR = 'x-hbnb-error'
/** JSON array of every failed try. */
const ERRORS = 'x-hbnb-errors'
const DEDUPE = 'x-hbnb-dedupe-key'
const DEAD_ID = 'x-hbnb-dead-id'
const DEAD_AT = 'x-hbnb-dead-at'
/** Epoch ms from which the message is due (its send, or the end of its retry delay). */
const DUE_AT = 'x-hbnb-due-at'
/** The W3C header name, as OpenTelemetry's messaging conventions carry it. */
const TRACEPARENT = 'traceparent'

type Headers = Record<string, unknown>

/**
 * Messages prefetched per handler the pool may grow to (as Celery's worker_prefetch_multiplier):
 * short tasks never wait for the network round trip of the next delivery. Measured with
 * `npm run bench:tasks`: no-op tasks went from about 990/s (1 per handler) to about 1,800/s.
 */
const PREFETCH_PER_HANDLER = 4

/** rabbitmq-client, loaded by the first queue made: processes without RabbitMQ never load it. */
function rabbitmqClient(): typeof import('rabbitmq-client') {
  return createRequire(import.meta.url)('rabbitmq-client')
}

export class RabbitTaskQueue implements TaskQueue {
  private readonly connection: Connection
  private readonly publisher: Publisher
  private readonly policy: RetryPolicy
  private readonly prefix: string
  private readonly now: () => number
  private readonly declared = new Map<string, Promise<unknown>>()
  private readonly consumers: Consumer[] = []
  private readonly pools: HandlerPool[] = []
  /** Per queue: when the last message this process took from it became due. */
  private readonly lastTakenDueAt = new Map<string, number>()
  /** Per queue: when `depth()` last found nothing ready (or when this driver was made). */
  private readonly lastEmptyAt = new Map<string, number>()
  private readonly createdAt: number

  constructor(
    readonly url: string,
    private readonly options: RabbitQueueOptions = {},
  ) {
    this.connection = new (rabbitmqClient().Connection)(url)
    this.connection.on('error', (error: unknown) =>
      options.logger?.error({ err: error }, 'RabbitMQ connection error'),
    )
    this.publisher = this.connection.createPublisher({ confirm: true, maxAttempts: 3 })
    this.policy = {
      maxAttempts: options.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
      baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    }
    this.prefix = options.prefix ?? 'hbnb.'
    this.now = options.now ?? Date.now
    this.createdAt = this.now()
  }

  /** Resolves once connected; rejects after `timeoutMs` (the CLI says what to check). */
  connected(timeoutMs: number): Promise<void> {
    return this.connection.onConnect(timeoutMs, true)
  }

  private queueName(name: string) {
    return `${this.prefix}${name}`
  }

  /** The queue holding tries that wait `delay` ms, then go back to `queue`. */
  private retryQueue(queue: string, delay: number) {
    return {
      queue: `${queue}.retry.${delay}`,
      args: { 'x-message-ttl': delay, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
    }
  }

  private declare(queue: string, args?: Record<string, unknown>): Promise<unknown> {
    let declared = this.declared.get(queue)
    if (!declared) {
      declared = this.connection.queueDeclare({ queue, durable: true, arguments: args })
      declared.catch(() => this.declared.delete(queue))
      this.declared.set(queue, declared)
    }
    return declared
  }

  /** Messages ready in a queue (declared if missing, with the same arguments as everywhere). */
  private async count(queue: string, args?: Record<string, unknown>): Promise<number> {
    const declared = this.connection.queueDeclare({ queue, durable: true, arguments: args })
    this.declared.set(queue, declared)
    return (await declared).messageCount
  }

  /** Sends `task` to `queue`, due once `delayMs` (a retry queue's wait) has passed. */
  private async send(queue: string, task: Task, headers: Headers, delayMs = 0): Promise<void> {
    await this.publisher.send(
      {
        routingKey: queue,
        durable: true,
        messageId: task.dedupeKey,
        contentType: 'application/json',
        headers: {
          [DEDUPE]: task.dedupeKey,
          [DUE_AT]: this.now() + delayMs,
          ...(task.traceparent ? { [TRACEPARENT]: task.traceparent } : {}),
          ...headers,
        },
      },
      { name: task.name, payload: task.payload, dedupeKey: task.dedupeKey },
    )
  }

  async publish(task: Task): Promise<void> {
    const queue = this.queueName(task.name)
    await this.declare(queue)
    const traceparent = recordPublish(task.name, 'rabbitmq', task.traceparent) ?? task.traceparent
    await this.send(queue, { ...task, traceparent }, { [ATTEMPT]: 1 })
  }

  async consume(name: string, handler: TaskHandler, options: ConsumeOptions = {}): Promise<HandlerPool> {
    const queue = this.queueName(name)
    await this.declare(queue)
    await this.declare(`${queue}.dead`)
    const concurrency = Math.max(1, options.concurrency ?? 1)
    // RabbitMQ cannot change a consumer's prefetch while it runs: it prefetches for the pool's
    // largest size, and the pool holds received deliveries until a slot is free.
    const pool = new HandlerPool(concurrency, Math.max(concurrency, options.maxConcurrency ?? concurrency))
    const prefetch = pool.maxSize * PREFETCH_PER_HANDLER
    const consumer = this.connection.createConsumer(
      {
        queue,
        queueOptions: { durable: true },
        qos: { prefetchCount: prefetch },
        concurrency: prefetch,
        requeue: true,
      },
      (message: AsyncMessage) => pool.run(() => this.handle(queue, message, handler)),
    )
    consumer.on('error', (error: unknown) => {
      // A delivery given back while stopping is nacked and requeued: nothing went wrong.
      if (!(error instanceof PoolClosedError))
        this.options.logger?.error({ err: error, task: name }, 'consumer error')
    })
    this.consumers.push(consumer)
    this.pools.push(pool)
    await new Promise<void>((resolve) => consumer.once('ready', () => resolve()))
    return pool
  }

  private async handle(queue: string, message: AsyncMessage, handler: TaskHandler): Promise<void> {
    const body = message.body as Task
    const attempt = Number(message.headers?.[ATTEMPT] ?? 1)
    const traceparent = message.headers?.[TRACEPARENT]
    const task: Task = {
      name: body.name,
      payload: body.payload,
      dedupeKey: body.dedupeKey,
      ...(typeof traceparent === 'string' ? { traceparent } : {}),
    }
    const dueAt = Number(message.headers?.[DUE_AT] ?? this.now())
    this.lastTakenDueAt.set(queue, dueAt)
    try {
      await handler({ ...task, attempt, dueAt })
    } catch (error) {
      // Throwing from here nacks with requeue: the message stays until its retry is confirmed.
      const dead = attempt >= this.policy.maxAttempts
      countFailedTry(task.name, dead)
      this.options.logger?.warn(
        { err: error, task: task.name, dedupe_key: task.dedupeKey, attempt, dead },
        dead ? 'task failed for the last time: dead-lettered' : 'task failed: will retry',
      )
      const errors = withFailure(parseFailures(message.headers?.[ERRORS]), attempt, error, this.now())
      const failure = { [ERROR]: errors.at(-1)!.error, [ERRORS]: JSON.stringify(errors) }
      if (dead) {
        const deadAt = new Date(this.now()).toISOString()
        await this.send(`${queue}.dead`, task, {
          [ATTEMPT]: attempt,
          ...failure,
          [DEAD_ID]: uuidv7(),
          [DEAD_AT]: deadAt,
        })
      } else {
        const delay = backoffMs(this.policy, attempt)
        const retry = this.retryQueue(queue, delay)
        await this.declare(retry.queue, retry.args)
        await this.send(retry.queue, task, { [ATTEMPT]: attempt + 1, ...failure }, delay)
      }
    }
  }

  private deadLetterOf(message: SyncMessage): DeadLetter {
    const body = message.body as Task
    const headers = message.headers ?? {}
    const errors: TaskFailure[] = parseFailures(headers[ERRORS])
    return {
      id: String(headers[DEAD_ID] ?? message.messageId ?? ''),
      name: body.name,
      payload: body.payload,
      dedupeKey: body.dedupeKey,
      attempts: Number(headers[ATTEMPT] ?? 0),
      error: String(headers[ERROR] ?? ''),
      errors,
      deadAt: String(headers[DEAD_AT] ?? errors.at(-1)?.at ?? ''),
    }
  }

  /**
   * Gets every message of the dead-letter queue on a channel of its own, hands each to `visit`
   * (which may ack it), then closes the channel: RabbitMQ puts back every message left unacked.
   */
  private async walkDeadLetters(
    name: string,
    visit: (letter: DeadLetter, ack: () => void) => Promise<'stop' | undefined>,
  ): Promise<void> {
    const queue = `${this.queueName(name)}.dead`
    await this.declare(queue)
    const channel = await this.connection.acquire()
    try {
      for (;;) {
        const message = await channel.basicGet({ queue })
        if (!message) break
        const ack = () => channel.basicAck({ deliveryTag: message.deliveryTag })
        if ((await visit(this.deadLetterOf(message), ack)) === 'stop') break
      }
    } finally {
      await channel.close()
    }
  }

  async deadLetters(name: string): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = []
    await this.walkDeadLetters(name, async (letter) => {
      letters.push(letter)
      return undefined
    })
    return letters
  }

  async requeueDead(name: string, id?: string): Promise<string[]> {
    const queue = this.queueName(name)
    await this.declare(queue)
    const requeued: string[] = []
    await this.walkDeadLetters(name, async (letter, ack) => {
      if (id !== undefined && letter.id !== id) return undefined
      // Republished (confirmed) before the dead letter is acked: a crash in between duplicates it,
      // which the dedupe key makes harmless, and never loses it.
      await this.send(queue, letter, { [ATTEMPT]: 1, [ERRORS]: JSON.stringify(letter.errors) })
      ack()
      requeued.push(letter.id)
      return id === undefined ? undefined : 'stop'
    })
    return requeued
  }

  async depth(name: string): Promise<QueueDepth> {
    const queue = this.queueName(name)
    const delays = Array.from({ length: this.policy.maxAttempts - 1 }, (_, i) =>
      backoffMs(this.policy, i + 1),
    )
    const [ready, dead, ...retries] = await Promise.all([
      this.count(queue),
      this.count(`${queue}.dead`),
      ...delays.map((delay) => {
        const retry = this.retryQueue(queue, delay)
        return this.count(retry.queue, retry.args)
      }),
    ])
    return {
      ready: ready!,
      dead: dead!,
      delayed: retries.reduce((a, b) => a + b, 0),
      oldestReadySeconds: this.oldestReadyBound(queue, ready!),
    }
  }

  /**
   * RabbitMQ cannot say how long its first message has waited without taking it: an upper bound.
   * The queue's head became due after the queue was last seen empty, and (the queue being first in,
   * first out) after the last message this process took from it.
   */
  private oldestReadyBound(queue: string, ready: number): number {
    const now = this.now()
    if (ready === 0) {
      this.lastEmptyAt.set(queue, now)
      return 0
    }
    const since = Math.max(this.lastEmptyAt.get(queue) ?? this.createdAt, this.lastTakenDueAt.get(queue) ?? 0)
    return Math.max(0, now - since) / 1000
  }

  /**
   * Stops consuming: prefetched deliveries not started yet go back to the queue, running handlers
   * finish. `deleteQueues` (tests) then deletes every queue this driver declared.
   */
  async close(options: { deleteQueues?: boolean } = {}): Promise<void> {
    for (const pool of this.pools) pool.close()
    await Promise.all(this.consumers.map((c) => c.close()))
    if (options.deleteQueues) {
      for (const queue of this.declared.keys()) await this.connection.queueDelete({ queue })
    }
    await this.publisher.close()
    await this.connection.close()
  }
}
