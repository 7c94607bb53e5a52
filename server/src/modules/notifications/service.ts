// The `notifications` task: emails the guest and/or host about a booking change. Each email is
// claimed in `sent_messages` by its dedupe key before it is sent, so a redelivered task never
// emails twice; a failed send releases its claim and fails the task, which is retried.
import type { MailSender } from '../../infra/mail/port.js'
import type { Delivery } from '../../infra/queue/port.js'
import type { BookingNotification } from '../../jobs/tasks.js'
import type { Logger } from '../../logger.js'
import { bookingDrafts, render } from './messages.js'
import type { NotificationRepository } from './repository.js'

export class NotificationService {
  constructor(
    private readonly repository: NotificationRepository,
    private readonly mail: MailSender,
    private readonly logger?: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async handle(delivery: Delivery): Promise<void> {
    const payload = delivery.payload as BookingNotification
    if (payload.kind !== 'booking') throw new Error(`unknown notification kind "${String(payload.kind)}"`)
    const booking = await this.repository.bookingContext(payload.booking_id)
    if (!booking) {
      this.logger?.warn(
        { booking_id: payload.booking_id },
        'notification for a booking that is gone: skipped',
      )
      return
    }
    for (const draft of bookingDrafts(payload.event, booking)) {
      const to = draft.recipient === 'guest' ? booking.guest_email : booking.host_email
      const key = `${delivery.dedupeKey}:${draft.recipient}`
      if (!(await this.repository.claim(key, to, new Date(this.now()).toISOString()))) continue
      try {
        await this.mail.send({ to, ...render(draft), dedupeKey: key })
      } catch (error) {
        await this.repository.release(key)
        throw error
      }
      this.logger?.info({ dedupe_key: key, event: payload.event }, 'email sent')
    }
  }
}
