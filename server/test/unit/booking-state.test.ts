import { describe, expect, it } from 'vitest'
import type { BookingStatus } from '../../src/db/schema.js'
import { AppError } from '../../src/errors.js'
import { type BookingAction, transition } from '../../src/modules/bookings/state.js'

const STATUSES: BookingStatus[] = ['pending', 'confirmed', 'declined', 'expired', 'cancelled', 'completed']

/** The lifecycle as the product describes it, written out independently of the code's table. */
const ALLOWED: Record<string, BookingStatus> = {
  'pending accept': 'confirmed',
  'pending decline': 'declined',
  'pending expire': 'expired',
  'pending guest_cancel': 'cancelled',
  'confirmed guest_cancel': 'cancelled',
  'confirmed host_cancel': 'cancelled',
  'confirmed complete': 'completed',
}

describe('booking state machine', () => {
  const actions: BookingAction[] = ['accept', 'decline', 'expire', 'guest_cancel', 'host_cancel', 'complete']
  for (const status of STATUSES) {
    for (const action of actions) {
      const expected = ALLOWED[`${status} ${action}`]
      it(`${action} from ${status} ${expected ? `gives ${expected}` : 'is refused with a 409'}`, () => {
        if (expected) {
          expect(transition(status, action)).toBe(expected)
        } else {
          let error: unknown
          try {
            transition(status, action)
          } catch (e) {
            error = e
          }
          expect(error).toBeInstanceOf(AppError)
          expect((error as AppError).status).toBe(409)
          expect((error as AppError).message).toMatch(new RegExp(`^Cannot \\w+ a booking that is ${status}`))
        }
      })
    }
  }
})
