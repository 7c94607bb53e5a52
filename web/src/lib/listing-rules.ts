// The listing editor's form and the API's rules for it, checked in the browser as the host types so
// that every problem shows at once, next to its field, in the host's language. The API checks again.
import type { Translate } from '../i18n'
import { currencies, timeZones } from './geo'

export interface ListingForm {
  title: string
  description: string
  address: string
  city: string
  country: string
  latitude: string
  longitude: string
  timezone: string
  max_guests: string
  bedrooms: string
  bathrooms: string
  amenities: string[]
  price: string
  currency: string
  cleaning_fee: string
  min_nights: string
  max_nights: string
  advance_notice_days: string
  booking_window_days: string
  check_in_time: string
  check_out_time: string
  instant_book: boolean
  cancellation_policy: 'flexible' | 'moderate' | 'strict'
}

export type ListingField = keyof ListingForm
export type Problems = Partial<Record<ListingField, string>>

const TITLE_MAX = 100
const DESCRIPTION_MAX = 10_000
const ADDRESS_MAX = 255
const CITY_MAX = 100
const MAX_PRICE = 20_000_000
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/

/** Whole numbers between `min` and `max`, and the fields that must be. */
const WHOLE: [ListingField, number, number][] = [
  ['max_guests', 1, 50],
  ['bedrooms', 0, 50],
  ['bathrooms', 0, 50],
  ['min_nights', 1, 365],
  ['max_nights', 1, 1095],
  ['advance_notice_days', 0, 365],
  ['booking_window_days', 1, 1095],
]

let knownZones: Set<string> | undefined
let knownCurrencies: Set<string> | undefined

/** Every problem of the form, by field. */
export function listingProblems(form: ListingForm, t: Translate): Problems {
  const problems: Problems = {}
  const tooLong = (field: ListingField, max: number) => {
    if ((form[field] as string).trim().length > max) problems[field] = t('editor.tooLong', { max })
  }
  if (!form.title.trim()) problems.title = t('editor.required')
  tooLong('title', TITLE_MAX)
  tooLong('description', DESCRIPTION_MAX)
  tooLong('address', ADDRESS_MAX)
  tooLong('city', CITY_MAX)
  const latitude = Number(form.latitude)
  const longitude = Number(form.longitude)
  const pinned =
    form.latitude.trim() !== '' &&
    form.longitude.trim() !== '' &&
    Math.abs(latitude) <= 90 &&
    Math.abs(longitude) <= 180
  if (!pinned) problems.latitude = t('editor.pinRequired')
  if (form.country && !/^[A-Za-z]{2}$/.test(form.country)) problems.country = t('editor.badCountry')
  knownZones ??= new Set(timeZones())
  if (!knownZones.has(form.timezone.trim()) && form.timezone.trim() !== 'UTC')
    problems.timezone = t('editor.badTimezone')
  for (const [field, min, max] of WHOLE) {
    const value = (form[field] as string).trim()
    const n = Number(value)
    if (value === '' || !Number.isInteger(n) || n < min || n > max)
      problems[field] = t('editor.wholeBetween', { min, max })
  }
  if (!problems.min_nights && !problems.max_nights && Number(form.min_nights) > Number(form.max_nights))
    problems.max_nights = t('editor.maxBelowMin', { min: form.min_nights })
  const price = Number(form.price)
  if (form.price.trim() === '' || !(price > 0) || price > MAX_PRICE) problems.price = t('editor.badPrice')
  const fee = Number(form.cleaning_fee || '0')
  if (!(fee >= 0) || fee > MAX_PRICE) problems.cleaning_fee = t('editor.badFee')
  knownCurrencies ??= new Set(currencies())
  if (!knownCurrencies.has(form.currency.trim().toUpperCase())) problems.currency = t('editor.badCurrency')
  if (!TIME.test(form.check_in_time)) problems.check_in_time = t('editor.badTime')
  if (!TIME.test(form.check_out_time)) problems.check_out_time = t('editor.badTime')
  return problems
}
