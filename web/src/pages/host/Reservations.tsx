import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { api, unwrap } from '../../api/client'
import { bookingQueries } from '../../api/queries/bookings'
import type { Booking } from '../../api/types'
import { BookingSummary, guestName } from '../../components/BookingSummary'
import { CancelDialog } from '../../components/CancelDialog'
import { RatingInput } from '../../components/RatingInput'
import { ReviewSent } from '../../components/ReviewSent'
import { Dialog, Empty, ErrorBox, Field, PageHeading, Skeleton } from '../../components/ui'
import { useI18n } from '../../i18n'
import { todayIn } from '../../lib/dates'
import { useSession, useTitle } from '../../lib/hooks'
import { paths } from '../../lib/paths'
import { reviewUntil, type StayReviewDialogProps, useStayReview } from '../../lib/reviews'
import { Link } from '../../lib/router'
import { NeedLogin } from '../NotFound'

const REVIEW_TEXT_MAX = 5000

export default function Reservations() {
  const { t, date } = useI18n()
  const { session } = useSession()
  const [cancelling, setCancelling] = useState<Booking>()
  const [reviewing, setReviewing] = useState<Booking>()
  // Guests reviewed on this page since the list was loaded (the list says `reviewed.by_host`).
  const [reviewed, setReviewed] = useState<ReadonlySet<string>>(new Set())
  useTitle(t('reservations.title'))
  const bookings = useQuery({ ...bookingQueries.asHost(session?.user.id), enabled: Boolean(session) })
  if (!session) return <NeedLogin />
  const all = bookings.data ?? []
  const pending = all.filter((b) => b.status === 'pending')
  const upcoming = all
    .filter((b) => b.status === 'confirmed' && b.check_out >= todayIn(b.timezone))
    .sort((a, b) => a.check_in.localeCompare(b.check_in))
  // Most recent first: finished stays still to review come before older ones.
  const other = all
    .filter((b) => !pending.includes(b) && !upcoming.includes(b))
    .sort((a, b) => b.check_out.localeCompare(a.check_out))
  return (
    <div className="container section">
      <p>
        <Link to={paths.host()}>← {t('host.title')}</Link>
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
            {other.map((booking) => {
              const until = reviewUntil(booking)
              const done = booking.reviewed.by_host || reviewed.has(booking.id)
              return (
                <BookingSummary key={booking.id} booking={booking} host>
                  {booking.status === 'completed' && done && (
                    <span className="review-sent" tabIndex={-1}>
                      <span aria-hidden="true">✓ </span>
                      {t('hostReview.done')}
                    </span>
                  )}
                  {!done && until && (
                    <>
                      <button
                        type="button"
                        className="btn btn-primary btn-small"
                        aria-label={t('hostReview.actionFor', { name: guestName(booking) })}
                        onClick={() => setReviewing(booking)}
                      >
                        {t('hostReview.action')}
                      </button>
                      <span className="muted small">{t('hostReview.until', { date: date(until) })}</span>
                    </>
                  )}
                </BookingSummary>
              )
            })}
          </div>
        </section>
      )}
      <CancelDialog booking={cancelling} onClose={() => setCancelling(undefined)} host />
      <GuestReviewDialog
        booking={reviewing}
        onClose={() => {
          const id = reviewing?.id
          setReviewing(undefined)
          // The button that opened the dialog is gone once the guest is reviewed: focus its mark.
          if (id) {
            requestAnimationFrame(() => {
              const mark = document.querySelector<HTMLElement>(`[data-booking="${id}"] .review-sent`)
              mark?.focus()
            })
          }
        }}
        onReviewed={(id) => setReviewed((ids) => new Set(ids).add(id))}
      />
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
    onSuccess: () => queryClient.invalidateQueries({ queryKey: bookingQueries.all() }),
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

/** The host reviews the guest of a finished stay: an overall rating and a text (POST /bookings/{id}/review). */
function GuestReviewDialog({ booking, onClose, onReviewed }: StayReviewDialogProps) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const [rating, setRating] = useState(5)
  const [text, setText] = useState('')
  const [problem, setProblem] = useState<string>()
  const name = booking ? guestName(booking) : ''
  const { send, done, reset } = useStayReview(booking, onReviewed)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const wrong = text.trim() ? undefined : t('hostReview.textRequired')
    setProblem(wrong)
    if (!wrong) send.mutate({ rating, text: text.trim() })
  }
  const close = () => {
    if (done) void queryClient.invalidateQueries({ queryKey: bookingQueries.all() })
    reset()
    setText('')
    setRating(5)
    setProblem(undefined)
    onClose()
  }
  return (
    <Dialog open={Boolean(booking)} title={t('hostReview.title', { name })} onClose={close}>
      {done ? (
        <ReviewSent
          booking={booking}
          done={done}
          published={t('hostReview.published', { name })}
          pending={(when) => t('hostReview.pending', { name, when })}
          onDone={close}
          testId="guest-review-sent"
        />
      ) : (
        <form onSubmit={submit} className="form" noValidate>
          <p className="muted small">{t('hostReview.intro', { name })}</p>
          <RatingInput
            name="guest-rating"
            label={t('hostReview.rating')}
            value={rating}
            onChange={setRating}
          />
          <Field label={t('hostReview.text', { name })} error={problem} hint={t('hostReview.textHint')}>
            {(props) => (
              <textarea
                {...props}
                name="text"
                rows={4}
                required
                maxLength={REVIEW_TEXT_MAX}
                value={text}
                onChange={(event) => {
                  setText(event.target.value)
                  if (problem && event.target.value.trim()) setProblem(undefined)
                }}
              />
            )}
          </Field>
          {send.error && <ErrorBox error={send.error} />}
          <div className="dialog-actions">
            <button type="button" className="btn btn-ghost" onClick={close}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={send.isPending}>
              {send.isPending ? t('hostReview.sending') : t('hostReview.send')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  )
}
