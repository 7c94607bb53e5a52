// The account emails (welcome, verification, password reset) in English and French, as plain text and HTML.
import type { UserLocale } from '../../db/schema.js'
import { escapeHtml } from '../notifications/templates/format.js'

export interface AccountEmail {
  subject: string
  text: string
  html: string
}

interface LinkEmail {
  firstName: string
  link: string
  token: string
  validMinutes: number
}

interface Copy {
  subject: string
  greeting: (name: string) => string
  intro: string
  code: string
  validity: (minutes: number) => string
  ignore: string
}

const COPY: Record<UserLocale, { welcome: Copy; verify: Copy; reset: Copy }> = {
  en: {
    welcome: {
      subject: 'Welcome to HBNB: confirm your email address',
      greeting: (name: string) => `Welcome to HBNB, ${name}!`,
      intro: 'Your account is ready. Please confirm that this is your email address by opening this link:',
      code: 'Or enter this code in the app:',
      validity: (minutes: number) =>
        `This link is valid for ${duration(minutes, 'en')} and can be used once.`,
      ignore: 'If you did not create this account, you can ignore this email.',
    },
    verify: {
      subject: 'Confirm your email address',
      greeting: (name: string) => `Hello ${name},`,
      intro: 'Please confirm that this is your email address by opening this link:',
      code: 'Or enter this code in the app:',
      validity: (minutes: number) =>
        `This link is valid for ${duration(minutes, 'en')} and can be used once.`,
      ignore: 'If you did not ask for this, you can ignore this email.',
    },
    reset: {
      subject: 'Reset your password',
      greeting: (name: string) => `Hello ${name},`,
      intro: 'Someone asked to reset the password of your HBNB account. To choose a new one, open this link:',
      code: 'Or enter this code in the app:',
      validity: (minutes: number) =>
        `This link is valid for ${duration(minutes, 'en')} and can be used once.`,
      ignore: 'If you did not ask for this, ignore this email: your password stays unchanged.',
    },
  },
  fr: {
    welcome: {
      subject: 'Bienvenue sur HBNB : confirmez votre adresse e-mail',
      greeting: (name: string) => `Bienvenue sur HBNB, ${name} !`,
      intro:
        'Votre compte est prêt. Merci de confirmer que cette adresse e-mail est bien la vôtre en ouvrant ce lien :',
      code: "Ou saisissez ce code dans l'application :",
      validity: (minutes: number) =>
        `Ce lien est valable ${duration(minutes, 'fr')} et ne peut servir qu'une fois.`,
      ignore: "Si vous n'avez pas créé ce compte, vous pouvez ignorer cet e-mail.",
    },
    verify: {
      subject: 'Confirmez votre adresse e-mail',
      greeting: (name: string) => `Bonjour ${name},`,
      intro: 'Merci de confirmer que cette adresse e-mail est bien la vôtre en ouvrant ce lien :',
      code: "Ou saisissez ce code dans l'application :",
      validity: (minutes: number) =>
        `Ce lien est valable ${duration(minutes, 'fr')} et ne peut servir qu'une fois.`,
      ignore: "Si vous n'êtes pas à l'origine de cette demande, vous pouvez ignorer cet e-mail.",
    },
    reset: {
      subject: 'Réinitialisez votre mot de passe',
      greeting: (name: string) => `Bonjour ${name},`,
      intro:
        'Une réinitialisation du mot de passe de votre compte HBNB a été demandée. Pour en choisir un nouveau, ouvrez ce lien :',
      code: "Ou saisissez ce code dans l'application :",
      validity: (minutes: number) =>
        `Ce lien est valable ${duration(minutes, 'fr')} et ne peut servir qu'une fois.`,
      ignore:
        "Si vous n'êtes pas à l'origine de cette demande, ignorez cet e-mail : votre mot de passe reste inchangé.",
    },
  },
}

function duration(minutes: number, locale: UserLocale): string {
  if (minutes % 60 === 0) {
    const hours = minutes / 60
    if (locale === 'fr') return `${hours} heure${hours > 1 ? 's' : ''}`
    return `${hours} hour${hours > 1 ? 's' : ''}`
  }
  return `${minutes} minute${minutes > 1 ? 's' : ''}`
}

function render(copy: Copy, email: LinkEmail): AccountEmail {
  const text = [
    copy.greeting(email.firstName),
    '',
    copy.intro,
    email.link,
    '',
    copy.code,
    email.token,
    '',
    copy.validity(email.validMinutes),
    copy.ignore,
    '',
    '— HBNB',
    '',
  ].join('\n')
  const html = [
    `<p>${escapeHtml(copy.greeting(email.firstName))}</p>`,
    `<p>${escapeHtml(copy.intro)}<br><a href="${escapeHtml(email.link)}">${escapeHtml(email.link)}</a></p>`,
    `<p>${escapeHtml(copy.code)}<br><code>${escapeHtml(email.token)}</code></p>`,
    `<p>${escapeHtml(copy.validity(email.validMinutes))} ${escapeHtml(copy.ignore)}</p>`,
    '<p>— HBNB</p>',
  ].join('\n')
  return { subject: copy.subject, text, html }
}

/** Sent after sign-up: a welcome that carries the email verification link. */
export function welcomeEmail(locale: UserLocale, email: LinkEmail): AccountEmail {
  return render(COPY[locale].welcome, email)
}

export function verificationEmail(locale: UserLocale, email: LinkEmail): AccountEmail {
  return render(COPY[locale].verify, email)
}

export function passwordResetEmail(locale: UserLocale, email: LinkEmail): AccountEmail {
  return render(COPY[locale].reset, email)
}
