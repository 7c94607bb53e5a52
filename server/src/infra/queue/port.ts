// The task queue port: at-least-once delivery, ack after the handler resolves, retries with
// exponential backoff, then a dead-letter record carrying the last error.

export interface Task {
  name: string
  payload: unknown
  /** Same work, same key: handlers use it to make a redelivered task harmless. */
  dedupeKey: string
}

export interface Delivery extends Task {
  /** 1 on the first try. */
  attempt: number
}

export type TaskHandler = (delivery: Delivery) => Promise<void>

export interface ConsumeOptions {
  concurrency?: number
}

export interface DeadLetter extends Task {
  attempts: number
  error: string
}

export interface RetryPolicy {
  /** Tries before a task is dead-lettered. */
  maxAttempts: number
  /** Delay before the second try; doubled before each further one. */
  baseDelayMs: number
}

export interface TaskQueue {
  publish(task: Task): Promise<void>
  consume(name: string, handler: TaskHandler, options?: ConsumeOptions): Promise<void>
  /** Tasks of that name that failed their last try, with their error. */
  deadLetters(name: string): Promise<DeadLetter[]>
  /** Stops consuming (waiting for running handlers) and releases connections. */
  close(): Promise<void>
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 10_000 }

/** Wait before try `attempt + 1` after try `attempt` failed. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return policy.baseDelayMs * 2 ** (attempt - 1)
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
