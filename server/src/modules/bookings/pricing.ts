// Server-side prices: a quote is computed from the listing and its calendar, never from the client.
import { badRequest } from '../../errors.js'
import { toMajorUnits } from '../places/money.js'
import type { Charges } from './policies.js'

/** The largest amount a booking stores, in minor units: MariaDB's INT columns hold up to 2^31 - 1. */
export const MAX_BOOKING_MINOR = 2_147_483_647

export interface NightPrice {
  date: string
  price_minor: number
}

export interface FeeRates {
  /** Guest service fee, percent of nights + cleaning. */
  serviceFeePercent: number
  /** Taxes, percent of nights + cleaning. */
  taxPercent: number
}

export function priceStay(nights: NightPrice[], cleaningFeeMinor: number, rates: FeeRates): Charges {
  const subtotal = nights.reduce((sum, night) => sum + night.price_minor, 0)
  const base = subtotal + cleaningFeeMinor
  const service = Math.round((base * rates.serviceFeePercent) / 100)
  const taxes = Math.round((base * rates.taxPercent) / 100)
  return {
    subtotal_minor: subtotal,
    cleaning_fee_minor: cleaningFeeMinor,
    service_fee_minor: service,
    taxes_minor: taxes,
    total_minor: base + service + taxes,
  }
}

/** A stay whose total a booking cannot store is refused, saying the limit. */
export function assertStorable(charges: Charges, currency: string): void {
  if (charges.total_minor > MAX_BOOKING_MINOR) {
    throw badRequest(
      `This stay costs more than a booking can hold (at most ${toMajorUnits(MAX_BOOKING_MINOR, currency)} ${currency}): book fewer nights`,
      'stay_too_expensive',
    )
  }
}
