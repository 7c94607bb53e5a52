// The contract every task queue driver passes: once on success, retried with backoff, then
// dead-lettered with the error; a task that fails once completes on its retry.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Delivery, TaskQueue } from '../../src/infra/queue/port.js'
import { waitFor } from './mail-contract.js'

export interface QueueHarness {
  /** A queue whose retry policy is 3 tries and a short backoff. */
  queue: TaskQueue
  close(): Promise<void>
}

export const CONTRACT_RETRY = { maxAttempts: 3, baseDelayMs: 50 }

export function queueContract(start: () => Promise<QueueHarness>) {
  let harness: QueueHarness
  const run = randomBytes(4).toString('hex')
  beforeAll(async () => {
    harness = await start()
  })
  afterAll(async () => {
    await harness?.close()
  })

  it('handles a published task once, with its payload and dedupe key', async () => {
    const name = `contract-ok-${run}`
    const seen: Delivery[] = []
    await harness.queue.consume(name, async (d) => {
      seen.push(d)
    })
    await harness.queue.publish({ name, payload: { n: 1, text: 'é' }, dedupeKey: `${name}:1` })
    await harness.queue.publish({ name, payload: { n: 2 }, dedupeKey: `${name}:2` })
    // Concurrency 1: once the second task is handled, the first one's delivery is settled.
    await waitFor(async () => (seen.some((d) => d.dedupeKey === `${name}:2`) ? true : undefined), 'task 2')
    const first = seen.filter((d) => d.dedupeKey === `${name}:1`)
    expect(first).toHaveLength(1)
    expect(first[0]).toMatchObject({ name, payload: { n: 1, text: 'é' }, attempt: 1 })
    expect(await harness.queue.deadLetters(name)).toEqual([])
  })

  it('retries a failing task, then dead-letters it with its error', async () => {
    const name = `contract-fail-${run}`
    const attempts: number[] = []
    await harness.queue.consume(name, async (d) => {
      attempts.push(d.attempt)
      throw new Error(`boom ${d.attempt}`)
    })
    await harness.queue.publish({ name, payload: { x: true }, dedupeKey: `${name}:1` })
    const letters = await waitFor(async () => {
      const dead = await harness.queue.deadLetters(name)
      return dead.length ? dead : undefined
    }, 'the dead letter')
    expect(attempts).toEqual([1, 2, 3])
    expect(letters).toEqual([
      { name, payload: { x: true }, dedupeKey: `${name}:1`, attempts: 3, error: 'Error: boom 3' },
    ])
  })

  it('completes a task on its retry when the handler throws once', async () => {
    const name = `contract-flaky-${run}`
    const attempts: number[] = []
    const done: string[] = []
    await harness.queue.consume(
      name,
      async (d) => {
        attempts.push(d.attempt)
        if (d.attempt === 1) throw new Error('transient')
        done.push(d.dedupeKey)
      },
      { concurrency: 2 },
    )
    await harness.queue.publish({ name, payload: {}, dedupeKey: `${name}:1` })
    await waitFor(async () => (done.length ? true : undefined), 'the retried task')
    expect(attempts).toEqual([1, 2])
    expect(done).toEqual([`${name}:1`])
    expect(await harness.queue.deadLetters(name)).toEqual([])
  })
}
