// The booking state machine. Every change of status goes through `transition`, which refuses
// what the table does not allow with a 409 that says why.
import type { BookingStatus } from '../../db/schema.js'
import { conflict } from '../../errors.js'

export type BookingAction = 'accept' | 'decline' | 'expire' | 'guest_cancel' | 'host_cancel' | 'complete'

export const TRANSITIONS: Record<BookingAction, { from: BookingStatus[]; to: BookingStatus }> = {
  accept: { from: ['pending'], to: 'confirmed' },
  decline: { from: ['pending'], to: 'declined' },
  expire: { from: ['pending'], to: 'expired' },
  guest_cancel: { from: ['pending', 'confirmed'], to: 'cancelled' },
  host_cancel: { from: ['confirmed'], to: 'cancelled' },
  complete: { from: ['confirmed'], to: 'completed' },
}

/** Statuses whose nights stay held on the calendar. */
export const HOLDING_STATUSES: BookingStatus[] = ['pending', 'confirmed', 'completed']

const VERBS: Record<BookingAction, string> = {
  accept: 'accept',
  decline: 'decline',
  expire: 'expire',
  guest_cancel: 'cancel',
  host_cancel: 'cancel',
  complete: 'complete',
}

export function transition(current: BookingStatus, action: BookingAction): BookingStatus {
  const rule = TRANSITIONS[action]
  if (!rule.from.includes(current)) {
    throw conflict(
      `Cannot ${VERBS[action]} a booking that is ${current}` +
        (action === 'host_cancel' && current === 'pending' ? ': decline the request instead' : ''),
      'invalid_transition',
    )
  }
  return rule.to
}
