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

/**
 * Messages of a conversation left unread: sent when due (`HBNB_MESSAGE_NOTIFY_AFTER_MINUTES` after
 * `message_id`, the first of a burst), unless the recipient read them by then.
 */
export interface MessageNotification {
  kind: 'message'
  conversation_id: string
  recipient_id: string
  message_id: string
}

/** Nights of a listing the guest wanted are free again. */
export interface DatesFreedNotification {
  kind: 'dates_freed'
  guest_id: string
  place_id: string
  /** The free nights when the alert was raised (YYYY-MM-DD, the listing's dates). */
  nights: string[]
}

export type Notification =
  | BookingNotification
  | ReminderNotification
  | MessageNotification
  | DatesFreedNotification

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

/**
 * Nights of a listing became free again (a hold ended, a booking was released, a host unblocked):
 * the guests who wanted them are told. Written in the transaction that freed the nights, so that
 * the alerts survive a process that dies right after it.
 */
export const FREED_NIGHTS = 'freed_nights'

export interface FreedNights {
  place_id: string
  /** [from, to): the nights that were released. */
  from: string
  to: string
  /** Users not to tell (whoever freed the nights). */
  except: string[]
}

/** `cause` names the change that freed the nights, once (e.g. `hold:<id>`): the task's dedupe key. */
export function freedNightsTask(freed: FreedNights, cause: string) {
  return { name: FREED_NIGHTS, payload: freed, dedupeKey: `freed_nights:${cause}` }
}

export const TASK_NAMES = [NOTIFICATIONS, PING, PHOTOS, FREED_NIGHTS] as const

export function bookingNotification(bookingId: string, event: BookingEvent) {
  const payload: BookingNotification = { kind: 'booking', event, booking_id: bookingId }
  return { name: NOTIFICATIONS, payload, dedupeKey: `booking:${bookingId}:${event}` }
}

/** One reminder per booking and kind: the dedupe key (unique in the outbox) makes it once. */
export function reminderNotification(bookingId: string, reminder: ReminderKind) {
  const payload: ReminderNotification = { kind: 'reminder', reminder, booking_id: bookingId }
  return { name: NOTIFICATIONS, payload, dedupeKey: `reminder:${bookingId}:${reminder}` }
}

/** One task per burst of unread messages: keyed by the burst's first message. */
export function messageNotification(conversationId: string, recipientId: string, messageId: string) {
  const payload: MessageNotification = {
    kind: 'message',
    conversation_id: conversationId,
    recipient_id: recipientId,
    message_id: messageId,
  }
  return { name: NOTIFICATIONS, payload, dedupeKey: `message:${messageId}:${recipientId}` }
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
