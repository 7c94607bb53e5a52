// Which messages a booking change or reminder produces, for whom, on which channels: pure
// functions from the booking to rendered emails and texts. Preferences are applied by the service.
import type { BookingEvent, ReminderKind } from '../../domain/tasks.js'
import type { MessageKind } from './preferences.js'
import { KIND_OF_EVENT } from './preferences.js'
import type { BookingContext } from './repository.js'
import { bookingEmail, RECIPIENTS, type Recipient } from './templates/booking-emails.js'
import { type Locale, localeOf, type RenderedEmail } from './templates/format.js'
import { checkInReminderEmail, type ReminderInput, reviewReminderEmail } from './templates/reminder-emails.js'
import { bookingSms, type SmsTemplate } from './templates/sms.js'
import type { StayFacts } from './templates/stay.js'

export interface Party {
  id: string
  email: string
  firstName: string
  locale: Locale
  /** Verified phone number, or null. */
  phone: string | null
}

export interface Message {
  recipient: Recipient
  party: Party
  kind: MessageKind
  email: RenderedEmail
  /** The text message, for the kinds that also go by SMS. */
  sms?: string
}

/** The text messages booking events produce: new request (host), confirmation (guest). */
const SMS_OF_EVENT: Partial<Record<BookingEvent, Partial<Record<Recipient, SmsTemplate>>>> = {
  requested: { host: 'booking_requested' },
  confirmed: { guest: 'booking_confirmed' },
  accepted: { guest: 'booking_confirmed' },
}

export function partyOf(b: BookingContext, recipient: Recipient): Party {
  return recipient === 'guest'
    ? {
        id: b.guest_id,
        email: b.guest_email,
        firstName: b.guest_first_name,
        locale: localeOf(b.guest_locale),
        phone: b.guest_phone,
      }
    : {
        id: b.host_id,
        email: b.host_email,
        firstName: b.host_first_name,
        locale: localeOf(b.host_locale),
        phone: b.host_phone,
      }
}

export function stayOf(b: BookingContext): StayFacts {
  return {
    bookingId: b.id,
    placeTitle: b.place_title,
    placeCity: b.place_city,
    checkIn: b.check_in,
    checkOut: b.check_out,
    checkInTime: b.check_in_time,
    checkOutTime: b.check_out_time,
    timezone: b.timezone,
    guests: b.guests,
    totalMinor: b.total_minor,
    currency: b.currency,
  }
}

export function bookingMessages(event: BookingEvent, b: BookingContext): Message[] {
  const stay = stayOf(b)
  return RECIPIENTS[event].map((recipient) => {
    const party = partyOf(b, recipient)
    const sms = SMS_OF_EVENT[event]?.[recipient]
    return {
      recipient,
      party,
      kind: KIND_OF_EVENT[event],
      email: bookingEmail(party.locale, {
        event,
        recipient,
        firstName: party.firstName,
        stay,
        cancelledBy: b.cancelled_by,
        refundMinor: b.refund_minor,
      }),
      ...(sms ? { sms: bookingSms(party.locale, sms, stay) } : {}),
    }
  })
}

const reviewed = (flag: unknown) => Boolean(Number(flag))

/**
 * The reminders still worth sending: the check-in reminder while the booking is confirmed, the
 * review reminder to each side of a completed stay that has not reviewed it yet.
 */
export function reminderMessages(reminder: ReminderKind, b: BookingContext): Message[] {
  const stay = stayOf(b)
  const input = (recipient: Recipient): ReminderInput => ({
    recipient,
    firstName: partyOf(b, recipient).firstName,
    otherFirstName: partyOf(b, recipient === 'guest' ? 'host' : 'guest').firstName,
    stay,
  })
  if (reminder === 'check_in') {
    if (b.status !== 'confirmed') return []
    const party = partyOf(b, 'guest')
    return [
      {
        recipient: 'guest',
        party,
        kind: 'check_in_reminder',
        email: checkInReminderEmail(party.locale, input('guest')),
        sms: bookingSms(party.locale, 'check_in_reminder', stay),
      },
    ]
  }
  if (b.status !== 'completed') return []
  const pending: Recipient[] = []
  if (!reviewed(b.guest_reviewed)) pending.push('guest')
  if (!reviewed(b.host_reviewed)) pending.push('host')
  return pending.map((recipient) => {
    const party = partyOf(b, recipient)
    return {
      recipient,
      party,
      kind: 'review_reminder',
      email: reviewReminderEmail(party.locale, input(recipient)),
    }
  })
}
