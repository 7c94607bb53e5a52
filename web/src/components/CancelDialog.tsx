import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { bookingQueries } from '../api/queries/bookings'
import type { Booking } from '../api/types'
import { useI18n } from '../i18n'
import { guestName } from './BookingSummary'
import { Dialog, ErrorBox, Loading } from './ui'

/** Cancelling a booking: the refund is shown first, then the person confirms. */
export function CancelDialog({
  booking,
  onClose,
  host,
}: {
  booking: Booking | undefined
  onClose: () => void
  /** The host cancels (their reservations) rather than the guest. */
  host?: boolean
}) {
  const { t, moneyMinor, date } = useI18n()
  const queryClient = useQueryClient()
  const preview = useQuery({ ...bookingQueries.cancellation(booking?.id ?? ''), enabled: Boolean(booking) })
  const cancel = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/bookings/{id}/cancel', { params: { path: { id: booking!.id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: bookingQueries.all() })
      onClose()
    },
  })
  const p = preview.data
  return (
    <Dialog open={Boolean(booking)} title={t('trips.cancelTitle')} onClose={onClose}>
      {booking && (
        <div className="cancel-dialog">
          <p>
            <strong>{booking.place.title}</strong>
            <br />
            {date(booking.check_in)} → {date(booking.check_out)}
            {host && (
              <>
                <br />
                {t('reservations.guest', { name: guestName(booking) })}
              </>
            )}
          </p>
          {preview.isPending && <Loading label={t('trips.computingRefund')} />}
          {preview.error && <ErrorBox error={preview.error} onRetry={() => preview.refetch()} />}
          {p && (
            <div className="refund" data-testid="refund">
              {p.cancelled_by === 'host' ? (
                <>
                  <p className="refund-amount">
                    {t('reservations.refund', {
                      name: booking.guest.first_name,
                      amount: moneyMinor(p.refund_minor, p.currency),
                    })}
                  </p>
                  <p className="muted">{t('reservations.refundDetail')}</p>
                </>
              ) : (
                <>
                  <p className="refund-amount">
                    {t('trips.refund', { amount: moneyMinor(p.refund_minor, p.currency) })}
                  </p>
                  <p className="muted">
                    {t('trips.refundDetail', {
                      percent: p.percent,
                      total: moneyMinor(p.total_minor, p.currency),
                      policy: t(`policy.${booking.cancellation_policy}` as 'policy.flexible'),
                    })}
                  </p>
                </>
              )}
            </div>
          )}
          {cancel.error && <ErrorBox error={cancel.error} />}
          <div className="dialog-actions">
            <button type="button" className="btn btn-ghost" onClick={onClose}>
              {t('trips.keep')}
            </button>
            <button
              type="button"
              className="btn btn-danger"
              disabled={!p || cancel.isPending}
              onClick={() => cancel.mutate()}
            >
              {cancel.isPending ? t('trips.cancelling') : t('trips.confirmCancel')}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  )
}
