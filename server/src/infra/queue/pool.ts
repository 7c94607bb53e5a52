// How many handlers of one task name run at once: a semaphore whose size may change while it runs
// (the autoscaler resizes it). Deliveries beyond the size wait here, already received from the queue.

/** Given to deliveries still waiting for a slot when the pool closes (the driver requeues them). */
export class PoolClosedError extends Error {
  constructor() {
    super('the handler pool is closing: delivery given back to the queue')
  }
}

interface Waiter {
  start: () => void
  giveBack: (error: PoolClosedError) => void
}

export class HandlerPool {
  private active = 0
  private closed = false
  private readonly waiters: Waiter[] = []

  constructor(
    private current: number,
    /** The largest size this pool accepts (what its driver prefetches). */
    readonly maxSize = current,
  ) {
    this.current = this.clamp(current)
  }

  /** Handlers allowed to run at once. */
  get size(): number {
    return this.current
  }

  /** Handlers running now. */
  get running(): number {
    return this.active
  }

  /** Deliveries received and waiting for a free slot. */
  get waiting(): number {
    return this.waiters.length
  }

  /** Free slots (the outbox driver claims no more rows than this). */
  get free(): number {
    return Math.max(0, this.current - this.active)
  }

  /** Sets the size (between 1 and `maxSize`); waiting deliveries start at once when it grows. */
  resize(size: number): void {
    this.current = this.clamp(size)
    this.drain()
  }

  /** Refuses further work and gives back every delivery still waiting; running work finishes. */
  close(): void {
    this.closed = true
    for (const waiter of this.waiters.splice(0)) waiter.giveBack(new PoolClosedError())
  }

  /** Runs `work` once a slot is free (rejects with PoolClosedError once the pool is closed). */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire()
    try {
      return await work()
    } finally {
      this.active--
      this.drain()
    }
  }

  private clamp(size: number): number {
    return Math.min(this.maxSize, Math.max(1, Math.floor(size)))
  }

  private acquire(): Promise<void> {
    if (this.closed) return Promise.reject(new PoolClosedError())
    if (this.active < this.current) {
      this.active++
      return Promise.resolve()
    }
    return new Promise((start, giveBack) => this.waiters.push({ start, giveBack }))
  }

  private drain(): void {
    while (this.active < this.current && this.waiters.length) {
      this.active++
      this.waiters.shift()!.start()
    }
  }
}
