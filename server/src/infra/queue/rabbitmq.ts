// Production queue driver: RabbitMQ through rabbitmq-client. Per task name: a durable queue, one
// retry queue per backoff delay (message TTL, then dead-lettered back to the main queue) and a
// dead-letter queue. Messages are persistent and published with confirms; a message is acked after
// its handler resolved, or after its retry (or dead letter) was confirmed.
import { type AsyncMessage, Connection, type Consumer, type Publisher } from 'rabbitmq-client'
import type { Logger } from '../../logger.js'
import {
  backoffMs,
  type ConsumeOptions,
  DEFAULT_RETRY,
  type DeadLetter,
  errorText,
  type RetryPolicy,
  type Task,
  type TaskHandler,
  type TaskQueue,
} from './port.js'

export interface RabbitQueueOptions extends Partial<RetryPolicy> {
  /** Prefix of every queue name (tests use their own). */
  prefix?: string
  logger?: Logger
}

const ATTEMPT = 'x-hbnb-attempt'
const ERROR = 'x-hbnb-error'
const DEDUPE = 'x-hbnb-dedupe-key'

export class RabbitTaskQueue implements TaskQueue {
  private readonly connection: Connection
  private readonly publisher: Publisher
  private readonly policy: RetryPolicy
  private readonly prefix: string
  private readonly declared = new Map<string, Promise<unknown>>()
  private readonly consumers: Consumer[] = []

  constructor(
    url: string,
    private readonly options: RabbitQueueOptions = {},
  ) {
    this.connection = new Connection(url)
    this.connection.on('error', (error: unknown) =>
      options.logger?.error({ err: error }, 'RabbitMQ connection error'),
    )
    this.publisher = this.connection.createPublisher({ confirm: true, maxAttempts: 3 })
    this.policy = {
      maxAttempts: options.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
      baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    }
    this.prefix = options.prefix ?? 'hbnb.'
  }

  private queueName(name: string) {
    return `${this.prefix}${name}`
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

  private async send(queue: string, task: Task, headers: Record<string, unknown>): Promise<void> {
    await this.publisher.send(
      {
        routingKey: queue,
        durable: true,
        messageId: task.dedupeKey,
        contentType: 'application/json',
        headers,
      },
      { name: task.name, payload: task.payload, dedupeKey: task.dedupeKey },
    )
  }

  async publish(task: Task): Promise<void> {
    const queue = this.queueName(task.name)
    await this.declare(queue)
    await this.send(queue, task, { [ATTEMPT]: 1, [DEDUPE]: task.dedupeKey })
  }

  async consume(name: string, handler: TaskHandler, options: ConsumeOptions = {}): Promise<void> {
    const queue = this.queueName(name)
    await this.declare(queue)
    await this.declare(`${queue}.dead`)
    const concurrency = Math.max(1, options.concurrency ?? 1)
    const consumer = this.connection.createConsumer(
      {
        queue,
        queueOptions: { durable: true },
        qos: { prefetchCount: concurrency },
        concurrency,
        requeue: true,
      },
      async (message: AsyncMessage) => {
        const body = message.body as Task
        const attempt = Number(message.headers?.[ATTEMPT] ?? 1)
        const task: Task = { name: body.name, payload: body.payload, dedupeKey: body.dedupeKey }
        try {
          await handler({ ...task, attempt })
        } catch (error) {
          // Throwing from here nacks with requeue: the message stays until its retry is confirmed.
          const dead = attempt >= this.policy.maxAttempts
          this.options.logger?.warn(
            { err: error, task: name, dedupe_key: task.dedupeKey, attempt, dead },
            dead ? 'task failed for the last time: dead-lettered' : 'task failed: will retry',
          )
          if (dead) {
            await this.send(`${queue}.dead`, task, { [ATTEMPT]: attempt, [ERROR]: errorText(error) })
          } else {
            const delay = backoffMs(this.policy, attempt)
            const retry = `${queue}.retry.${delay}`
            await this.declare(retry, {
              'x-message-ttl': delay,
              'x-dead-letter-exchange': '',
              'x-dead-letter-routing-key': queue,
            })
            await this.send(retry, task, { [ATTEMPT]: attempt + 1, [ERROR]: errorText(error) })
          }
        }
      },
    )
    consumer.on('error', (error: unknown) =>
      this.options.logger?.error({ err: error, task: name }, 'consumer error'),
    )
    this.consumers.push(consumer)
    await new Promise<void>((resolve) => consumer.once('ready', () => resolve()))
  }

  /** Reads the dead-letter queue without taking the messages out of it. */
  async deadLetters(name: string): Promise<DeadLetter[]> {
    const queue = `${this.queueName(name)}.dead`
    await this.declare(queue)
    const channel = await this.connection.acquire()
    try {
      const letters: DeadLetter[] = []
      for (;;) {
        const message = await channel.basicGet({ queue })
        if (!message) break
        const body = message.body as Task
        letters.push({
          name: body.name,
          payload: body.payload,
          dedupeKey: body.dedupeKey,
          attempts: Number(message.headers?.[ATTEMPT] ?? 0),
          error: String(message.headers?.[ERROR] ?? ''),
        })
      }
      return letters
    } finally {
      // Closing the channel returns every unacked message to the queue.
      await channel.close()
    }
  }

  /** Stops consuming; `deleteQueues` (tests) then deletes every queue this driver declared. */
  async close(options: { deleteQueues?: boolean } = {}): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.close()))
    if (options.deleteQueues) {
      for (const queue of this.declared.keys()) await this.connection.queueDelete({ queue })
    }
    await this.publisher.close()
    await this.connection.close()
  }
}
