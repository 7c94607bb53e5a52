import { useI18n } from '../i18n'

/** A 1-to-5 star rating as a group of radio buttons, each named "n out of 5" for screen readers. */
export function RatingInput({
  name,
  label,
  value,
  onChange,
}: {
  name: string
  label: string
  value: number
  onChange: (n: number) => void
}) {
  const { t } = useI18n()
  return (
    <fieldset className="rating-input">
      <legend>{label}</legend>
      {[1, 2, 3, 4, 5].map((n) => (
        <label key={n} className={n <= value ? 'is-on' : ''}>
          <input type="radio" name={name} value={n} checked={value === n} onChange={() => onChange(n)} />
          <span aria-hidden="true">★</span>
          <span className="visually-hidden">{t('place.ratingOutOf', { rating: n })}</span>
        </label>
      ))}
    </fieldset>
  )
}
