// Reminders `hbnb beat` enqueues: the check-in reminder a day before check-in (the listing's local
// date and check-in time), and the review reminder a day after check-out of a completed stay. Each
// is one outbox row whose dedupe key (booking and kind) is unique, so it is enqueued once however
// often, and by however many schedulers, the job runs; the handler's claims make it sent once.
import { addDays, localTimeToInstant } from '../../dates.js'
import { outboxRow } from '../../db/outbox.js'
import { type ReminderKind, reminderNotification } from '../../domain/tasks.js'
import type { Logger } from '../../logger.js'
import { REVIEW_WINDOW_DAYS } from '../reviews/stay-service.js'
import type { NotificationRepository, ReminderCandidate } from './repository.js'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
/** How long before check-in the check-in reminder goes. */
export const CHECK_IN_REMINDER_LEAD_MS = DAY_MS
/** How long after check-out the review reminder goes (while the review window is open). */
export const REVIEW_REMINDER_DELAY_MS = DAY_MS

/** The UTC date of an instant; a local date anywhere is within a day of it. */
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10)

export interface ReminderServiceDeps {
  repository: NotificationRepository
  logger: Logger
}

export class ReminderService {
  constructor(private readonly deps: ReminderServiceDeps) {}

  /** Enqueues the check-in reminder of every confirmed stay starting within the next 24 hours. */
  async enqueueCheckInReminders(now: number): Promise<{ enqueued: number }> {
    const candidates = await this.deps.repository.withDateBetween(
      'confirmed',
      'check_in',
      addDays(utcDate(now), -1),
      addDays(utcDate(now + CHECK_IN_REMINDER_LEAD_MS), 1),
    )
    return this.enqueue('check_in', now, candidates, (b) => {
      const checkIn = localTimeToInstant(b.check_in, b.check_in_time, b.timezone)
      return checkIn - CHECK_IN_REMINDER_LEAD_MS <= now && now < checkIn
    })
  }

  /** Enqueues the review reminder of every completed stay that ended a day ago or more, window open. */
  async enqueueReviewReminders(now: number): Promise<{ enqueued: number }> {
    const candidates = await this.deps.repository.withDateBetween(
      'completed',
      'check_out',
      addDays(utcDate(now - REVIEW_WINDOW_DAYS * DAY_MS), -1),
      addDays(utcDate(now), 1),
    )
    return this.enqueue('review', now, candidates, (b) => {
      const checkOut = localTimeToInstant(b.check_out, b.check_out_time, b.timezone)
      return checkOut + REVIEW_REMINDER_DELAY_MS <= now && now < checkOut + REVIEW_WINDOW_DAYS * DAY_MS
    })
  }

  private async enqueue(
    reminder: ReminderKind,
    now: number,
    candidates: ReminderCandidate[],
    due: (booking: ReminderCandidate) => boolean,
  ): Promise<{ enqueued: number }> {
    let enqueued = 0
    for (const booking of candidates.filter(due)) {
      if (await this.deps.repository.enqueueOnce(outboxRow(reminderNotification(booking.id, reminder), now)))
        enqueued++
    }
    if (enqueued) this.deps.logger.info({ reminder, enqueued }, 'reminders enqueued')
    return { enqueued }
  }
}
