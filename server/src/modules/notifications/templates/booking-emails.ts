// The emails about a booking change, to the guest and the host, in English and French.
import type { BookingEvent } from '../../../domain/tasks.js'
import { formatMoney, type Locale, paragraphsEmail, type RenderedEmail } from './format.js'
import { type StayFacts, stayParagraphs } from './stay.js'

export type Recipient = 'guest' | 'host'

/** Who hears about each event. */
export const RECIPIENTS: Record<BookingEvent, Recipient[]> = {
  requested: ['guest', 'host'],
  confirmed: ['guest', 'host'],
  accepted: ['guest', 'host'],
  declined: ['guest', 'host'],
  cancelled: ['guest', 'host'],
  expired: ['guest', 'host'],
}

export interface BookingEmailInput {
  event: BookingEvent
  recipient: Recipient
  /** First name of the reader. */
  firstName: string
  stay: StayFacts
  /** Who cancelled, for `cancelled`. */
  cancelledBy: Recipient | null
  /** What the guest gets back, in minor units (declined, expired, cancelled). */
  refundMinor: number | null
}

type Line = (input: BookingEmailInput) => string

interface EventCopy {
  subject: Record<Recipient, Line>
  body: Record<Recipient, Line>
}

interface Copy {
  hello: (name: string) => string
  refund: (amount: string) => string
  signature: string
  events: Record<BookingEvent, EventCopy>
}

const title = (i: BookingEmailInput) => i.stay.placeTitle

const EN: Copy = {
  hello: (name) => `Hello ${name},`,
  refund: (amount) => `Refund: ${amount}.`,
  signature: '— HBNB',
  events: {
    requested: {
      subject: {
        guest: (i) => `Your booking request for ${title(i)} was sent`,
        host: (i) => `New booking request for ${title(i)}`,
      },
      body: {
        guest: () => 'Your request was sent to the host, who will answer it soon.',
        host: () => 'A guest asked to book your place. Please accept or decline the request.',
      },
    },
    confirmed: {
      subject: {
        guest: (i) => `Your booking at ${title(i)} is confirmed`,
        host: (i) => `New booking at ${title(i)}`,
      },
      body: {
        guest: () => 'Your stay is booked. Have a good trip!',
        host: () => 'A guest booked your place.',
      },
    },
    accepted: {
      subject: {
        guest: (i) => `Your booking request for ${title(i)} was accepted`,
        host: (i) => `You accepted a booking at ${title(i)}`,
      },
      body: {
        guest: () => 'The host accepted your request: your stay is booked.',
        host: () => 'The stay is booked.',
      },
    },
    declined: {
      subject: {
        guest: (i) => `Your booking request for ${title(i)} was declined`,
        host: (i) => `You declined a booking request for ${title(i)}`,
      },
      body: {
        guest: () => 'The host declined your request. You were not charged.',
        host: () => 'You declined this request; the nights are free again.',
      },
    },
    cancelled: {
      subject: {
        guest: (i) => `Your booking at ${title(i)} was cancelled`,
        host: (i) => `A booking at ${title(i)} was cancelled`,
      },
      body: {
        guest: (i) =>
          i.cancelledBy === 'host' ? 'The host cancelled your booking.' : 'You cancelled this booking.',
        host: (i) =>
          i.cancelledBy === 'host'
            ? 'You cancelled this booking; the nights are free again.'
            : 'The guest cancelled this booking; the nights are free again.',
      },
    },
    expired: {
      subject: {
        guest: (i) => `Your booking request for ${title(i)} expired`,
        host: (i) => `A booking request for ${title(i)} expired`,
      },
      body: {
        guest: () => 'The host did not answer your request in time. You were not charged.',
        host: () => 'This request expired before you answered it.',
      },
    },
  },
}

const FR: Copy = {
  hello: (name) => `Bonjour ${name},`,
  refund: (amount) => `Remboursement : ${amount}.`,
  signature: '— HBNB',
  events: {
    requested: {
      subject: {
        guest: (i) => `Votre demande de réservation pour ${title(i)} a été envoyée`,
        host: (i) => `Nouvelle demande de réservation pour ${title(i)}`,
      },
      body: {
        guest: () => "Votre demande a été transmise à l'hôte, qui y répondra bientôt.",
        host: () =>
          'Un voyageur souhaite réserver votre logement. Merci d’accepter ou de refuser la demande.',
      },
    },
    confirmed: {
      subject: {
        guest: (i) => `Votre réservation pour ${title(i)} est confirmée`,
        host: (i) => `Nouvelle réservation pour ${title(i)}`,
      },
      body: {
        guest: () => 'Votre séjour est réservé. Bon voyage !',
        host: () => 'Un voyageur a réservé votre logement.',
      },
    },
    accepted: {
      subject: {
        guest: (i) => `Votre demande de réservation pour ${title(i)} a été acceptée`,
        host: (i) => `Vous avez accepté une réservation pour ${title(i)}`,
      },
      body: {
        guest: () => "L'hôte a accepté votre demande : votre séjour est réservé.",
        host: () => 'Le séjour est réservé.',
      },
    },
    declined: {
      subject: {
        guest: (i) => `Votre demande de réservation pour ${title(i)} a été refusée`,
        host: (i) => `Vous avez refusé une demande de réservation pour ${title(i)}`,
      },
      body: {
        guest: () => "L'hôte a refusé votre demande. Vous n'avez pas été débité.",
        host: () => 'Vous avez refusé cette demande ; les nuits sont de nouveau libres.',
      },
    },
    cancelled: {
      subject: {
        guest: (i) => `Votre réservation pour ${title(i)} a été annulée`,
        host: (i) => `Une réservation pour ${title(i)} a été annulée`,
      },
      body: {
        guest: (i) =>
          i.cancelledBy === 'host'
            ? "L'hôte a annulé votre réservation."
            : 'Vous avez annulé cette réservation.',
        host: (i) =>
          i.cancelledBy === 'host'
            ? 'Vous avez annulé cette réservation ; les nuits sont de nouveau libres.'
            : 'Le voyageur a annulé cette réservation ; les nuits sont de nouveau libres.',
      },
    },
    expired: {
      subject: {
        guest: (i) => `Votre demande de réservation pour ${title(i)} a expiré`,
        host: (i) => `Une demande de réservation pour ${title(i)} a expiré`,
      },
      body: {
        guest: () => "L'hôte n'a pas répondu à temps. Vous n'avez pas été débité.",
        host: () => 'Cette demande a expiré avant votre réponse.',
      },
    },
  },
}

const COPY: Record<Locale, Copy> = { en: EN, fr: FR }

/** Events after which the guest is told what they get back. */
const SHOWS_REFUND: BookingEvent[] = ['cancelled']

export function bookingEmail(locale: Locale, input: BookingEmailInput): RenderedEmail {
  const copy = COPY[locale]
  const event = copy.events[input.event]
  const refund =
    input.recipient === 'guest' && SHOWS_REFUND.includes(input.event) && input.refundMinor !== null
      ? copy.refund(formatMoney(input.refundMinor, input.stay.currency, locale))
      : ''
  return paragraphsEmail(event.subject[input.recipient](input), [
    copy.hello(input.firstName),
    event.body[input.recipient](input),
    refund,
    ...stayParagraphs(input.stay, locale),
    copy.signature,
  ])
}
