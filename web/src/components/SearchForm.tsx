import { type FormEvent, useState } from 'react'
import { useI18n } from '../i18n'
import { addDays, isDate, todayIn } from '../lib/dates'
import { paths } from '../lib/paths'
import { navigate } from '../lib/router'
import { Stepper } from './Stepper'

export interface SearchValues {
  q: string
  check_in: string
  check_out: string
  guests: string
}

/** The form's values from an address; dates and guests it cannot read are left empty. */
export function searchValues(params: URLSearchParams): SearchValues {
  const date = (name: string) => {
    const value = params.get(name)
    return isDate(value) ? value : ''
  }
  const guests = Number(params.get('guests'))
  return {
    // An address with a city and no text (a link to a city's listings) shows the city here.
    q: params.get('q') ?? params.get('city') ?? '',
    check_in: date('check_in'),
    check_out: date('check_out'),
    guests: Number.isInteger(guests) && guests >= 1 && guests <= 50 ? String(guests) : '',
  }
}

/** Where, when and who: the search box of the home and search pages. */
export function SearchForm({
  initial,
  keep,
  compact,
}: {
  initial: SearchValues
  /** Other parameters to keep (the search page's filters). */
  keep?: URLSearchParams
  compact?: boolean
}) {
  const { t } = useI18n()
  const [values, setValues] = useState(initial)
  const [problem, setProblem] = useState<string>()
  const today = todayIn()
  const set = (name: keyof SearchValues) => (event: { target: { value: string } }) =>
    setValues((v) => {
      const next = { ...v, [name]: event.target.value }
      // Moving check-in past check-out moves check-out to the next day.
      if (
        name === 'check_in' &&
        isDate(next.check_in) &&
        (!next.check_out || next.check_out <= next.check_in)
      ) {
        next.check_out = addDays(next.check_in, 1)
      }
      return next
    })

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (Boolean(values.check_in) !== Boolean(values.check_out)) {
      setProblem(t('search.bothDates'))
      return
    }
    if (values.check_in && values.check_out <= values.check_in) {
      setProblem(t('search.checkoutAfter'))
      return
    }
    setProblem(undefined)
    const params = new URLSearchParams(keep)
    for (const name of ['q', 'check_in', 'check_out', 'guests'] as const) {
      if (values[name]) params.set(name, values[name])
      else params.delete(name)
    }
    params.delete('cursor')
    // The city the field showed (searchValues) is replaced by what it says now.
    if (!keep?.get('q')) params.delete('city')
    if (values.q) params.delete('bbox')
    navigate(paths.search(params))
  }

  return (
    // biome-ignore lint/a11y/useSemanticElements: a form with the search role is the search landmark
    <form className={`search-form ${compact ? 'search-form-compact' : ''}`} onSubmit={submit} role="search">
      <div className="search-field search-where">
        <label htmlFor="search-q">{t('search.where')}</label>
        <input
          id="search-q"
          name="q"
          type="search"
          placeholder={t('search.wherePlaceholder')}
          value={values.q}
          onChange={set('q')}
          autoComplete="off"
        />
      </div>
      <div className="search-field">
        <label htmlFor="search-in">{t('search.checkIn')}</label>
        <input
          id="search-in"
          name="check_in"
          type="date"
          min={today}
          value={values.check_in}
          onChange={set('check_in')}
        />
      </div>
      <div className="search-field">
        <label htmlFor="search-out">{t('search.checkOut')}</label>
        <input
          id="search-out"
          name="check_out"
          type="date"
          min={values.check_in ? addDays(values.check_in, 1) : addDays(today, 1)}
          value={values.check_out}
          onChange={set('check_out')}
        />
      </div>
      <Stepper
        className="search-field search-guests"
        label={t('search.guests')}
        name="guests"
        min={1}
        max={50}
        value={values.guests}
        onChange={(guests) => set('guests')({ target: { value: guests } })}
      />
      <button type="submit" className="btn btn-primary search-submit">
        <span aria-hidden="true">⌕ </span>
        {t('search.submit')}
      </button>
      {problem && (
        <p className="field-error search-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  )
}
