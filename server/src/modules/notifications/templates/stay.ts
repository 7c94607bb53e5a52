// The facts about a stay that booking messages show.
import { formatDate, formatMoney, type Locale } from './format.js'

export interface StayFacts {
  bookingId: string
  placeTitle: string
  placeCity: string
  /** Local calendar dates and times (HH:MM) of the listing's time zone. */
  checkIn: string
  checkOut: string
  checkInTime: string
  checkOutTime: string
  timezone: string
  guests: number
  totalMinor: number
  currency: string
}

const COPY = {
  en: {
    guests: (n: number) => `${n} guest${n > 1 ? 's' : ''}`,
    stay: (where: string, from: string, to: string, guests: string, total: string) =>
      `Stay: ${where}, from ${from} to ${to}, ${guests}, total ${total}.`,
    times: (s: StayFacts) =>
      `Check-in from ${s.checkInTime}, check-out until ${s.checkOutTime} (local time, ${s.timezone}).`,
    reference: (id: string) => `Booking reference: ${id}`,
  },
  fr: {
    guests: (n: number) => `${n} voyageur${n > 1 ? 's' : ''}`,
    stay: (where: string, from: string, to: string, guests: string, total: string) =>
      `Séjour : ${where}, du ${from} au ${to}, ${guests}, total ${total}.`,
    times: (s: StayFacts) =>
      `Arrivée à partir de ${s.checkInTime}, départ avant ${s.checkOutTime} (heure locale, ${s.timezone}).`,
    reference: (id: string) => `Référence de la réservation : ${id}`,
  },
} satisfies Record<Locale, unknown>

export function placeName(stay: StayFacts): string {
  return stay.placeCity ? `${stay.placeTitle} (${stay.placeCity})` : stay.placeTitle
}

/** The paragraphs describing a stay: where, when, who, how much, and the booking reference. */
export function stayParagraphs(stay: StayFacts, locale: Locale): string[] {
  const copy = COPY[locale]
  return [
    copy.stay(
      placeName(stay),
      formatDate(stay.checkIn, locale),
      formatDate(stay.checkOut, locale),
      copy.guests(stay.guests),
      formatMoney(stay.totalMinor, stay.currency, locale),
    ),
    copy.times(stay),
    copy.reference(stay.bookingId),
  ]
}
