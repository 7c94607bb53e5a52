// The task registry: every task name and its payload.

export const NOTIFICATIONS = 'notifications'

export type BookingEvent = 'requested' | 'confirmed' | 'accepted' | 'declined' | 'cancelled' | 'expired'

export interface BookingNotification {
  kind: 'booking'
  event: BookingEvent
  booking_id: string
}

export type ReminderKind = 'check_in' | 'review'

export interface ReminderNotification {
  kind: 'reminder'
  reminder: ReminderKind
  booking_id: string
}

/** Nights of a listing the guest wanted are free again. */
export interface DatesFreedNotification {
  kind: 'dates_freed'
  guest_id: string
  place_id: string
  /** The free nights when the alert was raised (YYYY-MM-DD, the listing's dates). */
  nights: string[]
}

export type Notification = BookingNotification | ReminderNotification | DatesFreedNotification

/** Does nothing: proves a worker consumes (smoke tests, `npm run bench:tasks`). */
export const PING = 'ping'

export const TASK_NAMES = [NOTIFICATIONS, PING] as const

export function bookingNotification(bookingId: string, event: BookingEvent) {
  const payload: BookingNotification = { kind: 'booking', event, booking_id: bookingId }
  return { name: NOTIFICATIONS, payload, dedupeKey: `booking:${bookingId}:${event}` }
}

/** One reminder per booking and kind: the dedupe key (unique in the outbox) makes it once. */
export function reminderNotification(bookingId: string, reminder: ReminderKind) {
  const payload: ReminderNotification = { kind: 'reminder', reminder, booking_id: bookingId }
  return { name: NOTIFICATIONS, payload, dedupeKey: `reminder:${bookingId}:${reminder}` }
}

/** One "dates freed" email per guest, place and day (`day` is the UTC date the alert was raised). */
export function datesFreedNotification(guestId: string, placeId: string, nights: string[], day: string) {
  const payload: DatesFreedNotification = {
    kind: 'dates_freed',
    guest_id: guestId,
    place_id: placeId,
    nights,
  }
  return { name: NOTIFICATIONS, payload, dedupeKey: `dates_freed:${guestId}:${placeId}:${day}` }
}
