// Reminder emails: the check-in reminder (to the guest, a day before) and the review reminder
// (to each side that has not reviewed a finished stay), in English and French.
import { addDays } from '../../../dates.js'
import { REVIEW_WINDOW_DAYS } from '../../reviews/stay-service.js'
import type { Recipient } from './booking-emails.js'
import { formatDate, type Locale, paragraphsEmail, type RenderedEmail } from './format.js'
import { type StayFacts, stayParagraphs } from './stay.js'

export interface ReminderInput {
  recipient: Recipient
  firstName: string
  /** First name of the other side (the guest, for the host's review reminder). */
  otherFirstName: string
  stay: StayFacts
}

const COPY = {
  en: {
    hello: (name: string) => `Hello ${name},`,
    checkInSubject: (i: ReminderInput, date: string) =>
      `Reminder: your stay at ${i.stay.placeTitle} begins on ${date}`,
    checkInBody: (i: ReminderInput, date: string) =>
      `Your stay begins on ${date}: check-in is from ${i.stay.checkInTime} (local time, ${i.stay.timezone}).`,
    reviewSubject: {
      guest: (i: ReminderInput) => `How was your stay at ${i.stay.placeTitle}?`,
      host: (i: ReminderInput) => `How was your stay with ${i.otherFirstName}?`,
    },
    reviewBody: {
      guest: () => 'Please take a minute to review the place: your review helps other travellers.',
      host: (i: ReminderInput) => `Please take a minute to review your guest ${i.otherFirstName}.`,
    },
    reviewWindow: (date: string) =>
      `Reviews stay hidden until both of you have written one, or until the review window closes on ${date}.`,
    signature: '— HBNB',
  },
  fr: {
    hello: (name: string) => `Bonjour ${name},`,
    checkInSubject: (i: ReminderInput, date: string) =>
      `Rappel : votre séjour à ${i.stay.placeTitle} commence le ${date}`,
    checkInBody: (i: ReminderInput, date: string) =>
      `Votre séjour commence le ${date} : arrivée à partir de ${i.stay.checkInTime} (heure locale, ${i.stay.timezone}).`,
    reviewSubject: {
      guest: (i: ReminderInput) => `Comment s'est passé votre séjour à ${i.stay.placeTitle} ?`,
      host: (i: ReminderInput) => `Comment s'est passé le séjour de ${i.otherFirstName} ?`,
    },
    reviewBody: {
      guest: () => 'Prenez une minute pour donner votre avis sur le logement : il aide les autres voyageurs.',
      host: (i: ReminderInput) =>
        `Prenez une minute pour donner votre avis sur votre voyageur ${i.otherFirstName}.`,
    },
    reviewWindow: (date: string) =>
      `Les avis restent masqués jusqu'à ce que vous ayez tous deux écrit le vôtre, ou jusqu'à la clôture des avis le ${date}.`,
    signature: '— HBNB',
  },
} satisfies Record<Locale, unknown>

export function checkInReminderEmail(locale: Locale, input: ReminderInput): RenderedEmail {
  const copy = COPY[locale]
  const date = formatDate(input.stay.checkIn, locale)
  return paragraphsEmail(copy.checkInSubject(input, date), [
    copy.hello(input.firstName),
    copy.checkInBody(input, date),
    ...stayParagraphs(input.stay, locale),
    copy.signature,
  ])
}

export function reviewReminderEmail(locale: Locale, input: ReminderInput): RenderedEmail {
  const copy = COPY[locale]
  const closes = formatDate(addDays(input.stay.checkOut, REVIEW_WINDOW_DAYS), locale)
  return paragraphsEmail(copy.reviewSubject[input.recipient](input), [
    copy.hello(input.firstName),
    copy.reviewBody[input.recipient](input),
    copy.reviewWindow(closes),
    ...stayParagraphs(input.stay, locale),
    copy.signature,
  ])
}
