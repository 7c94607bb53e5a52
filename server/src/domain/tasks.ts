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

export type Notification = BookingNotification | ReminderNotification

/** Does nothing: proves a worker consumes (smoke tests, `npm run bench:tasks`). */
export const PING = 'ping'

/** Makes an uploaded photo's variants. */
export const PHOTOS = 'photos'

export interface PhotoTask {
  photo_id: string
}

export function photoTask(photoId: string) {
  const payload: PhotoTask = { photo_id: photoId }
  return { name: PHOTOS, payload, dedupeKey: `photo:${photoId}` }
}

export const TASK_NAMES = [NOTIFICATIONS, PING, PHOTOS] as const

export function bookingNotification(bookingId: string, event: BookingEvent) {
  const payload: BookingNotification = { kind: 'booking', event, booking_id: bookingId }
  return { name: NOTIFICATIONS, payload, dedupeKey: `booking:${bookingId}:${event}` }
}

/** One reminder per booking and kind: the dedupe key (unique in the outbox) makes it once. */
export function reminderNotification(bookingId: string, reminder: ReminderKind) {
  const payload: ReminderNotification = { kind: 'reminder', reminder, booking_id: bookingId }
  return { name: NOTIFICATIONS, payload, dedupeKey: `reminder:${bookingId}:${reminder}` }
}
