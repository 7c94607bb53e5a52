// `scheduler_runs`: one row per scheduled job and slot, inserted by the scheduler that fires it
// (jobs/schedule.ts). The unique key (job, slot) is the leader lock.
import { isUniqueViolation } from './database.js'
import type { Database } from './port.js'

export interface SchedulerRunStart {
  job: string
  /** ISO timestamp of the slot. */
  slot: string
  owner: string
  startedAt: string
}

export class SchedulerRunRepository {
  constructor(private readonly database: Database) {}

  /** Records the run; false when another scheduler recorded the same job and slot first. */
  async claim(run: SchedulerRunStart): Promise<boolean> {
    try {
      await this.database.write
        .insertInto('scheduler_runs')
        .values({
          job: run.job,
          slot: run.slot,
          owner: run.owner,
          started_at: run.startedAt,
          finished_at: null,
          error: null,
        })
        .execute()
      return true
    } catch (error) {
      if (isUniqueViolation(error)) return false
      throw error
    }
  }

  async finish(job: string, slot: string, finishedAt: string, error: string | null): Promise<void> {
    await this.database.write
      .updateTable('scheduler_runs')
      .set({ finished_at: finishedAt, error })
      .where('job', '=', job)
      .where('slot', '=', slot)
      .execute()
  }

  /** Deletes the runs started before `at`; returns how many. */
  async deleteStartedBefore(at: string): Promise<number> {
    const result = await this.database.write
      .deleteFrom('scheduler_runs')
      .where('started_at', '<', at)
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
