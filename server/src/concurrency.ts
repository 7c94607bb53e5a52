/**
 * At most `max` tasks at once; the others wait their turn, first come first served. For work that
 * holds much memory while it runs, so that a flood of requests queues instead of growing the process.
 */
export class ConcurrencyLimit {
  private running = 0
  private readonly waiting: (() => void)[] = []

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`a concurrency limit must be 1 or more, not ${max}`)
  }

  /** Tasks started and not finished yet. */
  get active(): number {
    return this.running
  }

  /** Tasks waiting for a turn. */
  get queued(): number {
    return this.waiting.length
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.max) this.running++
    // The task that finishes hands its turn over, so `running` stays counted for the next one.
    else await new Promise<void>((resolve) => this.waiting.push(resolve))
    try {
      return await task()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }
}
