import Type from 'typebox'
import { EMAIL_KINDS, SMS_KINDS } from './preferences.js'

const DESCRIPTIONS: Record<string, string> = {
  security: 'Welcome and address verification, password reset (always on)',
  booking_requested: 'A booking request was sent (guest) or received (host)',
  booking_confirmed: 'A booking was confirmed or a request accepted',
  booking_declined: 'A booking request was declined',
  booking_cancelled: 'A booking was cancelled',
  booking_expired: 'A booking request expired unanswered',
  check_in_reminder: 'Reminder a day before check-in (guest)',
  review_reminder: 'Reminder to review a finished stay',
}

function switches(kinds: readonly string[], optional: boolean) {
  return Object.fromEntries(
    kinds.map((kind) => {
      const value = Type.Boolean({ description: DESCRIPTIONS[kind] })
      return [kind, optional ? Type.Optional(value) : value]
    }),
  )
}

export const NotificationPreferences = Type.Object({
  email: Type.Object(switches(EMAIL_KINDS, false)),
  sms: Type.Object(switches(SMS_KINDS, false), {
    description: 'Text messages, sent only once a phone number is verified',
  }),
  phone: Type.Union([Type.String(), Type.Null()], {
    description: 'The verified phone number text messages go to (null: none)',
  }),
})

export const NotificationPreferencesBody = Type.Object({
  email: Type.Optional(Type.Object(switches(EMAIL_KINDS, true))),
  sms: Type.Optional(Type.Object(switches(SMS_KINDS, true))),
})
