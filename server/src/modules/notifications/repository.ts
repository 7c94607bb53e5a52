import { type Database, isUniqueViolation } from '../../db/database.js'

export interface BookingContext {
  id: string
  status: string
  check_in: string
  check_out: string
  guests: number
  total_minor: number
  currency: string
  place_title: string
  place_city: string
  guest_email: string
  guest_first_name: string
  host_email: string
  host_first_name: string
}

export class NotificationRepository {
  constructor(private readonly db: Database) {}

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
        'bookings.guests',
        'bookings.total_minor',
        'bookings.currency',
        'places.title as place_title',
        'places.city as place_city',
        'guest.email as guest_email',
        'guest.first_name as guest_first_name',
        'host.email as host_email',
        'host.first_name as host_first_name',
      ])
      .where('bookings.id', '=', id)
      .executeTakeFirst()
  }

  /** Records that a message is being sent; false when it already was (a unique-key violation). */
  async claim(dedupeKey: string, recipient: string, now: string): Promise<boolean> {
    try {
      await this.db.write
        .insertInto('sent_messages')
        .values({ dedupe_key: dedupeKey, recipient, sent_at: now })
        .execute()
      return true
    } catch (error) {
      if (isUniqueViolation(error)) return false
      throw error
    }
  }

  /** Forgets a claim whose sending failed, so the retry sends it. */
  async release(dedupeKey: string): Promise<void> {
    await this.db.write.deleteFrom('sent_messages').where('dedupe_key', '=', dedupeKey).execute()
  }
}
