// Text messages: short, in English and French. Only the phone verification code and three kinds
// of booking news go by SMS.
import type { Locale } from './format.js'
import { formatShortDate } from './format.js'
import type { StayFacts } from './stay.js'

export type SmsTemplate = 'booking_requested' | 'booking_confirmed' | 'check_in_reminder'

const COPY = {
  en: {
    code: (code: string, minutes: number) =>
      `HBNB: your verification code is ${code}. It expires in ${minutes} min. Never share it.`,
    booking_requested: (s: StayFacts, from: string, to: string) =>
      `HBNB: new booking request for ${s.placeTitle}, ${from}–${to}. Please accept or decline it.`,
    booking_confirmed: (s: StayFacts, from: string, to: string) =>
      `HBNB: your booking at ${s.placeTitle}, ${from}–${to}, is confirmed. Ref ${s.bookingId.slice(0, 8)}.`,
    check_in_reminder: (s: StayFacts, from: string) =>
      `HBNB: your stay at ${s.placeTitle} begins ${from}, check-in from ${s.checkInTime} (local time).`,
  },
  fr: {
    code: (code: string, minutes: number) =>
      `HBNB : votre code de vérification est ${code}. Il expire dans ${minutes} min. Ne le partagez pas.`,
    booking_requested: (s: StayFacts, from: string, to: string) =>
      `HBNB : nouvelle demande de réservation pour ${s.placeTitle}, du ${from} au ${to}. Merci d'y répondre.`,
    booking_confirmed: (s: StayFacts, from: string, to: string) =>
      `HBNB : votre réservation pour ${s.placeTitle}, du ${from} au ${to}, est confirmée. Réf. ${s.bookingId.slice(0, 8)}.`,
    check_in_reminder: (s: StayFacts, from: string) =>
      `HBNB : votre séjour à ${s.placeTitle} commence le ${from}, arrivée à partir de ${s.checkInTime} (heure locale).`,
  },
} satisfies Record<Locale, unknown>

export function phoneCodeSms(locale: Locale, code: string, validMinutes: number): string {
  return COPY[locale].code(code, validMinutes)
}

export function bookingSms(locale: Locale, template: SmsTemplate, stay: StayFacts): string {
  const from = formatShortDate(stay.checkIn, locale)
  const to = formatShortDate(stay.checkOut, locale)
  return COPY[locale][template](stay, from, to)
}
