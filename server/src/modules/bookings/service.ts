import { addDays, localTimeToInstant, nightsOf } from '../../dates.js'
import { isDeadlock, isUniqueViolation } from '../../db/database.js'
import { outboxRow } from '../../db/outbox.js'
import { readFromPrimary } from '../../db/read-context.js'
import type { BookingRow, BookingStatus, CheckoutHoldRow, PlaceRow } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import { availabilityChanged, type LiveEvents } from '../../domain/live.js'
import { mapPage } from '../../domain/pages.js'
import { type BookingEvent, bookingNotification } from '../../domain/tasks.js'
import { badRequest, conflict, forbidden, notFound } from '../../errors.js'
import { uuidv7 } from '../../ids.js'
import type { ResponseCache } from '../../infra/cache/index.js'
import type { Logger } from '../../logger.js'
import { counter } from '../../metrics.js'
import { Changes } from '../cache-scopes.js'
import type { CalendarRepository } from '../calendar/repository.js'
import { freedNightsRow } from '../holds/freed-dates-service.js'
import { type HoldService, type HoldView, takenDatesError } from '../holds/service.js'
import type { CoversOf, PhotoCoverView } from '../photos/service.js'
import { findVisiblePlace } from '../places/access.js'
import { toMajorUnits } from '../places/money.js'
import type { PlaceRepository } from '../places/repository.js'
import { type Charges, fullRefund, guestRefund, type Refund } from './policies.js'
import { assertStorable, type FeeRates, type NightPrice, priceStay } from './pricing.js'
import { bookingRow } from './records.js'
import type { BookingRepository, BookingWithPlace } from './repository.js'
import { assertStayAllowed, type Stay } from './rules.js'
import { type BookingAction, transition } from './state.js'

export interface BookingOptions extends FeeRates {
  requestTtlHours: number
}

export interface Quote extends Charges {
  place_id: string
  check_in: string
  check_out: string
  guests: number
  nights: number
  currency: string
  nightly_prices: (NightPrice & { price: number })[]
  total: number
  available: boolean
  unavailable_nights: string[]
  /** When some of the nights are held by another guest's checkout: when the last of those holds ends. */
  held_until?: string
  /** The caller's own checkout hold on this place, while it lasts (its nights count as available). */
  hold?: HoldView
  instant_book: boolean
  cancellation_policy: string
}

export interface BookingView extends Omit<BookingRow, 'nightly_prices' | 'idempotency_key'> {
  nightly_prices: (NightPrice & { price: number })[]
  total: number
  place: { id: string; title: string; city: string; country: string; cover_photo: PhotoCoverView | null }
  guest: { id: string; first_name: string; last_name: string }
  reviewed: { by_guest: boolean; by_host: boolean }
}

export interface CancellationPreview extends Refund {
  booking_id: string
  cancelled_by: 'guest' | 'host'
  currency: string
  total_minor: number
  refund: number
}

const MAX_RETRIES = 3
/** Outcomes: `requested`, `instant` (confirmed at once), `dates_taken`, then the actions of state.ts. */
const bookingOutcomes = counter(
  'hbnb_bookings_total',
  'Bookings made and their status changes, by outcome.',
  ['outcome'],
)

function toView(row: BookingWithPlace, covers: Map<string, PhotoCoverView>): BookingView {
  const {
    nightly_prices,
    idempotency_key: _key,
    place_title,
    place_city,
    place_country,
    guest_first_name,
    guest_last_name,
    guest_reviewed,
    host_reviewed,
    ...rest
  } = row
  const nights = JSON.parse(nightly_prices) as NightPrice[]
  return {
    ...rest,
    nightly_prices: nights.map((n) => ({ ...n, price: toMajorUnits(n.price_minor, row.currency) })),
    total: toMajorUnits(row.total_minor, row.currency),
    place: {
      id: row.place_id,
      title: place_title,
      city: place_city,
      country: place_country,
      cover_photo: covers.get(row.place_id) ?? null,
    },
    guest: { id: row.guest_id, first_name: guest_first_name, last_name: guest_last_name },
    reviewed: { by_guest: Boolean(Number(guest_reviewed)), by_host: Boolean(Number(host_reviewed)) },
  }
}

/** What each action tells the guest and host about. */
const EVENT_OF: Partial<Record<BookingAction, BookingEvent>> = {
  accept: 'accepted',
  decline: 'declined',
  guest_cancel: 'cancelled',
  host_cancel: 'cancelled',
}

/** Whether a hold and a booking are for the same nights. */
const sameStay = (a: Stay, b: Stay) => a.check_in === b.check_in && a.check_out === b.check_out

export interface BookingServiceDeps {
  bookings: BookingRepository
  places: PlaceRepository
  calendar: CalendarRepository
  options: BookingOptions
  logger: Logger
  /** Told when nights are taken or released (search results with dates change). */
  cache: ResponseCache
  /** Checkout holds: the guest's own becomes the booking; others' take their nights. */
  holds: HoldService
  /** Told when nights are taken or released (listing pages open in browsers change). */
  live: LiveEvents
  /** The clock (milliseconds since the epoch). */
  now: () => number
  /** The cover photos of the booked listings. */
  covers: CoversOf
}

export class BookingService {
  constructor(private readonly deps: BookingServiceDeps) {}

  /** Prices a stay from the listing and its calendar. Rule violations are 400s; taken nights are reported. */
  async quote(placeId: string, stay: Stay, actor: Actor | null): Promise<Quote> {
    const place = await findVisiblePlace(this.deps.places, placeId, actor)
    const now = this.deps.now()
    assertStayAllowed(place, stay, now)
    const [charges, nightly] = await this.price(place, stay)
    const [occupied, hold] = await Promise.all([
      this.deps.calendar.occupied(place.id, stay.check_in, stay.check_out, new Date(now).toISOString()),
      actor ? this.deps.holds.heldBy(actor.id, place.id) : undefined,
    ])
    const taken = occupied.filter((night) => !(hold && night.kind === 'hold' && night.source === hold.id))
    const heldUntil = taken
      .filter((night) => night.kind === 'hold')
      .map((night) => night.expires_at!)
      .sort()
      .pop()
    return {
      place_id: place.id,
      check_in: stay.check_in,
      check_out: stay.check_out,
      guests: stay.guests,
      nights: nightly.length,
      currency: place.currency,
      nightly_prices: nightly.map((n) => ({ ...n, price: toMajorUnits(n.price_minor, place.currency) })),
      ...charges,
      total: toMajorUnits(charges.total_minor, place.currency),
      available: taken.length === 0 && place.status === 'published',
      unavailable_nights: taken.map((n) => n.night),
      ...(heldUntil ? { held_until: heldUntil } : {}),
      ...(hold ? { hold } : {}),
      instant_book: place.instant_book === 1,
      cancellation_policy: place.cancellation_policy,
    }
  }

  private async price(place: PlaceRow, stay: Stay): Promise<[Charges, NightPrice[]]> {
    const overrides = await this.deps.calendar.prices(place.id, stay.check_in, stay.check_out)
    const byNight = new Map(overrides.map((o) => [o.night, o.price_minor]))
    const nightly = nightsOf(stay.check_in, stay.check_out).map((date) => ({
      date,
      price_minor: byNight.get(date) ?? place.price_minor,
    }))
    return [priceStay(nightly, place.cleaning_fee_minor, this.deps.options), nightly]
  }

  /**
   * Books a stay. The same Idempotency-Key from the same guest returns the first booking instead
   * of booking twice. Instant-book listings confirm at once; others wait for the host.
   */
  async create(
    actor: Actor,
    input: Stay & { place_id: string },
    idempotencyKey?: string,
  ): Promise<{ booking: BookingView; replayed: boolean }> {
    if (idempotencyKey) {
      const previous = await this.deps.bookings.findByIdempotencyKey(actor.id, idempotencyKey)
      if (previous) return { booking: await this.replay(previous, input), replayed: true }
    }
    // The stay is priced from the listing as the primary has it, never from a lagging replica.
    const place = await readFromPrimary(() => findVisiblePlace(this.deps.places, input.place_id, actor))
    if (place.owner_id === actor.id) throw badRequest('You cannot book your own place', 'own_place')
    if (place.status !== 'published') throw conflict('This listing is not open for booking', 'not_bookable')
    const now = this.deps.now()
    assertStayAllowed(place, input, now)
    const [charges, nightly] = await this.price(place, input)
    assertStorable(charges, place.currency)
    const nowText = new Date(now).toISOString()
    const instant = place.instant_book === 1
    const row = bookingRow(
      place,
      {
        id: uuidv7(),
        guest_id: actor.id,
        check_in: input.check_in,
        check_out: input.check_out,
        guests: input.guests,
      },
      nightly,
      charges,
      {
        status: instant ? 'confirmed' : 'pending',
        idempotency_key: idempotencyKey ?? null,
        expires_at: instant
          ? null
          : new Date(now + this.deps.options.requestTtlHours * 3_600_000).toISOString(),
        confirmed_at: instant ? nowText : null,
        created_at: nowText,
      },
    )
    let hold: CheckoutHoldRow | undefined
    for (let attempt = 1; ; attempt++) {
      try {
        const inserted = await this.deps.bookings.insertHoldingNights(
          row,
          nightly.map((n) => n.date),
          nowText,
          [this.notification(row.id, instant ? 'confirmed' : 'requested', now)],
          (expiredId) => this.notification(expiredId, 'expired', now),
          (held) => (sameStay(held, row) ? undefined : this.deps.holds.freedRow(held, actor.id, now)),
        )
        if (inserted.outcome === 'not_bookable')
          throw conflict('This listing is not open for booking', 'not_bookable')
        hold = inserted.hold
        break
      } catch (error) {
        if (isDeadlock(error) && attempt < MAX_RETRIES) continue
        if (!isUniqueViolation(error) && !isDeadlock(error)) throw error
        if (idempotencyKey) {
          const previous = await this.deps.bookings.findByIdempotencyKey(actor.id, idempotencyKey)
          if (previous) return { booking: await this.replay(previous, input), replayed: true }
        }
        const taken = await this.deps.calendar.occupied(place.id, input.check_in, input.check_out, nowText)
        bookingOutcomes.inc({ outcome: 'dates_taken' })
        if (taken.length) throw takenDatesError(taken, now)
        throw conflict(
          'These dates were just booked by someone else: choose other dates',
          'dates_unavailable',
        )
      }
    }
    if (hold) this.deps.holds.ended(hold, sameStay(hold, row) ? 'booked' : 'replaced')
    await this.availabilityChanged(row)
    bookingOutcomes.inc({ outcome: instant ? 'instant' : 'requested' })
    this.deps.logger.info(
      { booking_id: row.id, place_id: row.place_id, status: row.status },
      'booking created',
    )
    return { booking: await this.view((await this.deps.bookings.findById(row.id))!), replayed: false }
  }

  private async replay(previous: BookingWithPlace, input: Stay & { place_id: string }): Promise<BookingView> {
    const same =
      previous.place_id === input.place_id &&
      previous.check_in === input.check_in &&
      previous.check_out === input.check_out &&
      previous.guests === input.guests
    if (!same) {
      throw conflict(
        'This Idempotency-Key was already used for a different booking: use a new key',
        'idempotency_key_reused',
      )
    }
    return this.view(previous)
  }

  async get(id: string, actor: Actor): Promise<BookingView> {
    return this.view(await this.visibleTo(id, actor))
  }

  async list(filter: Omit<Parameters<BookingRepository['list']>[0], 'limit'> & { limit: number }) {
    const rows = await this.deps.bookings.list(filter)
    const covers = await this.deps.covers([...new Set(rows.items.map((row) => row.place_id))])
    return mapPage(rows, (row) => toView(row, covers))
  }

  private async view(row: BookingWithPlace): Promise<BookingView> {
    return toView(row, await this.deps.covers([row.place_id]))
  }

  async accept(id: string, actor: Actor): Promise<BookingView> {
    const booking = await this.asHost(id, actor)
    await this.expireIfDue(booking)
    const now = new Date(this.deps.now()).toISOString()
    return this.apply(booking, 'accept', { confirmed_at: now, expires_at: null }, false)
  }

  async decline(id: string, actor: Actor): Promise<BookingView> {
    const booking = await this.asHost(id, actor)
    await this.expireIfDue(booking)
    return this.apply(booking, 'decline', { refund_minor: booking.total_minor }, true)
  }

  /** What cancelling now would refund, without cancelling. */
  async cancellationPreview(id: string, actor: Actor): Promise<CancellationPreview> {
    return this.priceCancellation(await this.visibleTo(id, actor), actor)
  }

  /**
   * Cancels at the refund priced from the booking as read here. The status change is conditional
   * on the status that refund was priced for: if the booking changed meanwhile (a host accepted the
   * request a moment before), nothing changes and the caller gets a 409 to look at the new refund,
   * rather than a refund priced for a status the booking no longer has.
   */
  async cancel(id: string, actor: Actor): Promise<BookingView> {
    const booking = await this.visibleTo(id, actor)
    const priced = this.priceCancellation(booking, actor)
    const now = new Date(this.deps.now()).toISOString()
    return this.apply(
      booking,
      priced.cancelled_by === 'guest' ? 'guest_cancel' : 'host_cancel',
      { cancelled_by: priced.cancelled_by, cancelled_at: now, refund_minor: priced.refund_minor },
      true,
    )
  }

  private priceCancellation(booking: BookingRow, actor: Actor): CancellationPreview {
    const by = booking.guest_id === actor.id ? 'guest' : 'host'
    transition(booking.status, by === 'guest' ? 'guest_cancel' : 'host_cancel')
    this.assertNotOver(booking)
    const refund = this.refundFor(booking, by)
    return {
      booking_id: booking.id,
      cancelled_by: by,
      currency: booking.currency,
      total_minor: booking.total_minor,
      ...refund,
      refund: toMajorUnits(refund.refund_minor, booking.currency),
    }
  }

  /** Expires unanswered requests and completes finished stays. Safe to run from several processes. */
  async runDueTransitions(): Promise<{ expired: number; completed: number }> {
    const now = this.deps.now()
    const nowText = new Date(now).toISOString()
    const expired: BookingRow[] = []
    for (const booking of await this.deps.bookings.pendingExpiredBy(nowText)) {
      if (
        await this.deps.bookings.changeStatus(
          booking.id,
          'pending',
          { status: 'expired', refund_minor: booking.total_minor, updated_at: nowText },
          true,
          [this.notification(booking.id, 'expired', now), this.nightsFreed(booking, 'expired', now)],
        )
      )
        expired.push(booking)
    }
    let completed = 0
    // A check-out date in any time zone is at most a day ahead of UTC.
    for (const booking of await this.deps.bookings.confirmedEndingBy(addDays(nowText.slice(0, 10), 1))) {
      if (localTimeToInstant(booking.check_out, booking.check_out_time, booking.timezone) > now) continue
      if (
        await this.deps.bookings.changeStatus(
          booking.id,
          'confirmed',
          { status: 'completed', updated_at: nowText },
          false,
        )
      )
        completed++
    }
    if (expired.length) await this.availabilityChanged(...expired)
    if (expired.length || completed)
      this.deps.logger.info({ expired: expired.length, completed }, 'booking transitions applied')
    return { expired: expired.length, completed }
  }

  private refundFor(booking: BookingRow, by: 'guest' | 'host'): Refund {
    if (by === 'host' || booking.status === 'pending') return fullRefund(booking)
    const checkIn = localTimeToInstant(booking.check_in, booking.check_in_time, booking.timezone)
    return guestRefund(booking.cancellation_policy, booking, checkIn - this.deps.now())
  }

  private assertNotOver(booking: BookingRow): void {
    const checkOut = localTimeToInstant(booking.check_out, booking.check_out_time, booking.timezone)
    if (checkOut <= this.deps.now())
      throw conflict('This stay is over and can no longer be cancelled', 'stay_over')
  }

  private async expireIfDue(booking: BookingRow): Promise<void> {
    if (
      booking.status === 'pending' &&
      booking.expires_at &&
      booking.expires_at <= new Date(this.deps.now()).toISOString()
    ) {
      await this.runDueTransitions()
      throw conflict(
        'This request expired before it was answered: the guest can send a new one',
        'request_expired',
      )
    }
  }

  private async apply(
    booking: BookingRow,
    action: BookingAction,
    changes: Partial<BookingRow>,
    release: boolean,
  ): Promise<BookingView> {
    const status: BookingStatus = transition(booking.status, action)
    const now = this.deps.now()
    const event = EVENT_OF[action]
    const outbox = event ? [this.notification(booking.id, event, now)] : []
    if (release) outbox.push(this.nightsFreed(booking, status, now))
    const applied = await this.deps.bookings.changeStatus(
      booking.id,
      booking.status,
      { ...changes, status, updated_at: new Date(now).toISOString() },
      release,
      outbox,
    )
    if (applied && release) await this.availabilityChanged(booking)
    if (!applied) {
      const current = await this.deps.bookings.findById(booking.id)
      throw conflict(
        `This booking changed meanwhile and is now ${current?.status ?? 'gone'}: reload it`,
        'booking_changed',
      )
    }
    bookingOutcomes.inc({ outcome: action })
    this.deps.logger.info(
      { booking_id: booking.id, from: booking.status, to: status, action },
      'booking status changed',
    )
    return this.view((await this.deps.bookings.findById(booking.id))!)
  }

  /** The outbox row that tells the guests who wanted a released booking's nights (never its own guest). */
  private nightsFreed(booking: BookingRow, status: BookingStatus, now: number) {
    return freedNightsRow(
      {
        place_id: booking.place_id,
        from: booking.check_in,
        to: booking.check_out,
        except: [booking.guest_id],
      },
      `booking:${booking.id}:${status}`,
      now,
    )
  }

  /** After the nights of these bookings were taken or released (their transaction committed). */
  private async availabilityChanged(...bookings: Pick<BookingRow, 'place_id' | 'check_in' | 'check_out'>[]) {
    await this.deps.cache.invalidate(Changes.availability())
    for (const booking of bookings) {
      this.deps.live.publish(
        availabilityChanged(booking.place_id, booking.check_in, addDays(booking.check_out, -1)),
      )
    }
  }

  /** The outbox row that tells the guest and host about a booking change. */
  private notification(bookingId: string, event: BookingEvent, now: number) {
    return outboxRow(bookingNotification(bookingId, event), now)
  }

  private async visibleTo(id: string, actor: Actor): Promise<BookingWithPlace> {
    const booking = await this.deps.bookings.findById(id)
    if (!booking) throw notFound('Booking not found')
    if (booking.guest_id !== actor.id && booking.host_id !== actor.id && !actor.isAdmin)
      throw notFound('Booking not found')
    return booking
  }

  private async asHost(id: string, actor: Actor): Promise<BookingWithPlace> {
    const booking = await this.visibleTo(id, actor)
    if (booking.host_id !== actor.id && !actor.isAdmin)
      throw forbidden('Only the host can answer a booking request', 'not_host')
    return booking
  }
}
