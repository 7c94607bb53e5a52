// The base price in 1/10^4 of a major unit, as SQL: one expression for the search index's column
// (migration 0024, MariaDB) and for the statements that work it out from the currency (SQLite).
import { OTHER_CURRENCIES, type PriceScale } from '../currencies.js'

/** Currency codes as an SQL list, `('JPY', 'KRW')`, checked to be codes (they are written as text). */
export function currencyListSql(codes: readonly string[]): string {
  if (!codes.every((code) => /^[A-Z]{3}$/.test(code)))
    throw new Error(`not currency codes: ${codes.join(', ')}`)
  return `(${codes.map((code) => `'${code}'`).join(', ')})`
}

/** `price_minor` times the scale of the row's currency; `table` qualifies the columns. */
export function scaledPriceSql(
  scales: readonly Pick<PriceScale, 'currencies' | 'scale'>[],
  table?: string,
): string {
  const column = (name: string) => (table ? `${table}.${name}` : name)
  const whens = scales.map(
    ({ currencies, scale }) => `when ${column('currency')} in ${currencyListSql(currencies)} then ${scale}`,
  )
  return whens.length
    ? `${column('price_minor')} * case ${whens.join(' ')} else ${OTHER_CURRENCIES.scale} end`
    : `${column('price_minor')} * ${OTHER_CURRENCIES.scale}`
}
