// Review and confirm a stay: the nights are held for the guest while they read what they agree to
// (dates, guests, the price line by line, the cancellation policy, the house rules) and write to the
// host; confirming books them (the hold becomes the booking) and leads to the trip.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { api, idempotencyKey, unwrap } from '../api/client'
import { bookingQueries } from '../api/queries/bookings'
import { calendarQueries } from '../api/queries/calendar'
import { quoteQueries } from '../api/queries/quotes'
import type { Hold, PlaceDetail, Quote } from '../api/types'
import { HoldCountdown, useSecondsLeft } from '../components/CheckoutHold'
import { PlaceCover } from '../components/PlaceCover'
import { PlaceLoader } from '../components/PlaceLoader'
import { PriceLines } from '../components/PriceLines'
import { ErrorBox, Notice, PageHeading, Skeleton } from '../components/ui'
import { type MessageKey, useI18n } from '../i18n'
import { isDate } from '../lib/dates'
import { errorMessage } from '../lib/errors'
import { useSession, useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
import { Link, navigate, useSearchParams } from '../lib/router'
import { NeedLogin } from './NotFound'

const MESSAGE_MAX = 4000

interface Stay {
  checkIn: string
  checkOut: string
  guests: number
}

function stayOf(params: URLSearchParams): Stay | undefined {
  const checkIn = params.get('check_in')
  const checkOut = params.get('check_out')
  const guests = Number(params.get('guests') ?? 1)
  if (!isDate(checkIn) || !isDate(checkOut) || checkOut <= checkIn) return undefined
  if (!Number.isInteger(guests) || guests < 1) return undefined
  return { checkIn, checkOut, guests }
}

export default function Checkout({ id }: { id: string }) {
  const { t } = useI18n()
  const { session } = useSession()
  const stay = stayOf(useSearchParams())
  useTitle(t('checkout.title'))
  if (!session) return <NeedLogin />
  return (
    <PlaceLoader id={id}>
      {(place) =>
        stay && session.user.id !== place.owner_id ? (
          <CheckoutView place={place} stay={stay} />
        ) : (
          <div className="container narrow section">
            <PageHeading>{t('checkout.title')}</PageHeading>
            <Notice kind="info">{stay ? t('book.ownListing') : t('checkout.noStay')}</Notice>
            <Link to={paths.place(id)} className="btn btn-primary">
              {t('checkout.backToListing')}
            </Link>
          </div>
        )
      }
    </PlaceLoader>
  )
}

/** The listing page with the stay's dates and guests chosen again. */
function listingOf(place: PlaceDetail, stay: Stay): string {
  return paths.place(
    place.id,
    new URLSearchParams({ check_in: stay.checkIn, check_out: stay.checkOut, guests: String(stay.guests) }),
  )
}

function CheckoutView({ place, stay }: { place: PlaceDetail; stay: Stay }) {
  const { t, date } = useI18n()
  const queryClient = useQueryClient()
  const quote = useQuery({
    ...quoteQueries.stay(place.id, stay.checkIn, stay.checkOut, stay.guests),
    retry: false,
  })
  const q: Quote | undefined = quote.data
  const [hold, setHold] = useState<Hold | null>(null)
  const [holdEnded, setHoldEnded] = useState(false)
  const secondsLeft = useSecondsLeft(hold)
  const booked = useRef(false)
  const refreshNights = () => {
    void queryClient.invalidateQueries({ queryKey: calendarQueries.place(place.id) })
    void queryClient.invalidateQueries({ queryKey: quoteQueries.place(place.id) })
  }
  const takeHold = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/places/{id}/holds', {
          params: { path: { id: place.id } },
          body: { check_in: stay.checkIn, check_out: stay.checkOut, guests: stay.guests },
        }),
      ),
    onSuccess: (taken) => {
      setHold(taken)
      setHoldEnded(false)
      void queryClient.invalidateQueries({ queryKey: calendarQueries.place(place.id) })
    },
    onError: refreshNights,
  })
  // The stay is held once, as the page opens: the guest's own hold is found again after a reload.
  const asked = useRef(false)
  useEffect(() => {
    if (asked.current || !q) return
    asked.current = true
    const own = q.hold
    if (
      own &&
      own.check_in === stay.checkIn &&
      own.check_out === stay.checkOut &&
      own.guests === stay.guests
    ) {
      setHold(own)
    } else if (q.available) {
      takeHold.mutate()
    }
  })
  useEffect(() => {
    if (hold && secondsLeft === 0) {
      setHold(null)
      setHoldEnded(true)
      refreshNights()
    }
  })
  // Leaving the page without booking lets the nights go at once rather than when the hold ends.
  const heldId = hold?.id
  useEffect(() => {
    if (!heldId) return
    return () => {
      if (!booked.current) void api.DELETE('/api/v1/holds/{id}', { params: { path: { id: heldId } } })
    }
  }, [heldId])

  const [message, setMessage] = useState('')
  const [attempt, setAttempt] = useState(idempotencyKey)
  const confirm = useMutation({
    mutationFn: async () => {
      const booking = await unwrap(
        api.POST('/api/v1/bookings', {
          params: { header: { 'idempotency-key': attempt } },
          body: { place_id: place.id, check_in: stay.checkIn, check_out: stay.checkOut, guests: stay.guests },
        }),
      )
      booked.current = true
      const text = message.trim()
      // The booking stands even if the message could not be sent: the trip page offers to write again.
      const sent = text
        ? await api
            .POST('/api/v1/conversations', { body: { booking_id: booking.id, text } })
            .then((answer) => !answer.error)
            .catch(() => false)
        : true
      return { booking, sent }
    },
    onSuccess: ({ booking, sent }) => {
      void queryClient.invalidateQueries({ queryKey: bookingQueries.all() })
      refreshNights()
      navigate(paths.trip(booking.id, { booked: '1', ...(sent ? {} : { unsent: '1' }) }))
    },
    onError: () => setAttempt(idempotencyKey()),
  })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    confirm.mutate()
  }
  const leave = () => {
    navigate(listingOf(place, stay))
  }
  const instant = place.instant_book
  const unavailable = q && !q.available && !hold
  return (
    <div className="container section checkout-page">
      <PageHeading>{instant ? t('checkout.titleInstant') : t('checkout.titleRequest')}</PageHeading>
      <div className="checkout-columns">
        <form className="checkout-main" onSubmit={submit}>
          {hold && <HoldCountdown secondsLeft={secondsLeft} />}
          {takeHold.isPending && <p className="muted">{t('hold.opening')}</p>}
          {holdEnded && !hold && (
            <div className="field-error" role="alert">
              <p>{t('hold.ended')}</p>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                disabled={takeHold.isPending}
                onClick={() => takeHold.mutate()}
              >
                {t('checkout.holdAgain')}
              </button>
            </div>
          )}
          {takeHold.error && <ErrorBox error={takeHold.error} />}
          {unavailable && (
            <p className="field-error" role="alert" data-testid="dates-unavailable">
              {t('book.unavailable', { count: q.unavailable_nights.length })}{' '}
              <Link to={listingOf(place, stay)}>{t('checkout.changeDates')}</Link>
            </p>
          )}
          <section className="checkout-section" aria-labelledby="checkout-trip">
            <h2 id="checkout-trip">{t('checkout.yourTrip')}</h2>
            <dl className="facts">
              <dt>{t('checkout.dates')}</dt>
              <dd>
                {date(stay.checkIn)} → {date(stay.checkOut)}{' '}
                <Link to={listingOf(place, stay)} className="small">
                  {t('checkout.edit')}
                </Link>
              </dd>
              <dt>{t('search.guests')}</dt>
              <dd>{t('place.guests', { count: stay.guests })}</dd>
            </dl>
          </section>
          <section className="checkout-section" aria-labelledby="checkout-message">
            <h2 id="checkout-message">{t('checkout.messageTitle', { name: place.owner.first_name })}</h2>
            <label className="field">
              <span>{instant ? t('checkout.messageHintInstant') : t('checkout.messageHintRequest')}</span>
              <textarea
                name="message"
                rows={4}
                maxLength={MESSAGE_MAX}
                value={message}
                onChange={(event) => setMessage(event.target.value)}
              />
            </label>
          </section>
          <section className="checkout-section" aria-labelledby="checkout-policy">
            <h2 id="checkout-policy">{t('place.cancellation')}</h2>
            <p>
              <strong>{t(`policy.${place.cancellation_policy}` as MessageKey)}</strong>:{' '}
              {t(`policy.${place.cancellation_policy}.text` as MessageKey)}
            </p>
          </section>
          <section className="checkout-section" aria-labelledby="checkout-rules">
            <h2 id="checkout-rules">{t('place.rules')}</h2>
            <ul className="plain-list">
              <li>
                <strong>{t('place.checkInTime')}</strong>{' '}
                {t('place.fromTime', { time: place.check_in_time, zone: place.timezone })}
              </li>
              <li>
                <strong>{t('place.checkOutTime')}</strong>{' '}
                {t('place.untilTime', { time: place.check_out_time, zone: place.timezone })}
              </li>
              <li>{t('checkout.maxGuests', { count: place.max_guests })}</li>
            </ul>
          </section>
          <p className="muted small">{instant ? t('book.instantNote') : t('book.requestNote')}</p>
          {confirm.error && <ErrorBox error={confirm.error} />}
          <div className="checkout-actions">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={!q?.available || !hold || confirm.isPending || place.status !== 'published'}
            >
              {confirm.isPending
                ? t('book.booking')
                : instant
                  ? t('checkout.confirmInstant')
                  : t('book.request')}
            </button>
            <button type="button" className="btn btn-ghost" disabled={confirm.isPending} onClick={leave}>
              {t('hold.release')}
            </button>
          </div>
        </form>
        <aside className="checkout-aside card" aria-label={t('checkout.summary')}>
          <PlaceCover placeId={place.id} sizes="(max-width: 900px) 100vw, 360px" />
          <div className="checkout-place">
            <strong>{place.title}</strong>
            <p className="muted small">{[place.city, place.country].filter(Boolean).join(', ')}</p>
          </div>
          {quote.isPending && <Skeleton lines={4} />}
          {quote.error && (
            <p className="field-error" role="alert">
              {errorMessage(t, quote.error)}
            </p>
          )}
          {q && <PriceLines price={q} />}
        </aside>
      </div>
    </div>
  )
}
