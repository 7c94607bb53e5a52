import { useMutation, usePrefetchQuery, useQuery, useQueryClient } from '@tanstack/react-query'
import { lazy, Suspense, useDeferredValue, useEffect, useMemo, useState } from 'react'
import { api, unwrap } from '../api/client'
import { calendarQueries } from '../api/queries/calendar'
import { photoQueries } from '../api/queries/photos'
import { placeQueries } from '../api/queries/places'
import { quoteQueries } from '../api/queries/quotes'
import type { Night, PlaceDetail, Quote } from '../api/types'
import { Avatar } from '../components/Avatar'
import { CalendarLegend, CalendarMonthsView, MonthNav, useCalendarMonths } from '../components/CalendarMonths'
import { ContactHost } from '../components/ContactHost'
import { PhotoGallery } from '../components/PhotoGallery'
import { PlaceLoader } from '../components/PlaceLoader'
import { PriceLines } from '../components/PriceLines'
import { Stepper } from '../components/Stepper'
import { ErrorBox, Loading, Notice, PageHeading, Stars } from '../components/ui'
import { WhenShown } from '../components/WhenShown'
import { WishlistButton } from '../components/WishlistButton'
import { type MessageKey, useI18n } from '../i18n'
import { addDays, isDate, monthStart, todayIn } from '../lib/dates'
import { errorMessage } from '../lib/errors'
import { useLiveTopic, useSession, useTitle } from '../lib/hooks'
import { paths } from '../lib/paths'
import { Link, useSearchParams } from '../lib/router'

const MapView = lazy(() => import('../components/MapView'))

export function PlacePage({ id }: { id: string }) {
  // The gallery's photos (the page's largest picture) are asked for with the detail, not after it.
  usePrefetchQuery(photoQueries.ofPlace(id))
  return <PlaceLoader id={id}>{(place) => <PlaceView place={place} />}</PlaceLoader>
}

function PlaceView({ place }: { place: PlaceDetail }) {
  useTitle(place.title)
  const { t, money, number, amenity: amenityName } = useI18n()
  const { session } = useSession()
  const params = useSearchParams()
  const today = todayIn(place.timezone)
  const [checkIn, setCheckIn] = useState(() =>
    isDate(params.get('check_in')) ? params.get('check_in')! : '',
  )
  const [checkOut, setCheckOut] = useState(() =>
    isDate(params.get('check_out')) ? params.get('check_out')! : '',
  )
  const [guests, setGuests] = useState(() => Math.max(1, Number(params.get('guests')) || 1))
  const owner = session?.user.id === place.owner_id
  const queryClient = useQueryClient()
  /** The chosen stay, when nights of it were just taken by someone else (told live). */
  const [takenStay, setTakenStay] = useState<string | null>(null)
  // The page follows the listing (logged in or not): its calendar and quote are fetched again when
  // nights are booked, blocked or freed.
  useLiveTopic(`place:${place.id}`, (event) => {
    if (event.type !== 'availability.changed' && event.type !== 'resync') return
    void queryClient.invalidateQueries({ queryKey: calendarQueries.place(place.id) })
    void queryClient.invalidateQueries({ queryKey: quoteQueries.place(place.id) })
    if (event.type !== 'availability.changed' || !checkIn || !checkOut) return
    const { from, to } = event.data as { from: string; to: string }
    if (from < checkOut && to >= checkIn) setTakenStay(`${checkIn}/${checkOut}`)
  })
  // The sections under the first screen (calendar, rules, map, reviews) are drawn by a second render,
  // which React slices and interrupts: no single long task draws the whole page on a slow phone.
  const drawRest = useDeferredValue(true, false)
  const locationMarker = useMemo(
    () => [
      {
        id: place.id,
        latitude: place.latitude,
        longitude: place.longitude,
        title: place.title,
        label: money(place.price, place.currency, { whole: true }),
      },
    ],
    [place, money],
  )

  return (
    <article className="container place-page">
      <header className="place-header">
        <PageHeading>{place.title}</PageHeading>
        <div className="place-subline">
          <Stars value={place.rating_avg} count={place.rating_count} />
          <span>·</span>
          <span>{[place.address, place.city, place.country].filter(Boolean).join(', ')}</span>
          <span className="spacer" />
          <WishlistButton placeId={place.id} />
        </div>
        {place.status !== 'published' && (
          <Notice kind="info">{t(`place.status.${place.status}Notice` as MessageKey)}</Notice>
        )}
      </header>
      <PhotoGallery placeId={place.id} label={t('place.galleryImage', { city: place.city || place.title })} />
      <div className="place-columns">
        <div className="place-main">
          <section className="place-section host-line">
            <Avatar user={place.owner} size="large" />
            <div>
              <h2>{t('place.hostedBy', { name: place.owner.first_name })}</h2>
              <p className="muted">
                {t('place.guests', { count: place.max_guests })} ·{' '}
                {t('place.bedrooms', { count: place.bedrooms })} ·{' '}
                {t('place.bathrooms', { count: place.bathrooms })}
              </p>
              {!owner && <ContactHost placeId={place.id} hostName={place.owner.first_name} />}
            </div>
          </section>
          {owner && (
            <Notice>
              {t('place.yourListing')} <Link to={paths.editListing(place.id)}>{t('host.edit')}</Link> ·{' '}
              <Link to={paths.listingCalendar(place.id)}>{t('host.calendar')}</Link>
            </Notice>
          )}
          {session?.user.is_admin && <AdminSuspend place={place} />}
          <section className="place-section">
            <h2>{t('place.about')}</h2>
            <p className="prose">{place.description || t('place.noDescription')}</p>
          </section>
          <section className="place-section">
            <h2>{t('place.amenities')}</h2>
            {place.amenities.length ? (
              <ul className="amenity-list">
                {place.amenities.map((amenity) => (
                  <li key={amenity.id}>
                    <span aria-hidden="true">✓ </span>
                    {amenityName(amenity.name)}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('place.noAmenities')}</p>
            )}
          </section>
          {drawRest && (
            <>
              <Availability
                place={place}
                today={today}
                checkIn={checkIn}
                checkOut={checkOut}
                onPick={(date) => {
                  if (!checkIn || checkOut || date <= checkIn) {
                    setCheckIn(date)
                    setCheckOut('')
                  } else {
                    setCheckOut(date)
                  }
                }}
              />
              <section className="place-section">
                <h2>{t('place.rules')}</h2>
                <dl className="facts">
                  <dt>{t('place.checkInTime')}</dt>
                  <dd>{t('place.fromTime', { time: place.check_in_time, zone: place.timezone })}</dd>
                  <dt>{t('place.checkOutTime')}</dt>
                  <dd>{t('place.untilTime', { time: place.check_out_time, zone: place.timezone })}</dd>
                  <dt>{t('place.stayLength')}</dt>
                  <dd>{t('place.stayRange', { min: place.min_nights, max: place.max_nights })}</dd>
                  <dt>{t('place.cancellation')}</dt>
                  <dd>
                    <strong>{t(`policy.${place.cancellation_policy}` as MessageKey)}</strong>:{' '}
                    {t(`policy.${place.cancellation_policy}.text` as MessageKey)}
                  </dd>
                </dl>
              </section>
              <section className="place-section">
                <h2>{t('place.location')}</h2>
                <p className="muted">{[place.city, place.country].filter(Boolean).join(', ')}</p>
                <div className="place-map">
                  <WhenShown>
                    <Suspense fallback={<Loading />}>
                      <MapView
                        places={locationMarker}
                        label={t('place.mapLabel')}
                        openLabel={place.title}
                        noTilesLabel={t('map.noTiles')}
                        zoom={13}
                      />
                    </Suspense>
                  </WhenShown>
                </div>
              </section>
              <Reviews place={place} />
            </>
          )}
        </div>
        <aside className="place-aside" aria-label={t('book.title')}>
          <BookingBox
            place={place}
            today={today}
            checkIn={checkIn}
            checkOut={checkOut}
            guests={guests}
            justTaken={takenStay === `${checkIn}/${checkOut}`}
            setCheckIn={(value) => {
              setCheckIn(value)
              if (value && (!checkOut || checkOut <= value))
                setCheckOut(addDays(value, Math.max(1, place.min_nights)))
            }}
            setCheckOut={setCheckOut}
            setGuests={setGuests}
          />
          <p className="muted small center">
            {t('place.priceFrom', { price: money(place.price, place.currency) })} ·{' '}
            {place.rating_count > 0 ? `★ ${number(place.rating_avg, 2)}` : t('place.new')}
          </p>
        </aside>
      </div>
      <ReserveBar place={place} checkIn={checkIn} checkOut={checkOut} guests={guests} />
    </article>
  )
}

function Availability({
  place,
  today,
  checkIn,
  checkOut,
  onPick,
}: {
  place: PlaceDetail
  today: string
  checkIn: string
  checkOut: string
  onPick: (date: string) => void
}) {
  const { t } = useI18n()
  const months = useCalendarMonths(
    place.id,
    () => monthStart(isDate(checkIn) && checkIn > today ? checkIn : today),
    {
      earliest: monthStart(today),
    },
  )
  const { nights } = months
  const selectingOut = Boolean(checkIn && !checkOut)
  const selectable = (date: string, night: Night | undefined) => {
    if (selectingOut && date > checkIn) {
      // Check-out: every night from check-in up to the day before must be free.
      for (let d = checkIn; d < date; d = addDays(d, 1)) {
        const n = nights.get(d)
        if (n && n.status !== 'available') return false
      }
      return true
    }
    return night?.status === 'available'
  }
  return (
    <section className="place-section" aria-labelledby="availability-title">
      <div className="section-head">
        <h2 id="availability-title">{t('place.availability')}</h2>
        <MonthNav months={months} />
      </div>
      <p className="muted small">
        {selectingOut ? t('calendar.pickCheckOut') : t('calendar.pickCheckIn')}{' '}
        {t('calendar.zone', { zone: place.timezone })}
      </p>
      <CalendarMonthsView
        months={months}
        whileLoading="dim"
        today={today}
        start={checkIn || undefined}
        end={checkOut ? addDays(checkOut, 0) : undefined}
        onPick={onPick}
        selectable={selectable}
      />
      <CalendarLegend statuses={['available', 'booked', 'held']} />
      <HeldNote nights={nights} chosen={checkIn && checkOut ? [checkIn, checkOut] : undefined} />
    </section>
  )
}

/**
 * "Someone is booking some of these dates", with when the first of those holds ends. Nights of the
 * chosen stay are left to the booking box (they may be the caller's own hold).
 */
function HeldNote({ nights, chosen }: { nights: Map<string, Night>; chosen?: [string, string] }) {
  const { t } = useI18n()
  const ends = [...nights.values()]
    .filter((night) => !chosen || night.date < chosen[0] || night.date >= chosen[1])
    .map((night) => night.held_until)
    .filter((until): until is string => Boolean(until))
    .sort()
  if (ends.length === 0) return null
  return (
    <p className="muted small" data-testid="held-note">
      {t('calendar.heldNote', { count: minutesUntil(ends[0]!) })}
    </p>
  )
}

/** Whole minutes from now until an instant, at least 1. */
function minutesUntil(iso: string): number {
  return Math.max(1, Math.ceil((Date.parse(iso) - Date.now()) / 60_000))
}

interface BookingBoxProps {
  place: PlaceDetail
  today: string
  checkIn: string
  checkOut: string
  guests: number
  /** Nights of the chosen stay were just taken by someone else. */
  justTaken: boolean
  setCheckIn: (value: string) => void
  setCheckOut: (value: string) => void
  setGuests: (value: number) => void
}

function BookingBox({
  place,
  today,
  checkIn,
  checkOut,
  guests,
  justTaken,
  setCheckIn,
  setCheckOut,
  setGuests,
}: BookingBoxProps) {
  const { t, money } = useI18n()
  const { session } = useSession()
  const ready = isDate(checkIn) && isDate(checkOut) && checkOut > checkIn
  const quote = useQuery({
    ...quoteQueries.stay(place.id, checkIn, checkOut, guests),
    enabled: ready,
    retry: false,
  })
  const q: Quote | undefined = quote.data
  const checkout = paths.checkout(place.id, {
    check_in: checkIn,
    check_out: checkOut,
    guests: String(guests),
  })
  return (
    <div className="booking-box card" id="book">
      <p className="booking-price">
        <strong>{money(place.price, place.currency)}</strong> {t('place.perNight')}
      </p>
      <div className="booking-dates">
        <label className="field">
          <span>{t('search.checkIn')}</span>
          <input
            type="date"
            name="check_in"
            min={today}
            value={checkIn}
            onChange={(event) => setCheckIn(event.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('search.checkOut')}</span>
          <input
            type="date"
            name="check_out"
            min={checkIn ? addDays(checkIn, 1) : addDays(today, 1)}
            value={checkOut}
            onChange={(event) => setCheckOut(event.target.value)}
          />
        </label>
      </div>
      <Stepper
        label={t('search.guests')}
        name="guests"
        min={1}
        max={place.max_guests}
        value={String(guests)}
        onChange={(value) => setGuests(Math.min(place.max_guests, Math.max(1, Number(value) || 1)))}
      />
      {!ready && <p className="muted small">{t('book.pickDates')}</p>}
      {ready && quote.isPending && <Loading label={t('book.pricing')} />}
      {quote.error && (
        <p className="field-error" role="alert">
          {errorMessage(t, quote.error)}
        </p>
      )}
      {q && (
        <div className="quote" aria-live="polite">
          {!q.available && (
            <p className="field-error" role="alert" data-testid="dates-unavailable">
              {q.held_until
                ? t('hold.someoneBooking', { count: minutesUntil(q.held_until) })
                : justTaken
                  ? t('book.justTaken', { count: q.unavailable_nights.length })
                  : t('book.unavailable', { count: q.unavailable_nights.length })}
            </p>
          )}
          <PriceLines price={q} />
          <p className="muted small">
            {t(`policy.${place.cancellation_policy}` as MessageKey)}:{' '}
            {t(`policy.${place.cancellation_policy}.text` as MessageKey)}
          </p>
        </div>
      )}
      {session?.user.id === place.owner_id ? (
        <p className="muted small">{t('book.ownListing')}</p>
      ) : q?.available && place.status === 'published' ? (
        <Link to={session ? checkout : paths.login({ next: checkout })} className="btn btn-primary btn-block">
          {session ? t('hold.checkout') : t('book.loginToBook')}
        </Link>
      ) : (
        <button type="button" className="btn btn-primary btn-block" disabled>
          {t('hold.checkout')}
        </button>
      )}
      <p className="muted small center">
        {place.instant_book ? t('book.instantNote') : t('book.requestNote')}
      </p>
    </div>
  )
}

/**
 * On phones, once the booking box is scrolled past: the price (or the stay's total) and Reserve,
 * which goes back to the box to pick dates, or on to checkout when they are picked and free.
 */
function ReserveBar({
  place,
  checkIn,
  checkOut,
  guests,
}: {
  place: PlaceDetail
  checkIn: string
  checkOut: string
  guests: number
}) {
  const { t, money, moneyMinor } = useI18n()
  const { session } = useSession()
  const [boxVisible, setBoxVisible] = useState(true)
  useEffect(() => {
    const box = document.getElementById('book')
    if (!box || typeof IntersectionObserver === 'undefined') return
    const observer = new IntersectionObserver(([entry]) => setBoxVisible(Boolean(entry?.isIntersecting)))
    observer.observe(box)
    return () => observer.disconnect()
  }, [])
  const ready = isDate(checkIn) && isDate(checkOut) && checkOut > checkIn
  const quote = useQuery({
    ...quoteQueries.stay(place.id, checkIn, checkOut, guests),
    enabled: ready,
    retry: false,
  })
  if (boxVisible || session?.user.id === place.owner_id || place.status !== 'published') return null
  const q = ready ? quote.data : undefined
  const checkout = paths.checkout(place.id, {
    check_in: checkIn,
    check_out: checkOut,
    guests: String(guests),
  })
  return (
    <div className="reserve-bar" data-testid="reserve-bar">
      <p>
        {q?.available ? (
          <>
            <strong>{moneyMinor(q.total_minor, q.currency)}</strong>{' '}
            <span className="muted small">{t('book.nightsCount', { count: q.nights })}</span>
          </>
        ) : (
          <>
            <strong>{money(place.price, place.currency)}</strong> {t('place.perNight')}
          </>
        )}
      </p>
      {q?.available ? (
        <Link to={session ? checkout : paths.login({ next: checkout })} className="btn btn-primary">
          {t('checkout.reserve')}
        </Link>
      ) : (
        <button
          type="button"
          className="btn btn-primary"
          onClick={() =>
            document.getElementById('book')?.scrollIntoView({ behavior: 'smooth', block: 'center' })
          }
        >
          {t('checkout.pickDates')}
        </button>
      )}
    </div>
  )
}

function Reviews({ place }: { place: PlaceDetail }) {
  const { t, number, locale } = useI18n()
  const format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    month: 'long',
    year: 'numeric',
  })
  return (
    <section className="place-section" aria-labelledby="reviews-title">
      <h2 id="reviews-title">
        {place.rating_count > 0
          ? `★ ${number(place.rating_avg, 2)} · ${t('place.reviewCount', { count: place.rating_count })}`
          : t('place.reviews')}
      </h2>
      {place.reviews.length === 0 && <p className="muted">{t('place.noReviews')}</p>}
      <ul className="reviews">
        {place.reviews.map((review) => (
          <li key={review.id} className="review">
            <div className="review-head">
              <Avatar user={review.user} />
              <div>
                <strong>{review.user.first_name}</strong>
                <p className="muted small">
                  {format.format(new Date(review.created_at))}
                  {review.verified && ` · ${t('place.verifiedStay')}`}
                </p>
              </div>
              <span className="review-rating">
                <span aria-hidden="true">
                  {'★'.repeat(review.rating)}
                  <span className="muted">{'★'.repeat(5 - review.rating)}</span>
                </span>
                <span className="visually-hidden">{t('place.ratingOutOf', { rating: review.rating })}</span>
              </span>
            </div>
            <p>{review.text}</p>
          </li>
        ))}
      </ul>
    </section>
  )
}

function AdminSuspend({ place }: { place: PlaceDetail }) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const change = useMutation({
    mutationFn: (status: 'published' | 'suspended') =>
      unwrap(api.PUT('/api/v1/places/{id}', { params: { path: { id: place.id } }, body: { status } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: placeQueries.detail(place.id).queryKey }),
  })
  const suspended = place.status === 'suspended'
  return (
    <div className="admin-box">
      <span>{t('admin.listingStatus', { status: t(`host.status.${place.status}` as MessageKey) })}</span>
      <button
        type="button"
        className={`btn btn-small ${suspended ? 'btn-ghost' : 'btn-danger'}`}
        disabled={change.isPending}
        onClick={() => change.mutate(suspended ? 'published' : 'suspended')}
      >
        {suspended ? t('admin.reinstate') : t('admin.suspend')}
      </button>
      {change.error && <ErrorBox error={change.error} />}
    </div>
  )
}
