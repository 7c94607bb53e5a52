// The contract every task queue driver passes: once on success, retried with backoff, then
// dead-lettered with every try's error; a task that fails once completes on its retry; a dead
// letter requeued by id runs again; queue depths and the age of the oldest ready task; a handler
// pool resized while it runs.
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
      {
        id: expect.any(String),
        name,
        payload: { x: true },
        dedupeKey: `${name}:1`,
        attempts: 3,
        error: 'Error: boom 3',
        errors: [1, 2, 3].map((attempt) => ({
          attempt,
          error: `Error: boom ${attempt}`,
          at: expect.any(String),
        })),
        deadAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ])
    // Reading dead letters leaves them in place.
    expect((await harness.queue.deadLetters(name)).map((l) => l.id)).toEqual([letters[0]!.id])
    expect(await harness.queue.depth(name)).toMatchObject({ dead: 1 })
  })

  it('requeues a dead letter by id for a fresh series of tries, keeping its error history', async () => {
    const name = `contract-requeue-${run}`
    let broken = true
    const attempts: number[] = []
    const done: string[] = []
    await harness.queue.consume(name, async (d) => {
      attempts.push(d.attempt)
      if (broken) throw new Error(`down ${d.attempt}`)
      done.push(d.dedupeKey)
    })
    for (const n of [1, 2]) await harness.queue.publish({ name, payload: { n }, dedupeKey: `${name}:${n}` })
    const letters = await waitFor(async () => {
      const dead = await harness.queue.deadLetters(name)
      return dead.length === 2 ? dead : undefined
    }, 'two dead letters')
    expect(await harness.queue.requeueDead(name, 'no-such-id')).toEqual([])
    broken = false
    const first = letters.find((l) => l.dedupeKey === `${name}:1`)!
    expect(await harness.queue.requeueDead(name, first.id)).toEqual([first.id])
    await waitFor(async () => (done.length ? true : undefined), 'the requeued task')
    expect(done).toEqual([`${name}:1`])
    expect(attempts.slice(-1)).toEqual([1])
    const left = await harness.queue.deadLetters(name)
    expect(left.map((l) => l.dedupeKey)).toEqual([`${name}:2`])
    expect(left[0]!.errors.map((e) => e.error)).toEqual(['Error: down 1', 'Error: down 2', 'Error: down 3'])
    // Every remaining one.
    expect(await harness.queue.requeueDead(name)).toEqual([left[0]!.id])
    await waitFor(async () => (done.length === 2 ? true : undefined), 'the second requeued task')
    expect(await harness.queue.deadLetters(name)).toEqual([])
    expect(await harness.queue.depth(name)).toEqual({ ready: 0, delayed: 0, dead: 0, oldestReadySeconds: 0 })
  })

  it('says how long its oldest ready task has waited, and hands each task its due time and trace', async () => {
    const name = `contract-wait-${run}`
    expect(await harness.queue.depth(name)).toMatchObject({ ready: 0, oldestReadySeconds: 0 })
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
    const published = Date.now()
    await harness.queue.publish({ name, payload: {}, dedupeKey: `${name}:1`, traceparent })
    await harness.queue.publish({ name, payload: {}, dedupeKey: `${name}:2` })
    await new Promise((resolve) => setTimeout(resolve, 1200))
    const waiting = await waitFor(async () => {
      const depth = await harness.queue.depth(name)
      return depth.ready === 2 ? depth : undefined
    }, 'two ready tasks')
    expect(waiting.oldestReadySeconds).toBeGreaterThanOrEqual(1.1)
    expect(waiting.oldestReadySeconds).toBeLessThan((Date.now() - published) / 1000 + 1)
    const seen: Delivery[] = []
    await harness.queue.consume(name, async (d) => {
      seen.push(d)
    })
    await waitFor(async () => (seen.length === 2 ? true : undefined), 'both tasks')
    const first = seen.find((d) => d.dedupeKey === `${name}:1`)!
    expect(first.traceparent).toBe(traceparent)
    expect(seen.find((d) => d.dedupeKey === `${name}:2`)!.traceparent).toBeUndefined()
    for (const delivery of seen) {
      expect(delivery.dueAt).toBeGreaterThanOrEqual(published - 50)
      expect(delivery.dueAt).toBeLessThan(published + 1000)
    }
    await waitFor(async () => ((await harness.queue.depth(name)).ready === 0 ? true : undefined), 'empty')
    expect(await harness.queue.depth(name)).toMatchObject({ ready: 0, oldestReadySeconds: 0 })
  })

  it('runs more handlers at once when its pool is resized', async () => {
    const name = `contract-pool-${run}`
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let running = 0
    let most = 0
    const pool = await harness.queue.consume(
      name,
      async () => {
        running++
        most = Math.max(most, running)
        await gate
        running--
      },
      { concurrency: 1, maxConcurrency: 3 },
    )
    expect(pool.size).toBe(1)
    for (const n of [1, 2, 3]) await harness.queue.publish({ name, payload: {}, dedupeKey: `${name}:${n}` })
    await waitFor(async () => (running === 1 ? true : undefined), 'the first handler')
    pool.resize(3)
    await waitFor(async () => (running === 3 ? true : undefined), 'three handlers at once')
    release()
    await waitFor(async () => (running === 0 && pool.running === 0 ? true : undefined), 'all done')
    expect(most).toBe(3)
    pool.resize(10)
    expect(pool.size).toBe(3)
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
