// The scheduler of `hbnb beat` (the Celery Beat of HBNB): jobs on fixed schedules, each scheduled
// run ("slot") fired once across every scheduler process sharing the database. A process fires a
// slot only when it inserts the (job, slot) row of `scheduler_runs` first: the unique key is the
// leader lock, on SQLite and MariaDB alike, with no separate lock service.
import { hostname } from 'node:os'
import type { Database } from '../db/database.js'
import { SchedulerRunRepository } from '../db/scheduler-runs.js'
import type { Logger } from '../logger.js'

export type Schedule =
  /** Every N seconds, on multiples of N since the epoch (so every process agrees on the slots). */
  | { everySeconds: number }
  /** Once a day at HH:MM UTC. */
  | { dailyAt: string }

export interface ScheduledJob {
  name: string
  schedule: Schedule
  run: (slot: Date) => Promise<unknown>
}

export interface Clock {
  now(): number
  /** Waits `ms` (or less when `signal` aborts). */
  sleep(ms: number, signal: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve()
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
      signal.addEventListener('abort', done)
    }),
}

const DAY_MS = 86_400_000
/** The loop wakes at least this often, so a changed wall clock is noticed. */
const MAX_SLEEP_MS = 60_000

function dailyOffset(at: string): number {
  const [hours, minutes] = at.split(':').map(Number)
  return (hours! * 60 + minutes!) * 60_000
}

/** The latest slot of the schedule at or before `now` (ms). */
export function slotAt(schedule: Schedule, now: number): number {
  if ('everySeconds' in schedule) {
    const period = schedule.everySeconds * 1000
    return Math.floor(now / period) * period
  }
  const offset = dailyOffset(schedule.dailyAt)
  return Math.floor((now - offset) / DAY_MS) * DAY_MS + offset
}

/** The first slot strictly after `now` (ms). */
export function nextSlotAfter(schedule: Schedule, now: number): number {
  return slotAt(schedule, now) + ('everySeconds' in schedule ? schedule.everySeconds * 1000 : DAY_MS)
}

export interface SchedulerOptions {
  clock?: Clock
  logger?: Logger
  /** Recorded on each run this process fires. */
  owner?: string
}

export class Scheduler {
  private readonly clock: Clock
  private readonly owner: string
  private readonly runs: SchedulerRunRepository
  private readonly lastSlot = new Map<string, number>()
  private readonly running = new Map<string, Promise<void>>()
  private readonly stopping = new AbortController()
  private loop: Promise<void> | undefined

  constructor(
    database: Database,
    readonly jobs: ScheduledJob[],
    private readonly options: SchedulerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock
    this.owner = options.owner ?? `${hostname()}:${process.pid}`
    this.runs = new SchedulerRunRepository(database)
    const names = new Set(jobs.map((job) => job.name))
    if (names.size !== jobs.length) throw new Error('scheduled job names must be unique')
  }

  /**
   * Fires every job whose current slot this process has not handled yet and whose run it claims;
   * resolves when the runs it started have finished. A job still running from an earlier slot is
   * not started again. One failing job never stops the others.
   */
  async tick(now = this.clock.now()): Promise<void> {
    const started: Promise<void>[] = []
    for (const job of this.jobs) {
      const slot = slotAt(job.schedule, now)
      if (this.lastSlot.get(job.name) === slot || this.running.has(job.name)) continue
      this.lastSlot.set(job.name, slot)
      const run = this.fire(job, slot).finally(() => this.running.delete(job.name))
      this.running.set(job.name, run)
      started.push(run)
    }
    await Promise.all(started)
  }

  private async fire(job: ScheduledJob, slot: number): Promise<void> {
    const slotIso = new Date(slot).toISOString()
    const logger = this.options.logger
    try {
      const claimed = await this.runs.claim({
        job: job.name,
        slot: slotIso,
        owner: this.owner,
        startedAt: new Date(this.clock.now()).toISOString(),
      })
      if (!claimed) return // another scheduler has this run
    } catch (error) {
      logger?.error({ err: error, job: job.name }, 'scheduler could not claim a run')
      return
    }
    let failure: string | null = null
    try {
      const result = await job.run(new Date(slot))
      logger?.info({ job: job.name, slot: slotIso, result }, `scheduled job ${job.name} done`)
    } catch (error) {
      failure = error instanceof Error ? error.message || error.name : String(error)
      logger?.error({ err: error, job: job.name, slot: slotIso }, `scheduled job ${job.name} failed`)
    }
    try {
      await this.runs.finish(job.name, slotIso, new Date(this.clock.now()).toISOString(), failure)
    } catch (error) {
      logger?.error({ err: error, job: job.name }, 'scheduler could not record a finished run')
    }
  }

  /** Milliseconds from `now` to the next slot of any job. */
  private nextWake(now: number): number {
    const next = Math.min(...this.jobs.map((job) => nextSlotAfter(job.schedule, now)))
    return Math.max(1, Math.min(MAX_SLEEP_MS, next - now))
  }

  /** Runs the loop until `stop()`; ticks never wait for each other's long runs. */
  start(): Promise<void> {
    this.loop ??= (async () => {
      const signal = this.stopping.signal
      while (!signal.aborted) {
        const now = this.clock.now()
        void this.tick(now)
        await this.clock.sleep(this.nextWake(now), signal)
      }
    })()
    return this.loop
  }

  /** Resolves once no run started by this process is in progress. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()])
  }

  /** Stops scheduling and waits for the runs in progress. */
  async stop(): Promise<void> {
    this.stopping.abort()
    await this.loop
    await Promise.allSettled([...this.running.values()])
  }
}
