// Which messages a user gets, by channel and kind. Every kind is on by default (SMS go only to a
// verified number); security emails (welcome/verification, password reset) cannot be turned off.
// `in_app` is the notification centre of the web client (stored, listed, pushed live).
import type { NotificationChannel } from '../../db/schema.js'
import type { BookingEvent } from '../../domain/tasks.js'

export const EMAIL_KINDS = [
  'security',
  'booking_requested',
  'booking_confirmed',
  'booking_declined',
  'booking_cancelled',
  'booking_expired',
  'check_in_reminder',
  'review_reminder',
  'new_message',
  'dates_freed',
] as const
export const SMS_KINDS = [
  'booking_requested',
  'booking_confirmed',
  'check_in_reminder',
  'new_message',
] as const
export const IN_APP_KINDS = [
  'booking_requested',
  'booking_confirmed',
  'booking_declined',
  'booking_cancelled',
  'booking_expired',
  'check_in_reminder',
  'review_reminder',
  'new_message',
  'review_received',
  'account',
] as const

export type EmailKind = (typeof EMAIL_KINDS)[number]
export type SmsKind = (typeof SMS_KINDS)[number]
export type InAppKind = (typeof IN_APP_KINDS)[number]
export type MessageKind = EmailKind | SmsKind | InAppKind

export const CHANNELS: readonly NotificationChannel[] = ['email', 'sms', 'in_app']

export const KINDS: Record<NotificationChannel, readonly string[]> = {
  email: EMAIL_KINDS,
  sms: SMS_KINDS,
  in_app: IN_APP_KINDS,
}

/** Kinds that stay on whatever the user asks, per channel. */
export const LOCKED: Record<NotificationChannel, readonly string[]> = {
  email: ['security'],
  sms: [],
  in_app: [],
}

/** Kinds that are off until the user turns them on (marketing-like messages would go here). */
const OFF_BY_DEFAULT: Record<NotificationChannel, readonly string[]> = { email: [], sms: [], in_app: [] }

/** The preference kind that governs the messages about a booking event. */
export const KIND_OF_EVENT: Record<BookingEvent, EmailKind> = {
  requested: 'booking_requested',
  confirmed: 'booking_confirmed',
  accepted: 'booking_confirmed',
  declined: 'booking_declined',
  cancelled: 'booking_cancelled',
  expired: 'booking_expired',
}

export interface Preferences {
  email: Record<EmailKind, boolean>
  sms: Record<SmsKind, boolean>
  in_app: Record<InAppKind, boolean>
}

export interface StoredChoice {
  channel: NotificationChannel
  kind: string
  enabled: number
}

/** The defaults with the user's stored choices applied (locked kinds stay on). */
export function preferencesOf(choices: StoredChoice[]): Preferences {
  const pick = (channel: NotificationChannel) =>
    Object.fromEntries(
      KINDS[channel].map((kind) => {
        if (LOCKED[channel].includes(kind)) return [kind, true]
        const stored = choices.find((c) => c.channel === channel && c.kind === kind)
        return [kind, stored ? stored.enabled === 1 : !OFF_BY_DEFAULT[channel].includes(kind)]
      }),
    )
  return {
    email: pick('email') as Preferences['email'],
    sms: pick('sms') as Preferences['sms'],
    in_app: pick('in_app') as Preferences['in_app'],
  }
}

/** Whether a user with these choices gets a message of this kind on this channel. */
export function wants(choices: StoredChoice[], channel: NotificationChannel, kind: MessageKind): boolean {
  const preferences = preferencesOf(choices)[channel] as Record<string, boolean>
  return preferences[kind] === true
}
