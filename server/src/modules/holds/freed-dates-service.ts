// "Dates freed" alerts: when nights of a listing become free again (a hold ends, a booking is
// cancelled, declined or expires, a host unblocks), the guests who wanted them are told live and by
// email, at most once per guest, place and day, and only about nights still free and to come.
// The change that frees the nights writes a `freed_nights` task in its own transaction
// (`freedNightsRow`); its handler is `announce`.
import { localDate, nightsOf } from '../../dates.js'
import { outboxRow } from '../../db/outbox.js'
import type { OutboxRow } from '../../db/schema.js'
import type { LiveEvents } from '../../domain/live.js'
import { datesFreedNotification, type FreedNights, freedNightsTask } from '../../domain/tasks.js'
import type { Logger } from '../../logger.js'
import type { CalendarRepository } from '../calendar/repository.js'
import type { PlaceRepository } from '../places/repository.js'
import type { FreedDatesRepository } from './freed-dates-repository.js'

export type { FreedNights }

/** The outbox row of a change that frees nights, written in that change's transaction. */
export function freedNightsRow(freed: FreedNights, cause: string, now: number): OutboxRow {
  return outboxRow(freedNightsTask(freed, cause), now)
}

export interface FreedDatesServiceDeps {
  alerts: FreedDatesRepository
  places: PlaceRepository
  calendar: CalendarRepository
  live: LiveEvents
  logger: Logger
  /** The clock (milliseconds since the epoch). */
  now: () => number
}

export class FreedDatesService {
  constructor(private readonly deps: FreedDatesServiceDeps) {}

  /**
   * Tells the interested guests that nights are free (the `freed_nights` task). A failure throws,
   * for the task to be tried again; guests told already are not told twice. Returns how many were told.
   */
  async announce({ place_id, from, to, except }: FreedNights): Promise<number> {
    const now = this.deps.now()
    const nowText = new Date(now).toISOString()
    const place = await this.deps.places.findById(place_id)
    if (place?.status !== 'published' || place.deleted_at !== null) return 0
    const today = localDate(now, place.timezone)
    const start = from > today ? from : today
    if (start >= to) return 0
    const taken = new Set(
      (await this.deps.calendar.occupied(place.id, start, to, nowText)).map((night) => night.night),
    )
    const free = nightsOf(start, to).filter((night) => !taken.has(night))
    if (free.length === 0) return 0
    const skip = new Set([...except, place.owner_id])
    const guests = (await this.deps.alerts.interested(place.id, free[0]!, to)).filter((id) => !skip.has(id))
    const day = nowText.slice(0, 10)
    const told = await this.deps.alerts.claimAll(guests, place.id, day, nowText, (guestId) =>
      outboxRow(datesFreedNotification(guestId, place.id, free, day), now),
    )
    for (const guestId of told) {
      this.deps.live.publish({
        topic: `user:${guestId}`,
        type: 'dates.freed',
        data: { place_id: place.id, place_title: place.title, nights: free },
      })
    }
    if (told.length)
      this.deps.logger.info({ place_id: place.id, guests: told.length }, 'dates freed alerts raised')
    return told.length
  }

  /** Forgets alerts of past days (they bound nothing any more). */
  pruneAlerts(): Promise<number> {
    return this.deps.alerts.deleteBefore(new Date(this.deps.now()).toISOString().slice(0, 10))
  }
}
