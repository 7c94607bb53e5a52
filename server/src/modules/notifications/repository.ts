import { type Database, isUniqueViolation } from '../../db/database.js'
import type { BookingStatus, OutboxRow } from '../../db/schema.js'
import { reviewedFlags } from '../bookings/repository.js'

/** What the messages about a booking need: the stay, and each side's address, phone and language. */
export interface BookingContext {
  id: string
  status: BookingStatus
  check_in: string
  check_out: string
  check_in_time: string
  check_out_time: string
  timezone: string
  guests: number
  total_minor: number
  refund_minor: number | null
  cancelled_by: 'guest' | 'host' | null
  currency: string
  place_title: string
  place_city: string
  guest_id: string
  guest_email: string
  guest_first_name: string
  guest_locale: string
  /** Verified phone number only (null otherwise). */
  guest_phone: string | null
  host_id: string
  host_email: string
  host_first_name: string
  host_locale: string
  host_phone: string | null
  /** Whether each side reviewed the stay (0/1 from SQLite and MariaDB). */
  guest_reviewed: unknown
  host_reviewed: unknown
}

export interface DatesFreedContext {
  guest_id: string
  guest_email: string
  guest_first_name: string
  guest_locale: string
  place_title: string
  place_city: string
  place_status: string
  place_deleted_at: string | null
}

/** A booking a reminder may be due for, with the local times that decide when. */
export interface ReminderCandidate {
  id: string
  check_in: string
  check_out: string
  check_in_time: string
  check_out_time: string
  timezone: string
}

export class NotificationRepository {
  constructor(private readonly db: Database) {}

  /** What a "dates freed" alert needs: the guest's address and language, the listing's name. */
  datesFreedContext(guestId: string, placeId: string): Promise<DatesFreedContext | undefined> {
    return this.db.write
      .selectFrom('users')
      .innerJoin('places', (join) => join.on('places.id', '=', placeId))
      .select([
        'users.id as guest_id',
        'users.email as guest_email',
        'users.first_name as guest_first_name',
        'users.locale as guest_locale',
        'places.title as place_title',
        'places.city as place_city',
        'places.status as place_status',
        'places.deleted_at as place_deleted_at',
      ])
      .where('users.id', '=', guestId)
      .executeTakeFirst()
  }

  bookingContext(id: string): Promise<BookingContext | undefined> {
    return this.db.write
      .selectFrom('bookings')
      .innerJoin('places', 'places.id', 'bookings.place_id')
      .innerJoin('users as guest', 'guest.id', 'bookings.guest_id')
      .innerJoin('users as host', 'host.id', 'bookings.host_id')
      .select([
        'bookings.id',
        'bookings.status',
        'bookings.check_in',
        'bookings.check_out',
        'bookings.check_in_time',
        'bookings.check_out_time',
        'bookings.timezone',
        'bookings.guests',
        'bookings.total_minor',
        'bookings.refund_minor',
        'bookings.cancelled_by',
        'bookings.currency',
        'places.title as place_title',
        'places.city as place_city',
        'guest.id as guest_id',
        'guest.email as guest_email',
        'guest.first_name as guest_first_name',
        'guest.locale as guest_locale',
        'host.id as host_id',
        'host.email as host_email',
        'host.first_name as host_first_name',
        'host.locale as host_locale',
      ])
      .select((eb) => [
        eb
          .case()
          .when('guest.phone_verified_at', 'is not', null)
          .then(eb.ref('guest.phone'))
          .else(null)
          .end()
          .as('guest_phone'),
        eb
          .case()
          .when('host.phone_verified_at', 'is not', null)
          .then(eb.ref('host.phone'))
          .else(null)
          .end()
          .as('host_phone'),
        ...reviewedFlags(eb),
      ])
      .where('bookings.id', '=', id)
      .executeTakeFirst() as Promise<BookingContext | undefined>
  }

  /** Bookings of a status whose check-in (or check-out) date is within [from, to]. */
  withDateBetween(
    status: BookingStatus,
    column: 'check_in' | 'check_out',
    from: string,
    to: string,
  ): Promise<ReminderCandidate[]> {
    return this.db.write
      .selectFrom('bookings')
      .select(['id', 'check_in', 'check_out', 'check_in_time', 'check_out_time', 'timezone'])
      .where('status', '=', status)
      .where(column, '>=', from)
      .where(column, '<=', to)
      .execute()
  }

  /** Writes an outbox row; false when one with the same dedupe key exists (it was enqueued before). */
  async enqueueOnce(row: OutboxRow): Promise<boolean> {
    try {
      await this.db.write.insertInto('outbox').values(row).execute()
      return true
    } catch (error) {
      if (isUniqueViolation(error)) return false
      throw error
    }
  }

  /**
   * Records that a message is being sent, for `leaseMs` (after which another try may take it
   * over); false when it already was (a unique-key violation).
   */
  async claim(
    dedupeKey: string,
    recipient: string,
    now: string,
    leaseMs: number,
  ): Promise<'claimed' | 'sent' | 'sending'> {
    const sendingUntil = new Date(Date.parse(now) + leaseMs).toISOString()
    try {
      await this.db.write
        .insertInto('sent_messages')
        .values({ dedupe_key: dedupeKey, recipient, sent_at: now, sending_until: sendingUntil })
        .execute()
      return 'claimed'
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
    }
    // Claimed before: taken over only when that claim's sender died mid-send (it is still not
    // marked sent after its lease).
    const takenOver = await this.db.write
      .updateTable('sent_messages')
      .set({ sent_at: now, sending_until: sendingUntil })
      .where('dedupe_key', '=', dedupeKey)
      .where('sending_until', '<', now)
      .executeTakeFirst()
    if (Number(takenOver.numUpdatedRows) === 1) return 'claimed'
    const row = await this.db.write
      .selectFrom('sent_messages')
      .select('sending_until')
      .where('dedupe_key', '=', dedupeKey)
      .executeTakeFirst()
    return row && row.sending_until === null ? 'sent' : 'sending'
  }

  /** Marks a claimed message sent: it is never sent again. */
  async markSent(dedupeKey: string): Promise<void> {
    await this.db.write
      .updateTable('sent_messages')
      .set({ sending_until: null })
      .where('dedupe_key', '=', dedupeKey)
      .execute()
  }

  /** Forgets a claim whose sending failed, so the retry sends it. */
  async release(dedupeKey: string): Promise<void> {
    await this.db.write.deleteFrom('sent_messages').where('dedupe_key', '=', dedupeKey).execute()
  }
}
