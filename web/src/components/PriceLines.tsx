import { useI18n } from '../i18n'

/** The amounts of a stay, as a quote and a booking both give them. */
export interface StayPrice {
  nights: number
  currency: string
  subtotal_minor: number
  cleaning_fee_minor: number
  service_fee_minor: number
  taxes_minor: number
  total_minor: number
}

/** A stay's price, line by line: nights, cleaning, service fee, taxes, then the total. */
export function PriceLines({ price }: { price: StayPrice }) {
  const { t, moneyMinor } = useI18n()
  const nightly = Math.round(price.subtotal_minor / Math.max(1, price.nights))
  return (
    <dl className="quote-lines">
      <dt>{t('book.nights', { count: price.nights, price: moneyMinor(nightly, price.currency) })}</dt>
      <dd>{moneyMinor(price.subtotal_minor, price.currency)}</dd>
      {price.cleaning_fee_minor > 0 && (
        <>
          <dt>{t('book.cleaning')}</dt>
          <dd>{moneyMinor(price.cleaning_fee_minor, price.currency)}</dd>
        </>
      )}
      <dt>{t('book.serviceFee')}</dt>
      <dd>{moneyMinor(price.service_fee_minor, price.currency)}</dd>
      <dt>{t('book.taxes')}</dt>
      <dd>{moneyMinor(price.taxes_minor, price.currency)}</dd>
      <dt className="quote-total">{t('book.total')}</dt>
      <dd className="quote-total" data-testid="quote-total">
        {moneyMinor(price.total_minor, price.currency)}
      </dd>
    </dl>
  )
}
