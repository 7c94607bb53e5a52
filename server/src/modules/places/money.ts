// Prices are stored as integer minor units (cents) with an ISO 4217 currency code; the HBnB
// `price` field shows them as a number in major units.
import { badRequest } from '../../errors.js'

const supported = new Set(Intl.supportedValuesOf('currency'))
const digitsCache = new Map<string, number>()

export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency)
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    digitsCache.set(currency, digits)
  }
  return digits
}

export function currencyCode(value: string): string {
  const code = value.trim().toUpperCase()
  if (!supported.has(code))
    throw badRequest(`currency "${value}" is not an ISO 4217 currency code`, 'validation_failed')
  return code
}

export function toMinorUnits(price: number, currency: string): number {
  const minor = Math.round(price * 10 ** currencyDigits(currency))
  if (!Number.isSafeInteger(minor) || minor <= 0 || minor > 2_000_000_000) {
    throw badRequest('price must be a positive amount', 'validation_failed')
  }
  return minor
}

export function toMajorUnits(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency)
}
