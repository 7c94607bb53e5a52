import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api, unwrap } from '../../api/client'
import type { Booking } from '../../api/types'
import { BookingSummary } from '../../components/BookingSummary'
import { CancelDialog } from '../../components/CancelDialog'
import { Empty, ErrorBox, PageHeading, Skeleton } from '../../components/ui'
import { useI18n } from '../../i18n'
import { todayIn } from '../../lib/dates'
import { useSession, useTitle } from '../../lib/hooks'
import { Link } from '../../lib/router'
import { NeedLogin } from '../NotFound'

export default function Reservations() {
  const { t } = useI18n()
  const { session } = useSession()
  const [cancelling, setCancelling] = useState<Booking>()
  useTitle(t('reservations.title'))
  const bookings = useQuery({
    queryKey: ['bookings', 'host', session?.user.id],
    queryFn: () => unwrap(api.GET('/api/v1/bookings', { params: { query: { role: 'host', limit: 200 } } })),
    enabled: Boolean(session),
  })
  if (!session) return <NeedLogin />
  const all = bookings.data ?? []
  const pending = all.filter((b) => b.status === 'pending')
  const upcoming = all
    .filter((b) => b.status === 'confirmed' && b.check_out >= todayIn(b.timezone))
    .sort((a, b) => a.check_in.localeCompare(b.check_in))
  const other = all.filter((b) => !pending.includes(b) && !upcoming.includes(b))
  return (
    <div className="container section">
      <p>
        <Link to="/host">← {t('host.title')}</Link>
      </p>
      <PageHeading>{t('reservations.title')}</PageHeading>
      {bookings.isPending && <Skeleton lines={4} />}
      {bookings.error && <ErrorBox error={bookings.error} onRetry={() => bookings.refetch()} />}
      {bookings.data && all.length === 0 && <Empty title={t('reservations.empty')} />}
      {pending.length > 0 && (
        <section className="section-tight" aria-labelledby="pending-title">
          <h2 id="pending-title">{t('reservations.pending', { count: pending.length })}</h2>
          <div className="booking-list">
            {pending.map((booking) => (
              <PendingRequest key={booking.id} booking={booking} />
            ))}
          </div>
        </section>
      )}
      {upcoming.length > 0 && (
        <section className="section-tight" aria-labelledby="upcoming-title">
          <h2 id="upcoming-title">{t('reservations.upcoming')}</h2>
          <div className="booking-list">
            {upcoming.map((booking) => (
              <BookingSummary key={booking.id} booking={booking} host>
                {booking.check_in >= todayIn(booking.timezone) && (
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    onClick={() => setCancelling(booking)}
                  >
                    {t('trips.cancel')}
                  </button>
                )}
              </BookingSummary>
            ))}
          </div>
        </section>
      )}
      {other.length > 0 && (
        <section className="section-tight" aria-labelledby="other-title">
          <h2 id="other-title">{t('reservations.other')}</h2>
          <div className="booking-list">
            {other.map((booking) => (
              <BookingSummary key={booking.id} booking={booking} host />
            ))}
          </div>
        </section>
      )}
      <CancelDialog booking={cancelling} onClose={() => setCancelling(undefined)} host />
    </div>
  )
}

function PendingRequest({ booking }: { booking: Booking }) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const answer = useMutation({
    mutationFn: (action: 'accept' | 'decline') =>
      unwrap(
        action === 'accept'
          ? api.POST('/api/v1/bookings/{id}/accept', { params: { path: { id: booking.id } } })
          : api.POST('/api/v1/bookings/{id}/decline', { params: { path: { id: booking.id } } }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['bookings'] }),
  })
  return (
    <BookingSummary booking={booking} host>
      <button
        type="button"
        className="btn btn-primary btn-small"
        disabled={answer.isPending}
        onClick={() => answer.mutate('accept')}
      >
        {t('reservations.accept')}
      </button>
      <button
        type="button"
        className="btn btn-ghost btn-small"
        disabled={answer.isPending}
        onClick={() => answer.mutate('decline')}
      >
        {t('reservations.decline')}
      </button>
      {answer.error && <ErrorBox error={answer.error} />}
    </BookingSummary>
  )
}
