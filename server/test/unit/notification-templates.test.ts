// Every message template, in English and French: subject, plain text and HTML, with user input
// escaped in HTML, dates as the listing's local dates and money with its currency.
import { describe, expect, it } from 'vitest'
import type { BookingEvent } from '../../src/domain/tasks.js'
import { passwordResetEmail, verificationEmail, welcomeEmail } from '../../src/modules/auth/account-emails.js'
import { preferencesOf, wants } from '../../src/modules/notifications/preferences.js'
import { bookingEmail, RECIPIENTS } from '../../src/modules/notifications/templates/booking-emails.js'
import { datesFreedEmail } from '../../src/modules/notifications/templates/dates-freed-email.js'
import type { Locale, RenderedEmail } from '../../src/modules/notifications/templates/format.js'
import {
  checkInReminderEmail,
  reviewReminderEmail,
} from '../../src/modules/notifications/templates/reminder-emails.js'
import { bookingSms, phoneCodeSms } from '../../src/modules/notifications/templates/sms.js'
import type { StayFacts } from '../../src/modules/notifications/templates/stay.js'

const HOSTILE = '<script>alert("x")</script> & Co'

const stay: StayFacts = {
  bookingId: '0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000',
  placeTitle: `Loft ${HOSTILE}`,
  placeCity: 'Nice',
  checkIn: '2030-05-03',
  checkOut: '2030-05-05',
  checkInTime: '15:00',
  checkOutTime: '11:00',
  timezone: 'Europe/Paris',
  guests: 2,
  totalMinor: 123450,
  currency: 'EUR',
}

const EVENTS: BookingEvent[] = ['requested', 'confirmed', 'accepted', 'declined', 'cancelled', 'expired']
const LOCALES: Locale[] = ['en', 'fr']

/** A rendered email is complete, and no user input reaches its HTML unescaped. */
function expectWellFormed(email: RenderedEmail) {
  expect(email.subject.length).toBeGreaterThan(5)
  expect(email.text.length).toBeGreaterThan(20)
  expect(email.html).toMatch(/^<!doctype html>|^<p>/)
  expect(email.html).not.toContain('<script>')
  expect(email.html).not.toMatch(/"x"|& Co/)
}

describe('booking emails', () => {
  for (const locale of LOCALES) {
    for (const event of EVENTS) {
      for (const recipient of RECIPIENTS[event]) {
        it(`renders ${event} to the ${recipient} in ${locale}`, () => {
          const email = bookingEmail(locale, {
            event,
            recipient,
            firstName: `Ana ${HOSTILE}`,
            stay,
            cancelledBy: 'guest',
            refundMinor: 5000,
          })
          expectWellFormed(email)
          expect(email.subject).toContain(stay.placeTitle)
          expect(email.text).toContain(stay.bookingId)
          expect(email.html).toContain('Loft &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co')
          if (locale === 'en') {
            expect(email.text).toContain(`Hello Ana ${HOSTILE},`)
            expect(email.text).toContain('from Friday, May 3, 2030 to Sunday, May 5, 2030, 2 guests')
            expect(email.text).toContain('total €1,234.50')
            expect(email.text).toContain(
              'Check-in from 15:00, check-out until 11:00 (local time, Europe/Paris)',
            )
          } else {
            expect(email.text).toContain(`Bonjour Ana ${HOSTILE},`)
            expect(email.text).toContain('du vendredi 3 mai 2030 au dimanche 5 mai 2030, 2 voyageurs')
            expect(email.text).toMatch(/total 1\s234,50\s€/)
            expect(email.text).toContain('Arrivée à partir de 15:00, départ avant 11:00')
          }
        })
      }
    }
  }

  it('tells the guest who cancelled and what comes back', () => {
    const input = { event: 'cancelled' as const, firstName: 'Ana', stay, refundMinor: 5000 }
    const byHost = bookingEmail('en', { ...input, recipient: 'guest', cancelledBy: 'host' })
    expect(byHost.text).toContain('The host cancelled your booking.')
    expect(byHost.text).toContain('Refund: €50.00.')
    const toHost = bookingEmail('fr', { ...input, recipient: 'host', cancelledBy: 'guest' })
    expect(toHost.text).toContain('Le voyageur a annulé cette réservation')
    expect(toHost.text).not.toContain('Remboursement')
  })

  it('says different things in English and French', () => {
    const input = { event: 'confirmed' as const, recipient: 'guest' as const, firstName: 'Ana', stay }
    const en = bookingEmail('en', { ...input, cancelledBy: null, refundMinor: null })
    const fr = bookingEmail('fr', { ...input, cancelledBy: null, refundMinor: null })
    expect(en.subject).toBe(`Your booking at ${stay.placeTitle} is confirmed`)
    expect(fr.subject).toBe(`Votre réservation pour ${stay.placeTitle} est confirmée`)
  })
})

describe('reminder emails', () => {
  const input = (recipient: 'guest' | 'host') => ({
    recipient,
    firstName: 'Ana',
    otherFirstName: `Gus ${HOSTILE}`,
    stay,
  })

  for (const locale of LOCALES) {
    it(`renders the check-in reminder in ${locale}`, () => {
      const email = checkInReminderEmail(locale, input('guest'))
      expectWellFormed(email)
      expect(email.subject).toBe(
        locale === 'en'
          ? `Reminder: your stay at ${stay.placeTitle} begins on Friday, May 3, 2030`
          : `Rappel : votre séjour à ${stay.placeTitle} commence le vendredi 3 mai 2030`,
      )
      expect(email.text).toContain(
        locale === 'en' ? 'check-in is from 15:00 (local time, Europe/Paris)' : 'arrivée à partir de 15:00',
      )
    })

    it(`renders the review reminders of both sides in ${locale}`, () => {
      const guest = reviewReminderEmail(locale, input('guest'))
      const host = reviewReminderEmail(locale, input('host'))
      expectWellFormed(guest)
      expectWellFormed(host)
      expect(host.html).toContain('Gus &lt;script&gt;')
      // The review window closes 14 days after check-out.
      expect(guest.text).toContain(locale === 'en' ? 'Sunday, May 19, 2030' : 'dimanche 19 mai 2030')
      expect(guest.subject).toBe(
        locale === 'en'
          ? `How was your stay at ${stay.placeTitle}?`
          : `Comment s'est passé votre séjour à ${stay.placeTitle} ?`,
      )
    })
  }
})

describe('account emails', () => {
  const link = {
    firstName: `Ana ${HOSTILE}`,
    link: 'https://hbnb.test/verify-email?token=t&x=1',
    token: 't',
    validMinutes: 60,
  }
  for (const locale of LOCALES) {
    for (const [name, template] of [
      ['welcome', welcomeEmail],
      ['verification', verificationEmail],
      ['password reset', passwordResetEmail],
    ] as const) {
      it(`renders the ${name} email in ${locale}`, () => {
        const email = template(locale, link)
        expect(email.subject.length).toBeGreaterThan(5)
        expect(email.text).toContain(link.link)
        expect(email.html).toContain('href="https://hbnb.test/verify-email?token=t&amp;x=1"')
        expect(email.html).not.toContain('<script>')
        expect(email.text).toContain(locale === 'en' ? '1 hour' : '1 heure')
      })
    }
  }

  it('welcomes in the user’s language', () => {
    const link = { firstName: 'Ana', link: 'https://x.test', token: 't', validMinutes: 60 }
    expect(welcomeEmail('en', link).subject).toBe('Welcome to HBNB: confirm your email address')
    expect(welcomeEmail('fr', link).subject).toBe('Bienvenue sur HBNB : confirmez votre adresse e-mail')
  })
})

describe('text messages', () => {
  it('are short, in English and French, for the three kinds and the verification code', () => {
    for (const locale of LOCALES) {
      for (const kind of ['booking_requested', 'booking_confirmed', 'check_in_reminder'] as const) {
        const text = bookingSms(locale, kind, { ...stay, placeTitle: 'Sea loft' })
        expect(text.length).toBeLessThanOrEqual(160)
        expect(text).toContain('Sea loft')
      }
    }
    expect(bookingSms('en', 'booking_confirmed', stay)).toContain('May 3–May 5')
    expect(bookingSms('fr', 'booking_confirmed', stay)).toContain('du 3 mai au 5 mai')
    expect(phoneCodeSms('en', '012345', 10)).toBe(
      'HBNB: your verification code is 012345. It expires in 10 min. Never share it.',
    )
    expect(phoneCodeSms('fr', '012345', 10)).toContain('votre code de vérification est 012345')
  })
})

describe('notification preferences', () => {
  it('has every kind on by default and keeps security emails on whatever is stored', () => {
    const defaults = preferencesOf([])
    expect(Object.values(defaults.email).every(Boolean)).toBe(true)
    expect(defaults.sms).toEqual({
      booking_requested: true,
      booking_confirmed: true,
      check_in_reminder: true,
      new_message: true,
    })
    expect(Object.values(defaults.in_app).every(Boolean)).toBe(true)
    const choices = [
      { channel: 'email' as const, kind: 'security', enabled: 0 },
      { channel: 'email' as const, kind: 'review_reminder', enabled: 0 },
      { channel: 'sms' as const, kind: 'booking_confirmed', enabled: 0 },
    ]
    expect(wants(choices, 'email', 'security')).toBe(true)
    expect(wants(choices, 'email', 'review_reminder')).toBe(false)
    expect(wants(choices, 'email', 'booking_confirmed')).toBe(true)
    expect(wants(choices, 'sms', 'booking_confirmed')).toBe(false)
    expect(wants(choices, 'sms', 'review_reminder')).toBe(false)
    expect(wants(choices, 'in_app', 'review_reminder')).toBe(true)
    expect(wants([{ channel: 'in_app', kind: 'new_message', enabled: 0 }], 'in_app', 'new_message')).toBe(
      false,
    )
  })
})

describe('dates freed email', () => {
  const nights = Array.from({ length: 16 }, (_, i) => `2030-06-${String(i + 1).padStart(2, '0')}`)

  it('names the listing and its free nights in the reader’s language, escaped in HTML', () => {
    const en = datesFreedEmail('en', {
      firstName: 'Ana',
      placeTitle: `Loft ${HOSTILE}`,
      placeCity: 'Nice',
      nights: nights.slice(0, 2),
    })
    expectWellFormed(en)
    expect(en.subject).toBe(`Dates at Loft ${HOSTILE} are free again`)
    expect(en.text).toContain('Free nights: Saturday, June 1, 2030, Sunday, June 2, 2030')
    const fr = datesFreedEmail('fr', {
      firstName: 'Ana',
      placeTitle: 'Loft',
      placeCity: 'Nice',
      nights: nights.slice(0, 1),
    })
    expectWellFormed(fr)
    expect(fr.subject).toBe('Des dates se libèrent à Loft')
    expect(fr.text).toContain('Nuits libres : samedi 1 juin 2030')
  })

  it('lists at most 14 nights and counts the rest', () => {
    const email = datesFreedEmail('en', { firstName: 'Ana', placeTitle: 'Loft', placeCity: 'Nice', nights })
    expect(email.text).toContain('Friday, June 14, 2030, and 2 more')
    expect(email.text).not.toContain('June 15')
  })

  it('is a preference of its own, on by default', () => {
    expect(preferencesOf([]).email.dates_freed).toBe(true)
    expect(wants([{ channel: 'email', kind: 'dates_freed', enabled: 0 }], 'email', 'dates_freed')).toBe(false)
  })
})
