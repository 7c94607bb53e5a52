import * as Type from '../../json-schema.js'
import { EMAIL_KINDS, IN_APP_KINDS, SMS_KINDS } from './preferences.js'

const DESCRIPTIONS: Record<string, string> = {
  security: 'Welcome and address verification, password reset (always on)',
  booking_requested: 'A booking request was sent (guest) or received (host)',
  booking_confirmed: 'A booking was confirmed or a request accepted',
  booking_declined: 'A booking request was declined',
  booking_cancelled: 'A booking was cancelled',
  booking_expired: 'A booking request expired unanswered',
  check_in_reminder: 'Reminder a day before check-in (guest)',
  review_reminder: 'Reminder to review a finished stay',
  new_message: 'A message in a conversation (email and SMS: only when left unread for a while)',
  review_received: 'Someone reviewed your place or your stay',
  account: 'Changes to your account (password changed, email address verified)',
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
  in_app: Type.Object(switches(IN_APP_KINDS, false), {
    description: 'The notification centre of the web client (GET /api/v1/notifications)',
  }),
  phone: Type.Union([Type.String(), Type.Null()], {
    description: 'The verified phone number text messages go to (null: none)',
  }),
})

export const NotificationPreferencesBody = Type.Object({
  email: Type.Optional(Type.Object(switches(EMAIL_KINDS, true))),
  sms: Type.Optional(Type.Object(switches(SMS_KINDS, true))),
  in_app: Type.Optional(Type.Object(switches(IN_APP_KINDS, true))),
})

export const InAppNotification = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: `One of: ${IN_APP_KINDS.join(', ')}` }),
  text: Type.String({ description: "One line in the user's language; plain text, to be escaped by clients" }),
  data: Type.Record(Type.String(), Type.Unknown(), {
    description: 'The ids it is about: booking_id, conversation_id, message_id, place_id, review_id',
  }),
  read: Type.Boolean(),
  read_at: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
})

export const UnreadCount = Type.Object({ unread: Type.Integer() })

export const ReadAllResponse = Type.Object({
  marked: Type.Integer({ description: 'Notifications marked read now' }),
  unread: Type.Integer(),
})
