// Server-side prices: a quote is computed from the listing and its calendar, never from the client.
import type { Charges } from './policies.js'

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
