import type { ExpressionBuilder } from 'kysely'
import type { Database } from '../../db/database.js'
import { type KeysetOrder, type KeysetPage, keysetRows } from '../../db/keyset.js'
import { rewritingNightRecord } from '../../db/night-records.js'
import type { BookingRow, BookingStatus, CheckoutHoldRow, DB, OutboxRow } from '../../db/schema.js'
import { dropEndedHolds, nightRows } from '../calendar/repository.js'
import { consumeHoldForBooking, type FreedHoldRow } from '../holds/repository.js'

/** Whether the guest (`guest_reviewed`) and the host (`host_reviewed`) have reviewed the booking's stay. */
export function reviewedFlags(eb: ExpressionBuilder<DB, 'bookings'>) {
  return [
    eb
      .exists(
        eb.selectFrom('reviews').select('reviews.id').whereRef('reviews.booking_id', '=', 'bookings.id'),
      )
      .as('guest_reviewed'),
    eb
      .exists(
        eb
          .selectFrom('guest_reviews')
          .select('guest_reviews.id')
          .whereRef('guest_reviews.booking_id', '=', 'bookings.id'),
      )
      .as('host_reviewed'),
  ]
}

/** Lists of bookings go by check-in date, then id (cursor `${check_in}_${id}`). */
const byCheckIn: KeysetOrder<BookingRow> = {
  columns: ['bookings.check_in', 'bookings.id'],
  valuesOf: (booking) => [booking.check_in, booking.id],
}

export interface BookingListFilter {
  role: 'guest' | 'host'
  userId: string
  statuses?: BookingStatus[]
  /** Stays that end after this date. */
  from?: string
  /** Stays that start before this date. */
  to?: string
  limit: number
  /** `${check_in}_${id}` of the last booking of the previous page. */
  after?: string
}

export interface BookingWithPlace extends BookingRow {
  place_title: string
  place_city: string
  place_country: string
  guest_first_name: string
  guest_last_name: string
  /** Whether each side reviewed the stay (0/1 from SQLite and MariaDB). */
  guest_reviewed: unknown
  host_reviewed: unknown
}

export class BookingRepository {
  constructor(private readonly db: Database) {}

  findById(id: string): Promise<BookingWithPlace | undefined> {
    return this.withPlace().where('bookings.id', '=', id).executeTakeFirst()
  }

  findByIdempotencyKey(guestId: string, key: string): Promise<BookingWithPlace | undefined> {
    return this.withPlace()
      .where('bookings.guest_id', '=', guestId)
      .where('bookings.idempotency_key', '=', key)
      .executeTakeFirst()
  }

  private withPlace() {
    return this.db.write
      .selectFrom('bookings')
      .innerJoin('places', 'places.id', 'bookings.place_id')
      .innerJoin('users as guest', 'guest.id', 'bookings.guest_id')
      .selectAll('bookings')
      .select([
        'places.title as place_title',
        'places.city as place_city',
        'places.country as place_country',
        'guest.first_name as guest_first_name',
        'guest.last_name as guest_last_name',
      ])
      .select(reviewedFlags)
  }

  /**
   * Inserts a booking and one row per night in one transaction. A night already taken fails the
   * insert on the (place_id, night) key. Expired requests of the place release their nights first
   * (refunded in full, with `expiredNotice` telling their guest and host). The place's row is read
   * with a lock first, so a booking never lands on a place that was unpublished or deleted
   * meanwhile: then nothing is written and this returns 'not_bookable'. The outbox rows are written
   * in the same transaction. Checkout holds that ended give way; the guest's own hold on the place
   * becomes the booking (returned as `hold`, with `freedHold`'s outbox row for nights it held that
   * the booking does not take); anyone else's hold takes its nights like a booking.
   */
  async insertHoldingNights(
    booking: BookingRow,
    nights: string[],
    now: string,
    outbox: OutboxRow[],
    expiredNotice: (bookingId: string) => OutboxRow,
    freedHold: FreedHoldRow,
  ): Promise<{ outcome: 'inserted'; hold?: CheckoutHoldRow } | { outcome: 'not_bookable' }> {
    return this.db.write.transaction().execute(async (trx) => {
      let placeQuery = trx
        .selectFrom('places')
        .select(['status', 'deleted_at'])
        .where('id', '=', booking.place_id)
      if (this.db.dialect === 'mysql') placeQuery = placeQuery.forUpdate()
      const place = await placeQuery.executeTakeFirst()
      if (place?.status !== 'published' || place.deleted_at !== null) return { outcome: 'not_bookable' }
      const { hold, notices } = await rewritingNightRecord(trx, booking.place_id, async () => {
        const stale = await trx
          .selectFrom('bookings')
          .select(['id', 'total_minor'])
          .where('place_id', '=', booking.place_id)
          .where('status', '=', 'pending')
          .where('expires_at', '<=', now)
          .execute()
        const notices: OutboxRow[] = []
        for (const { id, total_minor } of stale) {
          const expired = await trx
            .updateTable('bookings')
            .set({ status: 'expired', refund_minor: total_minor, updated_at: now })
            .where('id', '=', id)
            .where('status', '=', 'pending')
            .executeTakeFirst()
          // Answered meanwhile: its nights are not this booking's to release.
          if (Number(expired.numUpdatedRows) !== 1) continue
          await trx.deleteFrom('place_nights').where('booking_id', '=', id).execute()
          notices.push(expiredNotice(id))
        }
        await dropEndedHolds(trx, booking.place_id, booking.check_in, booking.check_out, now)
        const hold = await consumeHoldForBooking(trx, booking.guest_id, booking.place_id, now, freedHold)
        await trx.insertInto('bookings').values(booking).execute()
        await trx
          .insertInto('place_nights')
          .values(nightRows(booking.place_id, nights, { booking_id: booking.id }, now))
          .execute()
        return { hold, notices }
      })
      if (outbox.length || notices.length)
        await trx
          .insertInto('outbox')
          .values([...outbox, ...notices])
          .execute()
      return { outcome: 'inserted', hold }
    })
  }

  /**
   * Moves a booking from one status to another, only if it is still in `from` (a concurrent
   * change wins otherwise, and this returns false). Whatever `changes` carries (a refund) must have
   * been decided from a read that saw the booking in `from`. Releases its nights when asked. The outbox
   * rows are written in the same transaction, only when the status changed.
   */
  async changeStatus(
    id: string,
    from: BookingStatus,
    changes: Partial<BookingRow> & { status: BookingStatus; updated_at: string },
    releaseNights: boolean,
    outbox: OutboxRow[] = [],
  ): Promise<boolean> {
    return this.db.write.transaction().execute(async (trx) => {
      const change = async () => {
        const result = await trx
          .updateTable('bookings')
          .set(changes)
          .where('id', '=', id)
          .where('status', '=', from)
          .executeTakeFirst()
        if (Number(result.numUpdatedRows) !== 1) return false
        if (releaseNights) await trx.deleteFrom('place_nights').where('booking_id', '=', id).execute()
        return true
      }
      // The booking's row, then its place's (a status change without nights locks them in that
      // order too: the update of the booking, then its foreign key's check of the place).
      let booking = trx.selectFrom('bookings').select('place_id').where('id', '=', id)
      if (this.db.dialect === 'mysql') booking = booking.forUpdate()
      const place = releaseNights ? await booking.executeTakeFirst() : undefined
      const changed = place ? await rewritingNightRecord(trx, place.place_id, change) : await change()
      if (changed && outbox.length) await trx.insertInto('outbox').values(outbox).execute()
      return changed
    })
  }

  list(filter: BookingListFilter): Promise<KeysetPage<BookingWithPlace>> {
    let query = this.withPlace().where(
      filter.role === 'guest' ? 'bookings.guest_id' : 'bookings.host_id',
      '=',
      filter.userId,
    )
    if (filter.statuses?.length) query = query.where('bookings.status', 'in', filter.statuses)
    if (filter.from) query = query.where('bookings.check_out', '>', filter.from)
    if (filter.to) query = query.where('bookings.check_in', '<', filter.to)
    return keysetRows(query, byCheckIn, filter)
  }

  /** Pending requests whose answer time has passed. */
  pendingExpiredBy(now: string, limit = 500): Promise<BookingRow[]> {
    return this.db.write
      .selectFrom('bookings')
      .selectAll()
      .where('status', '=', 'pending')
      .where('expires_at', '<=', now)
      .limit(limit)
      .execute()
  }

  /** Confirmed stays whose check-out date is on or before `date` (their check-out time is checked by the caller). */
  confirmedEndingBy(date: string, limit = 500): Promise<BookingRow[]> {
    return this.db.write
      .selectFrom('bookings')
      .selectAll()
      .where('status', '=', 'confirmed')
      .where('check_out', '<=', date)
      .limit(limit)
      .execute()
  }
}
