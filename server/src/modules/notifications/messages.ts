// The booking emails (English), as plain text and simple HTML.
import type { BookingEvent } from '../../jobs/tasks.js'
import { toMajorUnits } from '../places/money.js'
import type { BookingContext } from './repository.js'

export type Recipient = 'guest' | 'host'

export interface Draft {
  recipient: Recipient
  subject: string
  lines: string[]
}

/** Who hears about each event. */
export const RECIPIENTS: Record<BookingEvent, Recipient[]> = {
  requested: ['guest', 'host'],
  confirmed: ['guest', 'host'],
  accepted: ['guest', 'host'],
  declined: ['guest'],
  cancelled: ['guest', 'host'],
  expired: ['guest', 'host'],
}

function stay(b: BookingContext): string {
  const total = new Intl.NumberFormat('en', { style: 'currency', currency: b.currency }).format(
    toMajorUnits(b.total_minor, b.currency),
  )
  const where = b.place_city ? `${b.place_title} (${b.place_city})` : b.place_title
  return `${where}, ${b.check_in} to ${b.check_out}, ${b.guests} guest(s), total ${total}`
}

const SUBJECTS: Record<BookingEvent, Record<Recipient, (b: BookingContext) => string>> = {
  requested: {
    guest: (b) => `Your booking request for ${b.place_title} was sent`,
    host: (b) => `New booking request for ${b.place_title}`,
  },
  confirmed: {
    guest: (b) => `Your booking at ${b.place_title} is confirmed`,
    host: (b) => `New booking at ${b.place_title}`,
  },
  accepted: {
    guest: (b) => `Your booking request for ${b.place_title} was accepted`,
    host: (b) => `You accepted a booking at ${b.place_title}`,
  },
  declined: {
    guest: (b) => `Your booking request for ${b.place_title} was declined`,
    host: (b) => `You declined a booking request for ${b.place_title}`,
  },
  cancelled: {
    guest: (b) => `Your booking at ${b.place_title} was cancelled`,
    host: (b) => `A booking at ${b.place_title} was cancelled`,
  },
  expired: {
    guest: (b) => `Your booking request for ${b.place_title} expired`,
    host: (b) => `A booking request for ${b.place_title} expired`,
  },
}

const BODIES: Record<BookingEvent, Record<Recipient, string>> = {
  requested: {
    guest: 'Your request was sent to the host, who will answer it soon.',
    host: 'A guest asked to book your place. Please accept or decline the request.',
  },
  confirmed: { guest: 'Your stay is booked. Have a good trip!', host: 'A guest booked your place.' },
  accepted: { guest: 'The host accepted your request: your stay is booked.', host: 'The stay is booked.' },
  declined: { guest: 'The host declined your request. You were not charged.', host: '' },
  cancelled: { guest: 'This booking was cancelled.', host: 'This booking was cancelled.' },
  expired: {
    guest: 'The host did not answer your request in time. You were not charged.',
    host: 'This request expired before you answered it.',
  },
}

export function bookingDrafts(event: BookingEvent, booking: BookingContext): Draft[] {
  return RECIPIENTS[event].map((recipient) => ({
    recipient,
    subject: SUBJECTS[event][recipient](booking),
    lines: [
      `Hello ${recipient === 'guest' ? booking.guest_first_name : booking.host_first_name},`,
      BODIES[event][recipient],
      `Stay: ${stay(booking)}.`,
      `Booking reference: ${booking.id}`,
      '— HBNB',
    ],
  }))
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )

export function render(draft: Draft): { subject: string; text: string; html: string } {
  return {
    subject: draft.subject,
    text: `${draft.lines.join('\n\n')}\n`,
    html: `<!doctype html><html><body>${draft.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</body></html>`,
  }
}
