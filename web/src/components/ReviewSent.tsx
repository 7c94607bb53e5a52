import type { Booking, StayReviewResult } from '../api/types'
import { useI18n } from '../i18n'
import { Notice } from './ui'

/**
 * What a review dialog shows once its review is sent: `published`, or `pending` (given when the
 * review shows) while it stays hidden until the other side reviews too; then a Done button.
 */
export function ReviewSent({
  booking,
  done,
  published,
  pending,
  onDone,
  testId,
  className,
}: {
  booking: Booking | undefined
  done: StayReviewResult
  published: string
  pending: (when: string) => string
  onDone: () => void
  testId: string
  className?: string | undefined
}) {
  const { t, dateTime } = useI18n()
  return (
    <>
      <Notice kind="success">
        <p className={className} data-testid={testId}>
          {done.visible || !done.visible_from || !booking
            ? published
            : pending(dateTime(done.visible_from, booking.timezone))}
        </p>
      </Notice>
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={onDone}>
          {t('common.done')}
        </button>
      </div>
    </>
  )
}
