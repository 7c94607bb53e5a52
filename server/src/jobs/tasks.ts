// The task registry: every task name and its payload.

export const NOTIFICATIONS = 'notifications'

export type BookingEvent = 'requested' | 'confirmed' | 'accepted' | 'declined' | 'cancelled' | 'expired'

export interface BookingNotification {
  kind: 'booking'
  event: BookingEvent
  booking_id: string
}

export const TASK_NAMES = [NOTIFICATIONS] as const

export function bookingNotification(bookingId: string, event: BookingEvent) {
  const payload: BookingNotification = { kind: 'booking', event, booking_id: bookingId }
  return { name: NOTIFICATIONS, payload, dedupeKey: `booking:${bookingId}:${event}` }
}
