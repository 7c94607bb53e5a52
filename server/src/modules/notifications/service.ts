// The `notifications` task: emails (and, for a few kinds, texts) the guest and/or host about a
// booking change or a reminder, in each one's language, as each one's preferences allow. Each
// message is claimed in `sent_messages` by its dedupe key before it is sent, so a redelivered task
// never sends twice; a failed send releases its claim and fails the task, which is retried.

import type { DatesFreedNotification, Notification } from '../../domain/tasks.js'
import type { MailSender } from '../../infra/mail/port.js'
import type { Delivery } from '../../infra/queue/port.js'
import { SmsDeliveryError, type SmsSender } from '../../infra/sms/port.js'
import type { Logger } from '../../logger.js'
import { bookingMessages, type Message, reminderMessages } from './compose.js'
import type { NotificationPreferenceRepository } from './preference-repository.js'
import { type StoredChoice, wants } from './preferences.js'
import type { NotificationRepository } from './repository.js'
import { datesFreedEmail } from './templates/dates-freed-email.js'
import { localeOf } from './templates/format.js'

export interface NotificationServiceDeps {
  repository: NotificationRepository
  preferences: NotificationPreferenceRepository
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
      await this.once(key, party.email, () =>
        this.deps.mail.send({ to: party.email, ...message.email, dedupeKey: key }),
      )
    }
    // Text messages go to verified numbers only (`party.phone` is null otherwise).
    if (message.sms && party.phone && wants(choices, 'sms', kind)) {
      const body = message.sms
      const phone = party.phone
      await this.once(`${key}:sms`, phone, () =>
        this.deps.sms.send({ to: phone, body, dedupeKey: `${key}:sms` }),
      )
    }
  }

  /** Sends a message unless its key was claimed before; a failed send gives the claim back. */
  private async once(key: string, to: string, send: () => Promise<void>): Promise<void> {
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
        this.deps.logger.warn(
          { err: error, dedupe_key: key },
          'text message refused by the provider: dropped',
        )
        return
      }
      throw error
    }
    await this.deps.repository.markSent(key)
    this.deps.logger.info({ dedupe_key: key }, 'message sent')
  }
}
