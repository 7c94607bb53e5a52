// Rows that every writer of bookings builds the same way: the booking service, the demo data and
// the bulk seeder.
import type { BookingRow, BookingStatus, PlaceRow } from '../../db/schema.js'
import type { Charges } from './policies.js'
import type { NightPrice } from './pricing.js'

export interface StayRequest {
  id: string
  guest_id: string
  check_in: string
  check_out: string
  guests: number
}

export interface BookingState {
  status: BookingStatus
  idempotency_key?: string | null
  expires_at?: string | null
  confirmed_at?: string | null
  created_at: string
  updated_at?: string
}

/** A booking of a place. The place's terms are copied, so later edits by the host never change it. */
export function bookingRow(
  place: PlaceRow,
  stay: StayRequest,
  nightly: NightPrice[],
  charges: Charges,
  state: BookingState,
): BookingRow {
  return {
    ...stay,
    place_id: place.id,
    host_id: place.owner_id,
    nights: nightly.length,
    cancelled_by: null,
    currency: place.currency,
    nightly_prices: JSON.stringify(nightly),
    ...charges,
    refund_minor: null,
    cancellation_policy: place.cancellation_policy,
    timezone: place.timezone,
    check_in_time: place.check_in_time,
    check_out_time: place.check_out_time,
    cancelled_at: null,
    idempotency_key: null,
    expires_at: null,
    confirmed_at: null,
    ...state,
    updated_at: state.updated_at ?? state.created_at,
  }
}
