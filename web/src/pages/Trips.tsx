import { useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { bookingQueries } from '../api/queries/bookings'
import { placeQueries } from '../api/queries/places'
import type { Booking } from '../api/types'
import { BookingSummary } from '../components/BookingSummary'
import { CancelDialog } from '../components/CancelDialog'
import { RatingInput } from '../components/RatingInput'
import { ReviewSent } from '../components/ReviewSent'
import { Dialog, Empty, ErrorBox, Notice, PageHeading, Skeleton, UrlTabs } from '../components/ui'
import { type MessageKey, useI18n } from '../i18n'
import { todayIn } from '../lib/dates'
import { useSession, useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
import { reviewUntil, type StayReviewDialogProps, useStayReview } from '../lib/reviews'
import { Link, useSearchParams } from '../lib/router'
import { NeedLogin } from './NotFound'

type Tab = 'upcoming' | 'past' | 'cancelled'

function tabOf(booking: Booking, today: string): Tab {
  if (['cancelled', 'declined', 'expired'].includes(booking.status)) return 'cancelled'
  if (booking.status === 'completed' || booking.check_out < today) return 'past'
  return 'upcoming'
}

export default function Trips() {
  const { t, date } = useI18n()
  const { session } = useSession()
  const params = useSearchParams()
  const tab = (params.get('tab') as Tab | null) ?? 'upcoming'
  const [cancelling, setCancelling] = useState<Booking>()
  const [reviewing, setReviewing] = useState<Booking>()
  // Stays reviewed on this page since the list was loaded (the list says `reviewed.by_guest`).
  const [reviewed, setReviewed] = useState<ReadonlySet<string>>(new Set())
  useTitle(t('trips.title'))
  const bookings = useQuery({ ...bookingQueries.asGuest(session?.user.id), enabled: Boolean(session) })
  if (!session) return <NeedLogin />
  const booked = params.get('booked')
  const justBooked = bookings.data?.find((b) => b.id === booked)
  const today = todayIn()
  const shown = (bookings.data ?? [])
    .filter((b) => tabOf(b, todayIn(b.timezone) ?? today) === tab)
    .sort((a, b) =>
      tab === 'upcoming' ? a.check_in.localeCompare(b.check_in) : b.check_in.localeCompare(a.check_in),
    )
  return (
    <div className="container section">
      <PageHeading>{t('trips.title')}</PageHeading>
      {justBooked && (
        <Notice kind="success">
          {justBooked.status === 'confirmed'
            ? t('trips.bookedConfirmed', { place: justBooked.place.title })
            : t('trips.bookedRequested', { place: justBooked.place.title })}
        </Notice>
      )}
      <UrlTabs
        label={t('trips.title')}
        hrefOf={(name) => paths.trips({ tab: name })}
        tabs={['upcoming', 'past', 'cancelled'] as const}
        current={tab}
        labelOf={(name) => t(`trips.tab.${name}` as MessageKey)}
      />
      <div role="tabpanel" aria-label={t(`trips.tab.${tab}` as MessageKey)}>
        {bookings.isPending && <Skeleton lines={4} />}
        {bookings.error && <ErrorBox error={bookings.error} onRetry={() => bookings.refetch()} />}
        {bookings.data && shown.length === 0 && (
          <Empty title={t(`trips.empty.${tab}` as MessageKey)}>
            <Link to={paths.search()} className="btn btn-primary">
              {t('trips.findPlace')}
            </Link>
          </Empty>
        )}
        <div className="booking-list">
          {shown.map((booking) => (
            <BookingSummary key={booking.id} booking={booking}>
              <Link to={paths.trip(booking.id)} className="btn btn-ghost btn-small">
                {t('trip.details')}
              </Link>
              {['pending', 'confirmed'].includes(booking.status) &&
                booking.check_in >= todayIn(booking.timezone) && (
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    onClick={() => setCancelling(booking)}
                  >
                    {booking.status === 'pending' ? t('trips.withdraw') : t('trips.cancel')}
                  </button>
                )}
              {booking.reviewed.by_guest || reviewed.has(booking.id) ? (
                <span className="review-sent">
                  <span aria-hidden="true">✓ </span>
                  {t('trips.reviewSent')}
                </span>
              ) : (
                reviewUntil(booking) && (
                  <>
                    <button
                      type="button"
                      className="btn btn-primary btn-small"
                      onClick={() => setReviewing(booking)}
                    >
                      {t('trips.review')}
                    </button>
                    <span className="muted small">
                      {t('trips.reviewUntil', { date: date(reviewUntil(booking) as string) })}
                    </span>
                  </>
                )
              )}
            </BookingSummary>
          ))}
        </div>
      </div>
      <CancelDialog booking={cancelling} onClose={() => setCancelling(undefined)} />
      <ReviewDialog
        booking={reviewing}
        onClose={() => setReviewing(undefined)}
        onReviewed={(id) => setReviewed((ids) => new Set(ids).add(id))}
      />
    </div>
  )
}

const CATEGORIES = ['cleanliness', 'accuracy', 'communication', 'location', 'check_in', 'value'] as const

function ReviewDialog({ booking, onClose, onReviewed }: StayReviewDialogProps) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const [text, setText] = useState('')
  const [rating, setRating] = useState(5)
  const [ratings, setRatings] = useState<Record<(typeof CATEGORIES)[number], number>>({
    cleanliness: 5,
    accuracy: 5,
    communication: 5,
    location: 5,
    check_in: 5,
    value: 5,
  })
  const { send, done, reset } = useStayReview(booking, onReviewed, () => {
    if (booking)
      void queryClient.invalidateQueries({ queryKey: placeQueries.detail(booking.place_id).queryKey })
  })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    send.mutate({ text: text.trim(), rating, ratings })
  }
  const close = () => {
    reset()
    setText('')
    onClose()
  }
  return (
    <Dialog
      open={Boolean(booking)}
      title={t('review.title', { place: booking?.place.title ?? '' })}
      onClose={close}
    >
      {done ? (
        <ReviewSent
          booking={booking}
          done={done}
          published={t('review.published')}
          pending={(when) => t('review.pending', { when })}
          onDone={close}
          testId="review-sent"
          className="review-done"
        />
      ) : (
        <form onSubmit={submit} className="form">
          <p className="muted small">{t('review.intro')}</p>
          <RatingInput name="overall" label={t('review.overall')} value={rating} onChange={setRating} />
          <div className="rating-grid">
            {CATEGORIES.map((category) => (
              <RatingInput
                key={category}
                name={category}
                label={t(`review.${category}` as MessageKey)}
                value={ratings[category]}
                onChange={(n) => setRatings((r) => ({ ...r, [category]: n }))}
              />
            ))}
          </div>
          <label className="field">
            <span>{t('review.text')}</span>
            <textarea
              rows={4}
              value={text}
              onChange={(event) => setText(event.target.value)}
              required
              maxLength={5000}
            />
          </label>
          {send.error && <ErrorBox error={send.error} />}
          <div className="dialog-actions">
            <button type="button" className="btn btn-ghost" onClick={close}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={send.isPending || !text.trim()}>
              {t('review.send')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  )
}
