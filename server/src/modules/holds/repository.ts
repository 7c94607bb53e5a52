import type { Database } from '../../db/database.js'
import type { CheckoutHoldRow, OutboxRow } from '../../db/schema.js'
import { dropEndedHolds, type Executor, nightRows } from '../calendar/repository.js'

/** The outbox row that announces a removed hold's nights (see freed-dates-service.ts), if any. */
export type FreedHoldRow = (hold: CheckoutHoldRow) => OutboxRow | undefined

/** Removes a hold and its nights, with `freed`'s outbox row, in the transaction `executor`. */
async function removeHold(executor: Executor, hold: CheckoutHoldRow, freed: FreedHoldRow) {
  await deleteHoldNights(executor, hold).execute()
  await executor.deleteFrom('checkout_holds').where('id', '=', hold.id).execute()
  const row = freed(hold)
  if (row) await executor.insertInto('outbox').values(row).execute()
}

/** The rows of one hold's nights. */
function deleteHoldNights(executor: Executor, hold: Pick<CheckoutHoldRow, 'id' | 'place_id'>) {
  return executor
    .deleteFrom('place_nights')
    .where('place_id', '=', hold.place_id)
    .where('kind', '=', 'hold')
    .where('source', '=', hold.id)
}

/**
 * Inside a booking's transaction: the guest's active hold on the place gives way to the booking
 * (its nights and row removed). Returns it, or undefined.
 */
export async function consumeHoldForBooking(
  trx: Executor,
  guestId: string,
  placeId: string,
  now: string,
  freed: FreedHoldRow,
): Promise<CheckoutHoldRow | undefined> {
  const hold = await trx
    .selectFrom('checkout_holds')
    .selectAll()
    .where('guest_id', '=', guestId)
    .where('place_id', '=', placeId)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  if (!hold) return undefined
  await removeHold(trx, hold, freed)
  return hold
}

/**
 * Checkout holds: a row in `checkout_holds` (one per guest, by a unique key) and its nights in
 * `place_nights`, written and removed together.
 */
export class HoldRepository {
  constructor(private readonly db: Database) {}

  findByGuest(guestId: string, executor: Executor = this.db.write): Promise<CheckoutHoldRow | undefined> {
    return executor
      .selectFrom('checkout_holds')
      .selectAll()
      .where('guest_id', '=', guestId)
      .executeTakeFirst()
  }

  /**
   * Takes the hold's nights in one transaction, replacing the guest's previous hold (returned, for
   * its nights are free again). The place's row is read first (locked on MariaDB, so holds and
   * bookings of one place queue there instead of deadlocking): an unpublished or deleted place
   * gets nothing and 'not_bookable'. Holds of others that ended are replaced on the way; a night
   * taken by anything else fails the insert on the (place_id, night) key.
   */
  async take(
    hold: CheckoutHoldRow,
    nights: string[],
    now: string,
    freed: FreedHoldRow,
  ): Promise<{ outcome: 'taken'; replaced?: CheckoutHoldRow } | { outcome: 'not_bookable' }> {
    return this.db.write.transaction().execute(async (trx) => {
      let placeQuery = trx
        .selectFrom('places')
        .select(['status', 'deleted_at'])
        .where('id', '=', hold.place_id)
      if (this.db.dialect === 'mysql') placeQuery = placeQuery.forUpdate()
      const place = await placeQuery.executeTakeFirst()
      if (place?.status !== 'published' || place.deleted_at !== null) return { outcome: 'not_bookable' }
      const previous = await this.findByGuest(hold.guest_id, trx)
      if (previous) await removeHold(trx, previous, freed)
      await dropEndedHolds(trx, hold.place_id, hold.check_in, hold.check_out, now)
      await trx.insertInto('checkout_holds').values(hold).execute()
      await trx
        .insertInto('place_nights')
        .values(nightRows(hold.place_id, nights, { hold_id: hold.id, expires_at: hold.expires_at }, now))
        .execute()
      return { outcome: 'taken', replaced: previous }
    })
  }

  /** Removes the guest's hold `id` with its nights; the removed hold, or undefined when there was none. */
  async release(id: string, guestId: string, freed: FreedHoldRow): Promise<CheckoutHoldRow | undefined> {
    return this.db.write.transaction().execute(async (trx) => {
      const hold = await trx
        .selectFrom('checkout_holds')
        .selectAll()
        .where('id', '=', id)
        .where('guest_id', '=', guestId)
        .executeTakeFirst()
      if (!hold) return undefined
      await removeHold(trx, hold, freed)
      return hold
    })
  }

  /** Holds whose end has passed (their nights already take nothing; the sweep removes them). */
  endedBy(now: string, limit = 500): Promise<CheckoutHoldRow[]> {
    return this.db.write
      .selectFrom('checkout_holds')
      .selectAll()
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute()
  }

  /**
   * Deletes ended hold rows whose hold is gone (its guest's account was deleted with it): they
   * take nothing already; this only keeps them from piling up.
   */
  async deleteOrphanNights(now: string): Promise<number> {
    const result = await this.db.write
      .deleteFrom('place_nights')
      .where('expires_at', '<=', now)
      .where('kind', '=', 'hold')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('checkout_holds')
              .select('checkout_holds.id')
              .whereRef('checkout_holds.id', '=', 'place_nights.source'),
          ),
        ),
      )
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  /** Removes an ended hold and what is left of its nights; false when another process did first. */
  async removeEnded(hold: CheckoutHoldRow, now: string, freed: FreedHoldRow): Promise<boolean> {
    return this.db.write.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('checkout_holds')
        .where('id', '=', hold.id)
        .where('expires_at', '<=', now)
        .executeTakeFirst()
      if (Number(removed.numDeletedRows) !== 1) return false
      await deleteHoldNights(trx, hold).execute()
      const row = freed(hold)
      if (row) await trx.insertInto('outbox').values(row).execute()
      return true
    })
  }

  /** Remembers that a guest was refused these dates (the latest refusal per guest and place), in one statement. */
  async recordRefusal(guestId: string, placeId: string, checkIn: string, checkOut: string, now: string) {
    const row = {
      guest_id: guestId,
      place_id: placeId,
      check_in: checkIn,
      check_out: checkOut,
      created_at: now,
    }
    const latest = { check_in: checkIn, check_out: checkOut, created_at: now }
    const insert = this.db.write.insertInto('hold_refusals').values(row)
    await (this.db.dialect === 'mysql'
      ? insert.onDuplicateKeyUpdate(latest)
      : insert.onConflict((conflict) => conflict.columns(['place_id', 'guest_id']).doUpdateSet(latest))
    ).execute()
  }
}
