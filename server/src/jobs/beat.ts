// What `hbnb beat` runs, and when. Schedules live here, in code.
import type { Config } from '../config.js'
import { backupDatabase, pruneBackups } from '../db/backup.js'
import type { Database } from '../db/database.js'
import { refreshAgingRecords } from '../db/night-records.js'
import { SchedulerRunRepository } from '../db/scheduler-runs.js'
import type { ObjectStorage } from '../infra/storage/port.js'
import type { Logger } from '../logger.js'
import { RefreshTokenRepository } from '../modules/auth/repository.js'
import type { Services } from '../modules/services.js'
import { copyBackupOffsite } from './offsite-backups.js'
import { type Clock, type ScheduledJob, Scheduler } from './schedule.js'

/** Rows of `scheduler_runs` older than this are deleted by the cleanup job. */
const KEEP_RUNS_DAYS = 14
/** Files younger than this are never orphans: an upload or its variants may still be on their way. */
const ORPHAN_GRACE_MS = 3_600_000

export function beatJobs(options: {
  config: Config
  database: Database
  services: Pick<
    Services,
    'bookings' | 'stayReviews' | 'ical' | 'reminders' | 'photos' | 'holds' | 'freedDates'
  >
  /** Where off-site copies of the backups go: only an S3 bucket is off-site. */
  storage?: ObjectStorage
  now?: () => number
}): ScheduledJob[] {
  const { config, database, services, storage } = options
  const now = options.now ?? Date.now
  const refreshTokens = new RefreshTokenRepository(database)
  const schedulerRuns = new SchedulerRunRepository(database)
  return [
    {
      // Expires booking requests past their deadline and completes finished stays.
      name: 'bookings.transitions',
      schedule: { everySeconds: 60 },
      run: () => services.bookings.runDueTransitions(),
    },
    {
      // Removes checkout holds that ended (they already hold nothing) and tells who wanted their nights.
      name: 'holds.expire',
      schedule: { everySeconds: 30 },
      run: () => services.holds.expireDue(),
    },
    {
      name: 'reviews.reveal',
      schedule: { everySeconds: 60 },
      run: () => services.stayReviews.revealDue(),
    },
    {
      // A day before check-in (the listing's local time), once per booking.
      name: 'reminders.check_in',
      schedule: { everySeconds: 300 },
      run: () => services.reminders.enqueueCheckInReminders(now()),
    },
    {
      // A day after check-out, to each side that has not reviewed the stay, once per booking.
      name: 'reminders.review',
      schedule: { everySeconds: 3600 },
      run: () => services.reminders.enqueueReviewReminders(now()),
    },
    {
      name: 'ical.import',
      schedule: { everySeconds: 3600 },
      run: () => services.ical.syncAll(),
    },
    {
      // Expired refresh tokens (used, revoked or not) and old scheduler runs.
      name: 'cleanup',
      schedule: { everySeconds: 3600 },
      run: async () => {
        const at = now()
        const tokens = await refreshTokens.deleteExpired(new Date(at).toISOString())
        const runs = await schedulerRuns.deleteStartedBefore(
          new Date(at - KEEP_RUNS_DAYS * 86_400_000).toISOString(),
        )
        const datesFreedAlerts = await services.freedDates.pruneAlerts()
        return { refreshTokens: tokens, schedulerRuns: runs, datesFreedAlerts }
      },
    },
    {
      // Files of deleted photos and listings, and of uploads or tasks that were interrupted.
      name: 'photos.cleanup',
      schedule: { everySeconds: 900 },
      run: async () => ({ deleted: await services.photos.deleteOrphans(new Date(now() - ORPHAN_GRACE_MS)) }),
    },
    {
      // Records of taken nights that age (search reads them; each covers 512 nights from its start).
      name: 'search.night_records',
      schedule: { everySeconds: 21_600 },
      run: async () => ({ written: await refreshAgingRecords(database.write, now()) }),
    },
    {
      name: 'database.backup',
      schedule: { dailyAt: config.backupAt },
      run: async () => {
        const file = await backupDatabase(database, config.backupDir, new Date(now()))
        const pruned = await pruneBackups(config.backupDir, config.backupKeep)
        if (storage?.kind !== 's3') return { file, pruned: pruned.length }
        const offsite = await copyBackupOffsite(storage, file, config.backupOffsiteKeep)
        return { file, pruned: pruned.length, offsite: offsite.key, offsitePruned: offsite.pruned.length }
      },
    },
  ]
}

export function createBeat(options: {
  config: Config
  database: Database
  services: Pick<
    Services,
    'bookings' | 'stayReviews' | 'ical' | 'reminders' | 'photos' | 'holds' | 'freedDates'
  >
  storage?: ObjectStorage
  logger?: Logger
  clock?: Clock
}): Scheduler {
  const jobs = beatJobs({ ...options, now: options.clock ? () => options.clock!.now() : undefined })
  return new Scheduler(options.database, jobs, { logger: options.logger, clock: options.clock })
}
