// The `notifications` task: emails (and, for a few kinds, texts) the guest and/or host about a
// booking change or a reminder, in each one's language, as each one's preferences allow, and
// stores each as an in-app notification too; emails a conversation's messages left unread. Each
// message is claimed in `sent_messages` by its dedupe key before it is sent, so a redelivered task
// never sends twice; a failed send releases its claim and fails the task, which is retried.

import type { DatesFreedNotification, MessageNotification, Notification } from '../../domain/tasks.js'
import type { MailSender } from '../../infra/mail/port.js'
import type { Delivery } from '../../infra/queue/port.js'
import { SmsDeliveryError, type SmsSender } from '../../infra/sms/port.js'
import type { Logger } from '../../logger.js'
import { counter, startAtZero } from '../../metrics.js'
import type { MessagingRepository } from '../messaging/repository.js'
import type { NotificationCentreService } from './centre-service.js'
import { bookingMessages, type Message, reminderMessages } from './compose.js'
import type { NotificationPreferenceRepository } from './preference-repository.js'
import { type InAppKind, type StoredChoice, wants } from './preferences.js'
import type { NotificationRepository } from './repository.js'
import { datesFreedEmail } from './templates/dates-freed-email.js'
import { localeOf } from './templates/format.js'
import { unreadMessagesEmail, unreadMessagesSms } from './templates/message-emails.js'

/** Unread messages quoted in one email at most (the count covers them all). */
const UNREAD_READ_MAX = 100

/** Emails and text messages by outcome: sent, failed (tried again later), refused for good. */
const messagesSent = counter<'channel' | 'outcome'>(
  'hbnb_messages_sent_total',
  'Emails and text messages handed to their provider (sent), failed (retried) or refused for good, per channel',
  ['channel', 'outcome'],
)
startAtZero(
  messagesSent,
  (['email', 'sms'] as const).flatMap((channel) =>
    (['sent', 'failed', 'refused'] as const).map((outcome) => ({ channel, outcome })),
  ),
)

export interface NotificationServiceDeps {
  repository: NotificationRepository
  preferences: NotificationPreferenceRepository
  conversations: MessagingRepository
  centre: NotificationCentreService
  mail: MailSender
  sms: SmsSender
  logger: Logger
  now: () => number
  options: {
    /** How long a claim holds while its message is being sent (HBNB_TASK_LEASE_SECONDS). */
    claimLeaseMs: number
  }
}

export class NotificationService {
  constructor(private readonly deps: NotificationServiceDeps) {}

  async handle(delivery: Delivery): Promise<void> {
    const payload = delivery.payload as Notification
    if (payload.kind === 'message') return this.unreadMessages(delivery.dedupeKey, payload)
    if (payload.kind === 'dates_freed') return this.datesFreed(delivery.dedupeKey, payload)
    if (payload.kind !== 'booking' && payload.kind !== 'reminder')
      throw new Error(`unknown notification kind "${String((payload as { kind?: unknown }).kind)}"`)
    const booking = await this.deps.repository.bookingContext(payload.booking_id)
    if (!booking) {
      this.deps.logger.warn(
        { booking_id: payload.booking_id },
        'notification for a booking that is gone: skipped',
      )
      return
    }
    const messages =
      payload.kind === 'booking'
        ? bookingMessages(payload.event, booking)
        : reminderMessages(payload.reminder, booking)
    const choices = new Map<string, StoredChoice[]>()
    for (const message of messages) {
      const userId = message.party.id
      if (!choices.has(userId)) choices.set(userId, await this.deps.preferences.choicesOf(userId))
      await this.deliver(`${delivery.dedupeKey}:${message.recipient}`, message, choices.get(userId)!)
      await this.deps.centre.notify({
        userId,
        kind: message.kind as InAppKind,
        text: message.email.subject,
        data: { booking_id: booking.id },
        dedupeKey: `${delivery.dedupeKey}:${message.recipient}:in_app`,
      })
    }
  }

  /**
   * The email (and text, where chosen) about a burst of unread messages, sent only while the
   * burst's first message (`message_id`) is still the recipient's first unread one: none once they
   * read it, and none from a later task of the same burst.
   */
  private async unreadMessages(key: string, payload: MessageNotification): Promise<void> {
    const { conversations } = this.deps
    const context = await conversations.digestContext(payload.conversation_id, payload.recipient_id)
    if (!context) {
      this.deps.logger.warn(
        { conversation_id: payload.conversation_id },
        'unread-message notice for a conversation that is gone: skipped',
      )
      return
    }
    const unread = await conversations.unreadMessages(
      payload.conversation_id,
      payload.recipient_id,
      UNREAD_READ_MAX,
    )
    if (unread[0]?.id !== payload.message_id) return
    const locale = localeOf(context.recipient_locale)
    const input = {
      firstName: context.recipient_first_name,
      senderFirstName: context.sender_first_name,
      placeTitle: context.place_title,
      texts: unread.map((message) => message.body),
    }
    const choices = await this.deps.preferences.choicesOf(payload.recipient_id)
    if (wants(choices, 'email', 'new_message')) {
      const to = context.recipient_email
      await this.once('email', key, to, () =>
        this.deps.mail.send({ to, ...unreadMessagesEmail(locale, input), dedupeKey: key }),
      )
    }
    const phone = context.recipient_phone
    if (phone && wants(choices, 'sms', 'new_message')) {
      await this.once('sms', `${key}:sms`, phone, () =>
        this.deps.sms.send({ to: phone, body: unreadMessagesSms(locale, input), dedupeKey: `${key}:sms` }),
      )
    }
  }

  private async datesFreed(key: string, payload: DatesFreedNotification): Promise<void> {
    const context = await this.deps.repository.datesFreedContext(payload.guest_id, payload.place_id)
    if (context?.place_status !== 'published' || context.place_deleted_at !== null) {
      this.deps.logger.warn(
        { place_id: payload.place_id },
        'dates freed alert for a guest or listing that is gone: skipped',
      )
      return
    }
    const locale = localeOf(context.guest_locale)
    const message: Message = {
      recipient: 'guest',
      party: {
        id: context.guest_id,
        email: context.guest_email,
        firstName: context.guest_first_name,
        locale,
        phone: null,
      },
      kind: 'dates_freed',
      email: datesFreedEmail(locale, {
        firstName: context.guest_first_name,
        placeTitle: context.place_title,
        placeCity: context.place_city,
        nights: payload.nights,
      }),
    }
    await this.deliver(`${key}:guest`, message, await this.deps.preferences.choicesOf(context.guest_id))
  }

  private async deliver(key: string, message: Message, choices: StoredChoice[]): Promise<void> {
    const { party, kind } = message
    if (wants(choices, 'email', kind)) {
      await this.once('email', key, party.email, () =>
        this.deps.mail.send({ to: party.email, ...message.email, dedupeKey: key }),
      )
    }
    // Text messages go to verified numbers only (`party.phone` is null otherwise).
    if (message.sms && party.phone && wants(choices, 'sms', kind)) {
      const body = message.sms
      const phone = party.phone
      await this.once('sms', `${key}:sms`, phone, () =>
        this.deps.sms.send({ to: phone, body, dedupeKey: `${key}:sms` }),
      )
    }
  }

  /** Sends a message unless its key was claimed before; a failed send gives the claim back. */
  private async once(
    channel: 'email' | 'sms',
    key: string,
    to: string,
    send: () => Promise<void>,
  ): Promise<void> {
    const sendingSince = new Date(this.deps.now()).toISOString()
    const claim = await this.deps.repository.claim(key, to, sendingSince, this.deps.options.claimLeaseMs)
    if (claim === 'sent') return
    // Another try is sending it now, or died doing so and its claim has not expired yet: try later.
    if (claim === 'sending') throw new Error(`message ${key} is being sent by another try; will retry`)
    try {
      await send()
    } catch (error) {
      await this.deps.repository.release(key)
      // A number the provider refuses for good (not a passing outage) is not retried.
      if (error instanceof SmsDeliveryError && !error.retryable) {
        messagesSent.inc({ channel, outcome: 'refused' })
        this.deps.logger.warn(
          { err: error, dedupe_key: key },
          'text message refused by the provider: dropped',
        )
        return
      }
      messagesSent.inc({ channel, outcome: 'failed' })
      throw error
    }
    messagesSent.inc({ channel, outcome: 'sent' })
    await this.deps.repository.markSent(key)
    this.deps.logger.info({ dedupe_key: key }, 'message sent')
  }
}
