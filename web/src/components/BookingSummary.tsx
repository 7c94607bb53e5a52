import type { ReactNode } from 'react'
import type { Booking } from '../api/types'
import { type MessageKey, useI18n } from '../i18n'
import { paths } from '../lib/paths'
import { Link } from '../lib/router'
import { Avatar } from './Avatar'
import { ListingPicture } from './Photo'

export function StatusBadge({ status, host }: { status: Booking['status']; host?: boolean }) {
  const { t } = useI18n()
  const key = host && status === 'pending' ? 'booking.status.pendingHost' : `booking.status.${status}`
  return <span className={`status status-${status}`}>{t(key as MessageKey)}</span>
}

/** The guest's full name, as the host sees it on a booking. */
export function guestName(booking: Booking): string {
  return [booking.guest.first_name, booking.guest.last_name].filter(Boolean).join(' ')
}

/** Who booked, for the host: the guest's initial and full name. */
export function GuestLine({ booking }: { booking: Booking }) {
  const { t } = useI18n()
  const name = guestName(booking)
  return (
    <p className="booking-guest" data-testid="booking-guest">
      <Avatar user={booking.guest} size="small" />
      <span>
        {t(booking.status === 'pending' ? 'reservations.requestFrom' : 'reservations.guest', { name })}
      </span>
    </p>
  )
}

/**
 * A booking as a card: place, dates in the listing's time zone, guests, total, status; for the
 * host, who the guest is.
 */
export function BookingSummary({
  booking,
  children,
  host,
}: {
  booking: Booking
  children?: ReactNode
  /** Seen by the host (their reservations) rather than the guest. */
  host?: boolean
}) {
  const { t, date, moneyMinor, dateTime } = useI18n()
  return (
    <article className="booking-card card" data-booking={booking.id}>
      <Link to={paths.place(booking.place_id)} className="booking-visual" tabIndex={-1} aria-hidden="true">
        <ListingPicture
          placeId={booking.place_id}
          photo={booking.place.cover_photo}
          sizes="(min-width: 600px) 200px, 100vw"
        />
      </Link>
      <div className="booking-body">
        <div className="booking-top">
          <h3>
            <Link to={paths.place(booking.place_id)}>{booking.place.title}</Link>
          </h3>
          <StatusBadge status={booking.status} host={host} />
        </div>
        {host && <GuestLine booking={booking} />}
        <p className="muted">{[booking.place.city, booking.place.country].filter(Boolean).join(', ')}</p>
        <p>
          {date(booking.check_in)} → {date(booking.check_out)} ·{' '}
          {t('book.nightsCount', { count: booking.nights })} · {t('place.guests', { count: booking.guests })}
        </p>
        <p className="muted small">
          {t('trips.times', {
            in: booking.check_in_time,
            out: booking.check_out_time,
            zone: booking.timezone,
          })}
        </p>
        <p>
          <strong>{moneyMinor(booking.total_minor, booking.currency)}</strong> {t('trips.total')}
          {booking.refund_minor !== null && booking.status === 'cancelled' && (
            <span className="muted">
              {' '}
              · {t('trips.refunded', { amount: moneyMinor(booking.refund_minor, booking.currency) })}
            </span>
          )}
        </p>
        {booking.status === 'pending' && booking.expires_at && (
          <p className="muted small">
            {t(host ? 'reservations.expires' : 'trips.expires', {
              when: dateTime(booking.expires_at, booking.timezone),
            })}
          </p>
        )}
        {children && <div className="booking-actions">{children}</div>}
      </div>
    </article>
  )
}
