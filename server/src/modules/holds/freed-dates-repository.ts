import type { Database } from '../../db/database.js'
import { isDeadlock, isUniqueViolation } from '../../db/database.js'
import type { OutboxRow } from '../../db/schema.js'

/** Most guests told about one freeing: a listing wishlisted by more is told to this many. */
const MAX_RECIPIENTS = 1000
/** Guests claimed per transaction. */
const CLAIM_BATCH = 200

/** Who wants to hear that nights of a place are free again, and the alerts already sent. */
export class FreedDatesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Guests interested in nights of [from, to) of the place: whoever wishlisted it, whoever had a
   * request for some of those nights declined or expired, whoever was refused some of them.
   */
  async interested(placeId: string, from: string, to: string): Promise<string[]> {
    const read = this.db.write
    const [wishers, declined, refused] = await Promise.all([
      read
        .selectFrom('wishlist_places')
        .innerJoin('wishlists', 'wishlists.id', 'wishlist_places.wishlist_id')
        .select('wishlists.user_id as guest_id')
        .where('wishlist_places.place_id', '=', placeId)
        .limit(MAX_RECIPIENTS)
        .execute(),
      read
        .selectFrom('bookings')
        .select('guest_id')
        .where('place_id', '=', placeId)
        .where('status', 'in', ['declined', 'expired'])
        .where('check_in', '<', to)
        .where('check_out', '>', from)
        .limit(MAX_RECIPIENTS)
        .execute(),
      read
        .selectFrom('hold_refusals')
        .select('guest_id')
        .where('place_id', '=', placeId)
        .where('check_in', '<', to)
        .where('check_out', '>', from)
        .limit(MAX_RECIPIENTS)
        .execute(),
    ])
    const ids = new Set([...wishers, ...declined, ...refused].map((row) => row.guest_id))
    return [...ids].slice(0, MAX_RECIPIENTS)
  }

  /**
   * Claims the alerts of the guests about the place for `day` and writes their email tasks (made by
   * `taskOf`), a few statements per batch of guests; returns the guests whose alert was claimed
   * (not those already alerted about this place that day). Two claims racing for one guest: the
   * batch meeting the other's row (or deadlocking with it, on MariaDB) falls back to one guest at a
   * time, so each guest is claimed once.
   */
  async claimAll(
    guestIds: string[],
    placeId: string,
    day: string,
    now: string,
    taskOf: (guestId: string) => OutboxRow,
  ): Promise<string[]> {
    const claimed: string[] = []
    for (let i = 0; i < guestIds.length; i += CLAIM_BATCH) {
      const batch = guestIds.slice(i, i + CLAIM_BATCH)
      const done = await this.db.write
        .selectFrom('dates_freed_alerts')
        .select('guest_id')
        .where('place_id', '=', placeId)
        .where('day', '=', day)
        .where('guest_id', 'in', batch)
        .execute()
      const already = new Set(done.map((row) => row.guest_id))
      const fresh = batch.filter((id) => !already.has(id))
      if (fresh.length === 0) continue
      try {
        await this.db.write.transaction().execute(async (trx) => {
          await trx
            .insertInto('dates_freed_alerts')
            .values(fresh.map((guest_id) => ({ guest_id, place_id: placeId, day, created_at: now })))
            .execute()
          await trx.insertInto('outbox').values(fresh.map(taskOf)).execute()
        })
        claimed.push(...fresh)
      } catch (error) {
        if (!isUniqueViolation(error) && !isDeadlock(error)) throw error
        for (const guestId of fresh) {
          if (await this.claim(guestId, placeId, day, now, taskOf(guestId))) claimed.push(guestId)
        }
      }
    }
    return claimed
  }

  /**
   * Claims the guest's alert about the place for `day` and writes its email task, together; false
   * when the guest was already alerted about this place that day.
   */
  async claim(guestId: string, placeId: string, day: string, now: string, task: OutboxRow): Promise<boolean> {
    try {
      await this.db.write.transaction().execute(async (trx) => {
        await trx
          .insertInto('dates_freed_alerts')
          .values({ guest_id: guestId, place_id: placeId, day, created_at: now })
          .execute()
        await trx.insertInto('outbox').values(task).execute()
      })
      return true
    } catch (error) {
      if (isUniqueViolation(error)) return false
      throw error
    }
  }

  /** Alerts of days before `day`: they bound nothing any more. */
  async deleteBefore(day: string): Promise<number> {
    const result = await this.db.write
      .deleteFrom('dates_freed_alerts')
      .where('day', '<', day)
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
