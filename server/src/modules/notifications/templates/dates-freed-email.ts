// The "dates freed" email: nights of a listing the guest wanted (wishlisted, asked for, or was
// refused) are free again, in English and French.
import { formatDate, type Locale, paragraphsEmail, type RenderedEmail } from './format.js'

export interface DatesFreedInput {
  firstName: string
  placeTitle: string
  placeCity: string
  /** The free nights, in date order (YYYY-MM-DD, the listing's dates). */
  nights: string[]
}

/** At most this many nights are listed; the rest are counted. */
const LISTED_NIGHTS = 14

const COPY = {
  en: {
    hello: (name: string) => `Hello ${name},`,
    subject: (i: DatesFreedInput) => `Dates at ${i.placeTitle} are free again`,
    body: (i: DatesFreedInput) =>
      `Nights at ${i.placeTitle} (${i.placeCity}) that you were interested in are free again. They go to whoever books first.`,
    nights: 'Free nights:',
    more: (count: number) => `and ${count} more`,
    signature: '— HBNB',
  },
  fr: {
    hello: (name: string) => `Bonjour ${name},`,
    subject: (i: DatesFreedInput) => `Des dates se libèrent à ${i.placeTitle}`,
    body: (i: DatesFreedInput) =>
      `Des nuits qui vous intéressaient à ${i.placeTitle} (${i.placeCity}) sont de nouveau libres. Elles iront au premier qui réserve.`,
    nights: 'Nuits libres :',
    more: (count: number) => `et ${count} de plus`,
    signature: '— HBNB',
  },
} satisfies Record<Locale, unknown>

export function datesFreedEmail(locale: Locale, input: DatesFreedInput): RenderedEmail {
  const copy = COPY[locale]
  const listed = input.nights.slice(0, LISTED_NIGHTS).map((night) => formatDate(night, locale))
  const rest = input.nights.length - listed.length
  return paragraphsEmail(copy.subject(input), [
    copy.hello(input.firstName),
    copy.body(input),
    `${copy.nights} ${listed.join(', ')}${rest > 0 ? `, ${copy.more(rest)}` : ''}`,
    copy.signature,
  ])
}
