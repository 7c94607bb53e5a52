// Prices are stored as integer minor units (cents) with an ISO 4217 currency code; the HBnB
// `price` field shows them as a number in major units.
import { currencyDigits } from '../../currencies.js'
import { badRequest } from '../../errors.js'

const supported = new Set(Intl.supportedValuesOf('currency'))

export function currencyCode(value: string): string {
  const code = value.trim().toUpperCase()
  if (!supported.has(code))
    throw badRequest(`currency "${value}" is not an ISO 4217 currency code`, 'validation_failed')
  return code
}

/** The largest amount a stored price holds, in minor units (MariaDB's INT column holds 2^31 - 1). */
export const MAX_PRICE_MINOR = 2_000_000_000
/** The largest price or fee a request may give, in major units (the bound of 2-decimal currencies). */
export const MAX_PRICE = 20_000_000

/** An amount in major units as integer minor units; `field` names the amount in the 400 it may raise. */
export function toMinorUnits(price: number, currency: string, field = 'price'): number {
  const digits = currencyDigits(currency)
  const minor = Math.round(price * 10 ** digits)
  if (!Number.isFinite(minor) || minor > MAX_PRICE_MINOR) {
    throw badRequest(
      `${field} must be at most ${MAX_PRICE_MINOR / 10 ** digits} ${currency}`,
      'validation_failed',
    )
  }
  if (minor <= 0) {
    throw badRequest(`${field} must be at least ${1 / 10 ** digits} ${currency}`, 'validation_failed')
  }
  return minor
}

export function toMajorUnits(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency)
}
