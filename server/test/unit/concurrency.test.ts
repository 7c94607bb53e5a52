import { describe, expect, it } from 'vitest'
import { ConcurrencyLimit } from '../../src/concurrency.js'

/** A task that ends when the test says so, noting when it started. */
function controlled(started: number[], n: number) {
  let finish!: (value: number) => void
  let fail!: (error: Error) => void
  const done = new Promise<number>((resolve, reject) => {
    finish = resolve
    fail = reject
  })
  return {
    task: () => {
      started.push(n)
      return done
    },
    finish: () => finish(n),
    fail: () => fail(new Error(`task ${n} failed`)),
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('ConcurrencyLimit', () => {
  it('runs at most `max` tasks at once and starts the others in arrival order as turns free up', async () => {
    const limit = new ConcurrencyLimit(2)
    const started: number[] = []
    const tasks = [0, 1, 2, 3, 4].map((n) => controlled(started, n))
    const results = tasks.map((t) => limit.run(t.task))
    await settle()
    expect(started).toEqual([0, 1])
    expect([limit.active, limit.queued]).toEqual([2, 3])

    tasks[1]!.finish()
    await settle()
    expect(started).toEqual([0, 1, 2])
    expect([limit.active, limit.queued]).toEqual([2, 2])

    tasks[0]!.fail()
    await expect(results[0]).rejects.toThrow('task 0 failed')
    await settle()
    expect(started).toEqual([0, 1, 2, 3])

    for (const t of tasks.slice(2)) t.finish()
    expect(await Promise.all(results.slice(1))).toEqual([1, 2, 3, 4])
    expect([limit.active, limit.queued]).toEqual([0, 0])
  })

  it('refuses a limit below 1', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError)
    expect(() => new ConcurrencyLimit(1.5)).toThrow(RangeError)
  })
})
