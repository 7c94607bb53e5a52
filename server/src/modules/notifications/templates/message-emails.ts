// What a conversation produces outside the conversation itself: the email and text message about
// messages left unread, and the in-app lines for new messages, reviews and account changes, in
// English and French. Message text is quoted as typed: plain text, escaped in the HTML part.
import { type Locale, paragraphsEmail, type RenderedEmail } from './format.js'

export interface UnreadMessages {
  firstName: string
  senderFirstName: string
  placeTitle: string
  /** Oldest first; only the last few are quoted. */
  texts: string[]
}

const QUOTED = 3
const QUOTE_MAX = 500

const quote = (text: string) => (text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text)

const COPY = {
  en: {
    subject: (u: UnreadMessages) =>
      u.texts.length === 1
        ? `New message from ${u.senderFirstName} about ${u.placeTitle}`
        : `${u.texts.length} new messages from ${u.senderFirstName} about ${u.placeTitle}`,
    hello: (name: string) => `Hello ${name},`,
    intro: (u: UnreadMessages) => `${u.senderFirstName} wrote to you about ${u.placeTitle}:`,
    more: (n: number) => `… and ${n} earlier message${n === 1 ? '' : 's'}.`,
    answer: 'Open your inbox on HBNB to answer.',
    sms: (u: UnreadMessages) =>
      `HBNB: ${u.texts.length === 1 ? 'a new message' : `${u.texts.length} new messages`} from ${u.senderFirstName} about ${u.placeTitle}. Open your inbox to answer.`,
    signature: '— HBNB',
  },
  fr: {
    subject: (u: UnreadMessages) =>
      u.texts.length === 1
        ? `Nouveau message de ${u.senderFirstName} à propos de ${u.placeTitle}`
        : `${u.texts.length} nouveaux messages de ${u.senderFirstName} à propos de ${u.placeTitle}`,
    hello: (name: string) => `Bonjour ${name},`,
    intro: (u: UnreadMessages) => `${u.senderFirstName} vous a écrit à propos de ${u.placeTitle} :`,
    more: (n: number) => `… et ${n} message${n === 1 ? '' : 's'} plus ancien${n === 1 ? '' : 's'}.`,
    answer: 'Ouvrez votre messagerie sur HBNB pour répondre.',
    sms: (u: UnreadMessages) =>
      `HBNB : ${u.texts.length === 1 ? 'un nouveau message' : `${u.texts.length} nouveaux messages`} de ${u.senderFirstName} à propos de ${u.placeTitle}. Ouvrez votre messagerie pour répondre.`,
    signature: '— HBNB',
  },
} satisfies Record<Locale, unknown>

export function unreadMessagesEmail(locale: Locale, input: UnreadMessages): RenderedEmail {
  const copy = COPY[locale]
  const quoted = input.texts.slice(-QUOTED)
  const earlier = input.texts.length - quoted.length
  return paragraphsEmail(copy.subject(input), [
    copy.hello(input.firstName),
    copy.intro(input),
    ...(earlier > 0 ? [copy.more(earlier)] : []),
    ...quoted.map(quote),
    copy.answer,
    copy.signature,
  ])
}

export function unreadMessagesSms(locale: Locale, input: UnreadMessages): string {
  return COPY[locale].sms(input)
}

const IN_APP = {
  en: {
    message: (sender: string, place: string) => `New message from ${sender} about ${place}`,
    review: (place: string) => `New review of ${place}`,
    stayReview: (place: string) => `You were reviewed for your stay at ${place}`,
    passwordChanged: 'Your password was changed',
    emailVerified: 'Your email address is verified',
  },
  fr: {
    message: (sender: string, place: string) => `Nouveau message de ${sender} à propos de ${place}`,
    review: (place: string) => `Nouvel avis sur ${place}`,
    stayReview: (place: string) => `Vous avez reçu un avis pour votre séjour à ${place}`,
    passwordChanged: 'Votre mot de passe a été changé',
    emailVerified: 'Votre adresse email est vérifiée',
  },
} satisfies Record<Locale, unknown>

/** The in-app notification lines, in the reader's language. */
export const inAppText = {
  message: (sender: string, place: string) => (locale: Locale) => IN_APP[locale].message(sender, place),
  review: (place: string) => (locale: Locale) => IN_APP[locale].review(place),
  stayReview: (place: string) => (locale: Locale) => IN_APP[locale].stayReview(place),
  passwordChanged: (locale: Locale) => IN_APP[locale].passwordChanged,
  emailVerified: (locale: Locale) => IN_APP[locale].emailVerified,
}
