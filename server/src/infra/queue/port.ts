// The task queue port: at-least-once delivery, ack after the handler resolves, retries with
// exponential backoff, then a dead letter carrying every try's error, which an operator can requeue.
import type { HandlerPool } from './pool.js'

export interface Task {
  name: string
  payload: unknown
  /** Same work, same key: handlers use it to make a redelivered task harmless. */
  dedupeKey: string
  /** W3C traceparent of the span that published it, when tracing is on: its run continues that trace. */
  traceparent?: string
}

export interface Delivery extends Task {
  /** 1 on the first try. */
  attempt: number
  /** Epoch ms since when this try has been due: its wait for a handler counts from there. */
  dueAt: number
}

export type TaskHandler = (delivery: Delivery) => Promise<void>

export interface ConsumeOptions {
  /** Handlers run at once at first (default 1); the returned pool may be resized up to `maxConcurrency`. */
  concurrency?: number
  /** Largest size the pool will be given (default `concurrency`): how many deliveries may be held. */
  maxConcurrency?: number
}

/** One failed try. */
export interface TaskFailure {
  attempt: number
  error: string
  /** ISO time of the failure. */
  at: string
}

export interface DeadLetter extends Task {
  /** Stable id, to inspect or requeue it by. */
  id: string
  attempts: number
  /** The last error. */
  error: string
  /** Every failed try, oldest first (tries of earlier requeues included). */
  errors: TaskFailure[]
  /** ISO time it was dead-lettered. */
  deadAt: string
}

/** How many tasks of one name wait, by state. */
export interface QueueDepth {
  /** Due now, waiting for a handler. */
  ready: number
  /** Waiting for their retry (backoff), or (outbox driver) running under a lease. */
  delayed: number
  dead: number
  /**
   * Seconds the longest-waiting ready task has been due (0 when none is ready): exact with the
   * outbox; with RabbitMQ, which cannot be asked, an upper bound (see its driver).
   */
  oldestReadySeconds: number
}

export interface RetryPolicy {
  /** Tries before a task is dead-lettered. */
  maxAttempts: number
  /** Delay before the second try; doubled before each further one. */
  baseDelayMs: number
}

export interface TaskQueue {
  publish(task: Task): Promise<void>
  /** Starts handling tasks of that name; the pool tells and sets how many run at once. */
  consume(name: string, handler: TaskHandler, options?: ConsumeOptions): Promise<HandlerPool>
  /** Tasks of that name that failed their last try, with their errors (read without removing them). */
  deadLetters(name: string): Promise<DeadLetter[]>
  /**
   * Puts the dead letter `id` (every dead letter of that name when no id is given) back in the
   * queue for a fresh series of tries; resolves to the ids requeued.
   */
  requeueDead(name: string, id?: string): Promise<string[]>
  depth(name: string): Promise<QueueDepth>
  /** Stops consuming (waiting for running handlers) and releases connections. */
  close(): Promise<void>
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 10_000 }

/** Wait before try `attempt + 1` after try `attempt` failed. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return policy.baseDelayMs * 2 ** (attempt - 1)
}

/** Longest error text kept per try. */
const MAX_ERROR_CHARS = 2000

export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text
}

/** The error history of a task after one more failed try. */
export function withFailure(
  errors: TaskFailure[],
  attempt: number,
  error: unknown,
  now: number,
): TaskFailure[] {
  return [...errors, { attempt, error: errorText(error), at: new Date(now).toISOString() }]
}

/** Reads an error history stored as JSON text; anything else reads as none. */
export function parseFailures(raw: unknown): TaskFailure[] {
  if (typeof raw !== 'string' || !raw) return []
  try {
    const parsed = JSON.parse(raw)
    return Array.isArray(parsed) ? parsed : []
  } catch {
    return []
  }
}
