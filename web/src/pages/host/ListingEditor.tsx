import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, lazy, type ReactNode, Suspense, useEffect, useMemo, useState } from 'react'
import { api, unwrap } from '../../api/client'
import { amenityQueries } from '../../api/queries/amenities'
import { invalidatePlace, placeQueries } from '../../api/queries/places'
import type { PlaceDetail, PlaceInput } from '../../api/types'
import { ErrorBox, Field, Loading, PageHeading, Skeleton } from '../../components/ui'
import { type MessageKey, useI18n } from '../../i18n'
import { fieldErrors } from '../../lib/errors'
import {
  cities,
  countries,
  currencies,
  currencyOfCountry,
  nearestCity,
  timeZones,
  zoneOfLongitude,
} from '../../lib/geo'
import { useSession, useTitle } from '../../lib/hooks'
import { type ListingField, type ListingForm, listingProblems } from '../../lib/listing-rules'
import { paths } from '../../lib/paths'
import { navigate } from '../../lib/router'
import { NeedLogin } from '../NotFound'
import { PhotoManager } from './PhotoManager'

const PinPicker = lazy(() => import('../../components/PinPicker'))

const STEPS = ['basics', 'location', 'details', 'pricing', 'review'] as const
type Step = (typeof STEPS)[number]

type Form = ListingForm

const STEP_OF: Record<string, Step> = {
  title: 'basics',
  description: 'basics',
  address: 'location',
  city: 'location',
  country: 'location',
  latitude: 'location',
  longitude: 'location',
  timezone: 'location',
  max_guests: 'details',
  bedrooms: 'details',
  bathrooms: 'details',
  amenities: 'details',
}

/** The fields a step holds (the others are on the pricing step). */
function stepOf(field: string): Step {
  return STEP_OF[field] ?? 'pricing'
}

/** Fields the pin fills in, unless the host chose them. */
type Derived = 'timezone' | 'country' | 'currency'

function emptyForm(): Form {
  return {
    title: '',
    description: '',
    address: '',
    city: '',
    country: '',
    latitude: '',
    longitude: '',
    timezone: 'UTC',
    max_guests: '2',
    bedrooms: '1',
    bathrooms: '1',
    amenities: [],
    price: '',
    currency: 'EUR',
    cleaning_fee: '0',
    min_nights: '1',
    max_nights: '365',
    advance_notice_days: '0',
    booking_window_days: '365',
    check_in_time: '15:00',
    check_out_time: '11:00',
    instant_book: false,
    cancellation_policy: 'moderate',
  }
}

function fromPlace(place: PlaceDetail): Form {
  const s = (n: number) => String(n)
  return {
    title: place.title,
    description: place.description,
    address: place.address,
    city: place.city,
    country: place.country,
    latitude: s(place.latitude),
    longitude: s(place.longitude),
    timezone: place.timezone,
    max_guests: s(place.max_guests),
    bedrooms: s(place.bedrooms),
    bathrooms: s(place.bathrooms),
    amenities: place.amenities.map((a) => a.id),
    price: s(place.price),
    currency: place.currency,
    cleaning_fee: s(place.cleaning_fee),
    min_nights: s(place.min_nights),
    max_nights: s(place.max_nights),
    advance_notice_days: s(place.advance_notice_days),
    booking_window_days: s(place.booking_window_days),
    check_in_time: place.check_in_time,
    check_out_time: place.check_out_time,
    instant_book: place.instant_book,
    cancellation_policy: place.cancellation_policy,
  }
}

/** The body sent to the API: numbers as numbers; empty optional fields left out. */
function toBody(form: Form): PlaceInput {
  const num = (value: string) => (value.trim() === '' ? undefined : Number(value))
  const body: Record<string, unknown> = {
    title: form.title,
    description: form.description,
    address: form.address,
    city: form.city,
    country: form.country.toUpperCase(),
    latitude: num(form.latitude),
    longitude: num(form.longitude),
    timezone: form.timezone,
    max_guests: num(form.max_guests),
    bedrooms: num(form.bedrooms),
    bathrooms: num(form.bathrooms),
    amenities: form.amenities,
    price: num(form.price),
    currency: form.currency.toUpperCase(),
    cleaning_fee: num(form.cleaning_fee),
    min_nights: num(form.min_nights),
    max_nights: num(form.max_nights),
    advance_notice_days: num(form.advance_notice_days),
    booking_window_days: num(form.booking_window_days),
    check_in_time: form.check_in_time,
    check_out_time: form.check_out_time,
    instant_book: form.instant_book,
    cancellation_policy: form.cancellation_policy,
  }
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || value === '' || (typeof value === 'number' && Number.isNaN(value)))
      delete body[key]
  }
  return body as PlaceInput
}

export default function ListingEditor({ id }: { id?: string }) {
  const { t } = useI18n()
  const { session } = useSession()
  const existing = useQuery({ ...placeQueries.detail(id ?? ''), enabled: Boolean(id && session) })
  useTitle(id ? t('editor.editTitle') : t('editor.newTitle'))
  if (!session) return <NeedLogin />
  if (id && existing.isPending) {
    return (
      <div className="container section">
        <Skeleton lines={6} />
      </div>
    )
  }
  if (id && existing.error) {
    return (
      <div className="container section">
        <ErrorBox error={existing.error} onRetry={() => existing.refetch()} />
      </div>
    )
  }
  return <Editor place={existing.data} />
}

function Editor({ place }: { place: PlaceDetail | undefined }) {
  const { t, money, locale, amenity: amenityName } = useI18n()
  const queryClient = useQueryClient()
  const [form, setForm] = useState<Form>(() => (place ? fromPlace(place) : emptyForm()))
  const [step, setStep] = useState<Step>('basics')
  // Problems show once a field was changed, or for a whole step once the host tries to leave it.
  const [shown, setShown] = useState<ReadonlySet<string>>(new Set())
  const show = (fields: string[]) => setShown((current) => new Set([...current, ...fields]))
  // Fields the host chose themselves: the pin no longer changes them.
  const [chosen, setChosen] = useState<ReadonlySet<Derived>>(
    () => new Set(place ? ['timezone', 'country', 'currency'] : []),
  )
  const amenities = useQuery({ ...amenityQueries.all(), staleTime: 5 * 60_000 })
  const save = useMutation({
    mutationFn: async (status: 'draft' | 'published' | undefined) => {
      const body = { ...toBody(form), ...(status ? { status } : {}) }
      if (place) return unwrap(api.PUT('/api/v1/places/{id}', { params: { path: { id: place.id } }, body }))
      return unwrap(api.POST('/api/v1/places/', { body }))
    },
    onSuccess: (saved) => {
      invalidatePlace(queryClient, saved.id)
      navigate(paths.host(saved.id))
    },
  })
  const problems = listingProblems(form, t)
  // The API has the last word; its field errors are shown in the host's language.
  const refused = Object.keys(fieldErrors(save.error))
  const errors: Record<string, string | undefined> = {}
  for (const field of shown) errors[field] = problems[field as ListingField]
  for (const field of refused) errors[field] = problems[field as ListingField] ?? t('editor.checkValue')
  const firstRefused = refused[0]
  useEffect(() => {
    if (firstRefused) setStep(stepOf(firstRefused))
  }, [firstRefused])

  const set = (name: keyof Form) => (event: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [name]: event.target.value }))
    show([name])
    if (name === 'timezone' || name === 'country' || name === 'currency')
      setChosen((c) => new Set([...c, name]))
  }
  const index = STEPS.indexOf(step)

  /** Shows every problem of a step at once; true when it has none. */
  const check = (current: Step): boolean => {
    const fields = Object.keys(problems).filter((field) => current === 'review' || stepOf(field) === current)
    show(fields)
    return fields.length === 0
  }
  const next = (event: FormEvent) => {
    event.preventDefault()
    if (!check(step)) return
    const following = STEPS[index + 1]
    if (following) setStep(following)
  }
  const publish = (status: 'draft' | 'published' | undefined) => {
    const fields = Object.keys(problems)
    show(fields)
    const first = fields[0]
    if (first) setStep(stepOf(first))
    else save.mutate(status)
  }
  /** The pin moved: its coordinates, and the zone, country and currency they suggest. */
  const pick = (latitude: number, longitude: number) => {
    const city = nearestCity(latitude, longitude)
    setForm((f) => {
      const derived: Partial<Form> = { timezone: city?.timezone ?? zoneOfLongitude(longitude) }
      if (city) {
        derived.country = city.country
        const currency = currencyOfCountry(city.country)
        if (currency) derived.currency = currency
        if (!f.city.trim()) derived.city = city.name
      }
      for (const field of chosen) delete derived[field]
      return { ...f, ...derived, latitude: String(latitude), longitude: String(longitude) }
    })
    show(['latitude'])
  }
  const locate = () => {
    navigator.geolocation?.getCurrentPosition((position) =>
      pick(Number(position.coords.latitude.toFixed(6)), Number(position.coords.longitude.toFixed(6))),
    )
  }
  const countryNames = useMemo(() => new Intl.DisplayNames([locale], { type: 'region' }), [locale])
  const findCity = (text: string) => {
    const city = cities.find((c) => `${c.name}, ${countryNames.of(c.country)}` === text)
    if (!city) return
    setForm((f) => ({ ...f, city: city.name }))
    pick(city.latitude, city.longitude)
  }

  const input: InputOf = (name, label, extra = {}, hint) => (
    <Field label={label} error={errors[name]} hint={hint}>
      {(props) => (
        <input {...props} name={name} value={form[name] as string} onChange={set(name)} {...extra} />
      )}
    </Field>
  )

  return (
    <div className="container narrow section">
      <PageHeading>{place ? t('editor.editTitle') : t('editor.newTitle')}</PageHeading>
      <ol className="steps" aria-label={t('editor.steps')}>
        {STEPS.map((name, i) => (
          <li key={name} className={`${name === step ? 'is-current' : ''} ${i < index ? 'is-done' : ''}`}>
            <button
              type="button"
              onClick={() => setStep(name)}
              aria-current={name === step ? 'step' : undefined}
              disabled={!place && i > index}
            >
              <span className="step-number">{i + 1}</span>
              <span className="step-name">{t(`editor.step.${name}` as MessageKey)}</span>
            </button>
          </li>
        ))}
      </ol>
      <form className="form card" onSubmit={next} noValidate>
        <h2>{t(`editor.step.${step}` as MessageKey)}</h2>
        {step === 'basics' && (
          <>
            {input('title', t('editor.title'), { maxLength: 300, required: true }, t('editor.titleHint'))}
            <Field
              label={t('editor.description')}
              error={errors.description}
              hint={t('editor.descriptionHint')}
            >
              {(props) => (
                <textarea
                  {...props}
                  name="description"
                  rows={6}
                  value={form.description}
                  onChange={set('description')}
                />
              )}
            </Field>
          </>
        )}
        {step === 'location' && (
          <LocationStep
            form={form}
            errors={errors}
            input={input}
            set={set}
            onPick={pick}
            onFindCity={findCity}
            onLocate={locate}
            countryNames={countryNames}
          />
        )}
        {step === 'details' && (
          <>
            <div className="row">
              {input('max_guests', t('editor.maxGuests'), { type: 'number', min: 1, max: 50 })}
              {input('bedrooms', t('editor.bedrooms'), { type: 'number', min: 0, max: 50 })}
              {input('bathrooms', t('editor.bathrooms'), { type: 'number', min: 0, max: 50 })}
            </div>
            <fieldset>
              <legend>{t('search.amenities')}</legend>
              {amenities.error && <ErrorBox error={amenities.error} />}
              <div className="checks">
                {amenities.data?.map((amenity) => (
                  <label key={amenity.id} className="check">
                    <input
                      type="checkbox"
                      checked={form.amenities.includes(amenity.id)}
                      onChange={(event) =>
                        setForm((f) => ({
                          ...f,
                          amenities: event.target.checked
                            ? [...f.amenities, amenity.id]
                            : f.amenities.filter((a) => a !== amenity.id),
                        }))
                      }
                    />
                    <span>{amenityName(amenity.name)}</span>
                  </label>
                ))}
              </div>
            </fieldset>
          </>
        )}
        {step === 'pricing' && (
          <>
            <div className="row">
              {input('price', t('editor.price'), {
                type: 'number',
                min: 1,
                step: '0.01',
                inputMode: 'decimal',
              })}
              <CurrencyField value={form.currency} error={errors.currency} onChange={set('currency')} />
              {input('cleaning_fee', t('editor.cleaningFee'), { type: 'number', min: 0, step: '0.01' })}
            </div>
            <div className="row">
              {input('min_nights', t('editor.minNights'), { type: 'number', min: 1 })}
              {input('max_nights', t('editor.maxNights'), { type: 'number', min: 1 })}
            </div>
            <div className="row">
              {input('advance_notice_days', t('editor.notice'), { type: 'number', min: 0 })}
              {input('booking_window_days', t('editor.window'), { type: 'number', min: 1 })}
            </div>
            <div className="row">
              {input('check_in_time', t('place.checkInTime'), { type: 'time' })}
              {input('check_out_time', t('place.checkOutTime'), { type: 'time' })}
            </div>
            <Field label={t('place.cancellation')} error={errors.cancellation_policy}>
              {(props) => (
                <select
                  {...props}
                  name="cancellation_policy"
                  value={form.cancellation_policy}
                  onChange={(e) =>
                    setForm({ ...form, cancellation_policy: e.target.value as Form['cancellation_policy'] })
                  }
                >
                  {(['flexible', 'moderate', 'strict'] as const).map((policy) => (
                    <option key={policy} value={policy}>
                      {t(`policy.${policy}` as MessageKey)}: {t(`policy.${policy}.text` as MessageKey)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <label className="check">
              <input
                type="checkbox"
                name="instant_book"
                checked={form.instant_book}
                onChange={(e) => setForm({ ...form, instant_book: e.target.checked })}
              />
              <span>{t('editor.instantBook')}</span>
            </label>
          </>
        )}
        {step === 'review' && (
          <dl className="facts">
            <dt>{t('editor.title')}</dt>
            <dd>{form.title || '—'}</dd>
            <dt>{t('place.location')}</dt>
            <dd>{[form.address, form.city, form.country.toUpperCase()].filter(Boolean).join(', ') || '—'}</dd>
            <dt>{t('editor.maxGuests')}</dt>
            <dd>{form.max_guests}</dd>
            <dt>{t('editor.price')}</dt>
            <dd>
              {Number(form.price) > 0 ? money(Number(form.price), form.currency.toUpperCase() || 'EUR') : '—'}{' '}
              {t('place.perNight')}
            </dd>
            <dt>{t('place.cancellation')}</dt>
            <dd>{t(`policy.${form.cancellation_policy}` as MessageKey)}</dd>
            <dt>{t('place.instantBook')}</dt>
            <dd>{form.instant_book ? t('common.yes') : t('common.no')}</dd>
          </dl>
        )}
        {save.error && <ErrorBox error={save.error} />}
        <div className="form-actions">
          {index > 0 && (
            <button type="button" className="btn btn-ghost" onClick={() => setStep(STEPS[index - 1] as Step)}>
              {t('editor.back')}
            </button>
          )}
          <span className="spacer" />
          {step !== 'review' && (
            <button type="submit" className="btn btn-primary">
              {t('editor.next')}
            </button>
          )}
          {step === 'review' && (
            <>
              <button
                type="button"
                className="btn btn-ghost"
                disabled={save.isPending}
                onClick={() => publish(place ? undefined : 'draft')}
              >
                {place ? t('common.save') : t('editor.saveDraft')}
              </button>
              {place?.status !== 'published' && place?.status !== 'suspended' && (
                <button
                  type="button"
                  className="btn btn-primary"
                  disabled={save.isPending}
                  onClick={() => publish('published')}
                >
                  {t('editor.publish')}
                </button>
              )}
            </>
          )}
        </div>
      </form>
      {place && <PhotoManager placeId={place.id} />}
    </div>
  )
}

type InputOf = (name: keyof Form, label: string, extra?: Record<string, unknown>, hint?: string) => ReactNode
type SetOf = (name: keyof Form) => (event: { target: { value: string } }) => void

/** Where the place is: a city to start from, the pin, the address, the country and time zone. */
function LocationStep({
  form,
  errors,
  input,
  set,
  onPick,
  onFindCity,
  onLocate,
  countryNames,
}: {
  form: Form
  errors: Record<string, string | undefined>
  input: InputOf
  set: SetOf
  onPick: (latitude: number, longitude: number) => void
  onFindCity: (text: string) => void
  onLocate: () => void
  countryNames: Intl.DisplayNames
}) {
  const { t, locale, number } = useI18n()
  const countryList = useMemo(() => countries(locale), [locale])
  const zones = useMemo(() => timeZones(), [])
  const pinned = form.latitude !== '' && form.longitude !== ''
  return (
    <>
      <Field label={t('editor.findCity')} hint={t('editor.findCityHint')}>
        {(props) => (
          <input
            {...props}
            name="city_search"
            list="editor-cities"
            autoComplete="off"
            onChange={(event) => onFindCity(event.target.value)}
          />
        )}
      </Field>
      <datalist id="editor-cities">
        {cities.map((city) => (
          <option
            key={`${city.name}-${city.country}`}
            value={`${city.name}, ${countryNames.of(city.country)}`}
          />
        ))}
      </datalist>
      <Suspense fallback={<Loading />}>
        <PinPicker
          latitude={pinned ? Number(form.latitude) : undefined}
          longitude={pinned ? Number(form.longitude) : undefined}
          onPick={onPick}
          label={t('editor.pinMap')}
          noTilesLabel={t('editor.noTiles')}
        />
      </Suspense>
      <p
        className={`pin-summary ${errors.latitude ? 'field-error' : 'muted small'}`}
        data-testid="pin-summary"
      >
        {errors.latitude ??
          (pinned
            ? t('editor.pinAt', {
                latitude: number(Number(form.latitude), 5),
                longitude: number(Number(form.longitude), 5),
              })
            : t('editor.pinHint'))}
      </p>
      <p>
        <button type="button" className="btn btn-ghost btn-small" onClick={onLocate}>
          {t('editor.useLocation')}
        </button>
      </p>
      <details className="coordinates">
        <summary>{t('editor.coordinates')}</summary>
        <div className="row">
          {input('latitude', t('editor.latitude'), { inputMode: 'decimal' })}
          {input('longitude', t('editor.longitude'), { inputMode: 'decimal' })}
        </div>
      </details>
      {input('address', t('editor.address'), { autoComplete: 'street-address' })}
      <div className="row">
        {input('city', t('editor.city'), { autoComplete: 'address-level2' })}
        <Field label={t('editor.country')} error={errors.country}>
          {(props) => (
            <select {...props} name="country" value={form.country.toUpperCase()} onChange={set('country')}>
              <option value="">{t('editor.countryNone')}</option>
              {countryList.map((country) => (
                <option key={country.code} value={country.code}>
                  {country.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label={t('editor.timezone')} error={errors.timezone} hint={t('editor.timezoneHint')}>
        {(props) => (
          <input
            {...props}
            name="timezone"
            list="editor-zones"
            value={form.timezone}
            onChange={set('timezone')}
          />
        )}
      </Field>
      <datalist id="editor-zones">
        {zones.map((zone) => (
          <option key={zone} value={zone}>
            {zone.replaceAll('_', ' ')}
          </option>
        ))}
      </datalist>
    </>
  )
}

/** The currency by its name in the host's language ("Euro (EUR)"), not a code to know. */
function CurrencyField({
  value,
  error,
  onChange,
}: {
  value: string
  error: string | undefined
  onChange: (event: { target: { value: string } }) => void
}) {
  const { t, locale } = useI18n()
  const options = useMemo(() => {
    const names = new Intl.DisplayNames([locale], { type: 'currency' })
    return currencies()
      .map((code) => ({ code, name: `${names.of(code) ?? code} (${code})` }))
      .sort((a, b) => a.name.localeCompare(b.name, locale))
  }, [locale])
  return (
    <Field label={t('editor.currency')} error={error}>
      {(props) => (
        <select {...props} name="currency" value={value.toUpperCase()} onChange={onChange}>
          {options.map((option) => (
            <option key={option.code} value={option.code}>
              {option.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}
