// The autoscaler of one task name's handler pool (like Celery's --autoscale): it grows the pool at
// once to the number of tasks waiting (received or ready in the queue), up to the maximum, and
// shrinks it back only after fewer tasks than handlers waited for `scaleDownAfterMs`, so a pool
// does not shrink between two bursts. Every change is logged.
import type { HandlerPool } from '../infra/queue/pool.js'
import type { Logger } from '../logger.js'

export interface AutoscaleOptions {
  task: string
  pool: HandlerPool
  min: number
  max: number
  scaleDownAfterMs: number
  logger?: Logger
  now?: () => number
}

export class Autoscaler {
  private readonly now: () => number
  /** Since when the pool has been larger than the work asks for. */
  private idleSince: number | undefined

  constructor(private readonly options: AutoscaleOptions) {
    this.now = options.now ?? Date.now
    options.pool.resize(options.min)
  }

  /** Decides the pool's size given the tasks ready in the queue; returns the size. */
  update(ready: number): number {
    const { pool, min, max, task, logger } = this.options
    const wanted = Math.min(max, Math.max(min, pool.running + pool.waiting + ready))
    const size = pool.size
    if (wanted >= size) this.idleSince = undefined
    if (wanted > size) {
      pool.resize(wanted)
      logger?.info(
        { task, from: size, to: wanted, ready },
        `autoscale: ${task} grows from ${size} to ${wanted}`,
      )
    } else if (wanted < size) {
      this.idleSince ??= this.now()
      if (this.now() - this.idleSince >= this.options.scaleDownAfterMs) {
        pool.resize(wanted)
        this.idleSince = undefined
        logger?.info(
          { task, from: size, to: wanted, ready },
          `autoscale: ${task} shrinks from ${size} to ${wanted}`,
        )
      }
    }
    return pool.size
  }
}
