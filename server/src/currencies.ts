// Currencies' decimals, from Node's ICU data, and the scale that makes prices in any currency
// comparable: a price in minor units times its currency's scale is in 1/10^4 of a major unit.

/** Prices are compared as integers in 1/10^4 of a major unit: exact for every ISO 4217 currency. */
export const PRICE_SCALE_DIGITS = 4

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

/** The currencies with `digits` decimals, whose minor units times `scale` are 1/10^4 of a major unit. */
export interface PriceScale {
  digits: number
  currencies: string[]
  scale: number
}

/** Every currency `priceScales` does not list: those with two decimals, the common case. */
export const OTHER_CURRENCIES: Omit<PriceScale, 'currencies'> & { currencies: 'others' } = {
  currencies: 'others',
  digits: 2,
  scale: 10 ** (PRICE_SCALE_DIGITS - 2),
}

let scales: PriceScale[] | undefined

/**
 * The currencies by number of decimals, but for two decimals: the common case, and the scale (100)
 * of every code not listed. In the order of ICU's list of currencies.
 */
export function priceScales(): PriceScale[] {
  if (!scales) {
    const byDigits = new Map<number, string[]>()
    for (const code of Intl.supportedValuesOf('currency')) {
      const digits = currencyDigits(code)
      if (digits !== OTHER_CURRENCIES.digits) byDigits.set(digits, [...(byDigits.get(digits) ?? []), code])
    }
    scales = [...byDigits].map(([digits, currencies]) => ({
      digits,
      currencies,
      scale: 10 ** (PRICE_SCALE_DIGITS - digits),
    }))
  }
  return scales
}
