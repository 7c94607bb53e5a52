// Checkout holds: a guest opening checkout holds the nights for a few minutes, so nobody else can
// take them meanwhile. The hold's nights are place-night rows like a booking's (one per night, under
// the table's unique key), so "never two on one night" is the database's rule, not a check in code.
import { nightsOf } from '../../dates.js'
import { isDeadlock, isUniqueViolation } from '../../db/database.js'
import { readFromPrimary } from '../../db/read-context.js'
import type { CheckoutHoldRow, OutboxRow } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import type { LiveEvents } from '../../domain/live.js'
import { AppError, badRequest, conflict, notFound } from '../../errors.js'
import { uuidv7 } from '../../ids.js'
import type { ResponseCache } from '../../infra/cache/index.js'
import type { Logger } from '../../logger.js'
import { assertStayAllowed, type Stay } from '../bookings/rules.js'
import { Changes } from '../cache-scopes.js'
import type { CalendarRepository, OccupiedNight } from '../calendar/repository.js'
import { findVisiblePlace } from '../places/access.js'
import type { PlaceRepository } from '../places/repository.js'
import { freedNightsRow } from './freed-dates-service.js'
import type { HoldRepository } from './repository.js'

export interface HoldView {
  id: string
  place_id: string
  check_in: string
  check_out: string
  guests: number
  expires_at: string
  /** Whole seconds until the hold ends (0 once it has). */
  seconds_left: number
  created_at: string
}

export type HoldEnd = 'released' | 'expired' | 'replaced' | 'booked'

const MAX_ATTEMPTS = 4

export function holdView(hold: CheckoutHoldRow, now: number): HoldView {
  const { id, place_id, check_in, check_out, guests, expires_at, created_at } = hold
  const secondsLeft = Math.max(0, Math.ceil((Date.parse(expires_at) - now) / 1000))
  return { id, place_id, check_in, check_out, guests, expires_at, seconds_left: secondsLeft, created_at }
}

/**
 * The 409 for dates someone else has: held (with when the hold ends, never by whom) or booked or
 * blocked. `nights` are the place's occupied nights in the stay, as read after the refusal.
 */
export function takenDatesError(nights: OccupiedNight[], now: number): AppError {
  const holds = nights.filter((night) => night.kind === 'hold' && night.expires_at)
  const unavailable = nights.map((night) => night.night)
  if (holds.length && holds.length === nights.length) {
    const heldUntil = holds.map((night) => night.expires_at!).sort()[holds.length - 1]!
    const minutes = Math.max(1, Math.ceil((Date.parse(heldUntil) - now) / 60_000))
    return new AppError(
      409,
      'dates_held',
      `Someone is booking these dates: their hold ends at ${heldUntil} (in about ${minutes} min), when the dates may free up`,
      { held_until: heldUntil, unavailable_nights: unavailable },
    )
  }
  return new AppError(
    409,
    'dates_unavailable',
    'These dates were just booked by someone else: choose other dates',
    {
      unavailable_nights: unavailable,
    },
  )
}

export interface HoldServiceDeps {
  holds: HoldRepository
  places: PlaceRepository
  calendar: CalendarRepository
  live: LiveEvents
  /** Told when nights are held or freed (search results with dates change). */
  cache: ResponseCache
  logger: Logger
  options: {
    /** How long a hold lasts (HBNB_CHECKOUT_HOLD_SECONDS). */
    holdSeconds: number
  }
  /** The clock (milliseconds since the epoch). */
  now: () => number
}

export class HoldService {
  constructor(private readonly deps: HoldServiceDeps) {}

  /**
   * Holds the stay's nights for the guest, replacing the guest's previous hold. Opening checkout
   * again for the same stay while the hold lasts returns that hold (it is not extended).
   */
  async take(actor: Actor, placeId: string, stay: Stay): Promise<{ hold: HoldView; created: boolean }> {
    const place = await readFromPrimary(() => findVisiblePlace(this.deps.places, placeId, actor))
    if (place.owner_id === actor.id) throw badRequest('You cannot book your own place', 'own_place')
    if (place.status !== 'published') throw conflict('This listing is not open for booking', 'not_bookable')
    const now = this.deps.now()
    assertStayAllowed(place, stay, now)
    const nowText = new Date(now).toISOString()
    const current = await this.deps.holds.findByGuest(actor.id)
    if (
      current &&
      current.expires_at > nowText &&
      current.place_id === place.id &&
      current.check_in === stay.check_in &&
      current.check_out === stay.check_out &&
      current.guests === stay.guests
    )
      return { hold: holdView(current, now), created: false }

    const hold: CheckoutHoldRow = {
      id: uuidv7(),
      place_id: place.id,
      guest_id: actor.id,
      check_in: stay.check_in,
      check_out: stay.check_out,
      guests: stay.guests,
      expires_at: new Date(now + this.deps.options.holdSeconds * 1000).toISOString(),
      created_at: nowText,
    }
    const nights = nightsOf(stay.check_in, stay.check_out)
    let replaced: CheckoutHoldRow | undefined
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.deps.holds.take(hold, nights, nowText, (previous) =>
          this.freedRow(previous, actor.id, now),
        )
        if (result.outcome === 'not_bookable')
          throw conflict('This listing is not open for booking', 'not_bookable')
        replaced = result.replaced
        break
      } catch (error) {
        if (!isUniqueViolation(error) && !isDeadlock(error)) throw error
        // A violation on the guest's own key (two checkouts of one guest at once) or a deadlock
        // (MariaDB) is worth another try; nights taken by someone else are not.
        const taken = await this.deps.calendar.occupied(place.id, stay.check_in, stay.check_out, nowText)
        const others = taken.filter((night) => night.kind !== 'hold' || night.source !== hold.id)
        if (others.length === 0 && attempt < MAX_ATTEMPTS) continue
        if (others.length === 0)
          throw conflict('These dates are being changed: try again', 'dates_unavailable')
        await this.refused(actor.id, place.id, stay)
        throw takenDatesError(others, now)
      }
    }
    this.deps.live.publish({
      topic: `place:${place.id}`,
      type: 'hold.started',
      data: { place_id: place.id, from: hold.check_in, to: hold.check_out, expires_at: hold.expires_at },
    })
    this.availabilityChanged(place.id, hold.check_in, hold.check_out)
    if (replaced) this.ended(replaced, 'replaced')
    await this.deps.cache.invalidate(Changes.availability())
    this.deps.logger.info({ hold_id: hold.id, place_id: place.id }, 'checkout hold taken')
    return { hold: holdView(hold, now), created: true }
  }

  /** The guest's hold while it lasts. */
  async current(actor: Actor): Promise<HoldView> {
    const now = this.deps.now()
    const hold = await this.deps.holds.findByGuest(actor.id)
    if (!hold || Date.parse(hold.expires_at) <= now) throw notFound('You hold no dates', 'no_hold')
    return holdView(hold, now)
  }

  /** The guest's hold on a place while it lasts, for the guest's quote. */
  async heldBy(guestId: string, placeId: string): Promise<HoldView | undefined> {
    const now = this.deps.now()
    const hold = await this.deps.holds.findByGuest(guestId)
    if (!hold || hold.place_id !== placeId || Date.parse(hold.expires_at) <= now) return undefined
    return holdView(hold, now)
  }

  /** Remembers that the guest was refused the stay's nights, to be told when they free up (best effort). */
  async refused(guestId: string, placeId: string, stay: Pick<Stay, 'check_in' | 'check_out'>): Promise<void> {
    const now = new Date(this.deps.now()).toISOString()
    try {
      await this.deps.holds.recordRefusal(guestId, placeId, stay.check_in, stay.check_out, now)
    } catch (error) {
      // The guest still gets the refusal; only a later "dates freed" alert is lost.
      this.deps.logger.warn({ err: error, place_id: placeId }, 'hold refusal not recorded')
    }
  }

  /** Releases the guest's hold (only its holder can). */
  async release(actor: Actor, id: string): Promise<void> {
    const now = this.deps.now()
    const hold = await this.deps.holds.release(id, actor.id, (held) => this.freedRow(held, actor.id, now))
    if (!hold) throw notFound('Hold not found', 'no_hold')
    this.ended(hold, Date.parse(hold.expires_at) <= now ? 'expired' : 'released')
    await this.deps.cache.invalidate(Changes.availability())
  }

  /** Removes holds that ended and tells who wanted their nights. Safe to run from several processes. */
  async expireDue(): Promise<{ expired: number }> {
    const now = this.deps.now()
    const nowText = new Date(now).toISOString()
    let expired = 0
    for (const hold of await this.deps.holds.endedBy(nowText)) {
      try {
        const freed = (ended: CheckoutHoldRow) => this.freedRow(ended, ended.guest_id, now)
        if (!(await this.deps.holds.removeEnded(hold, nowText, freed))) continue
      } catch (error) {
        // A booking or hold writing the same nights at once (MariaDB deadlock): the next sweep retries.
        if (isDeadlock(error)) continue
        throw error
      }
      expired++
      this.ended(hold, 'expired')
    }
    await this.deps.holds.deleteOrphanNights(nowText)
    if (expired) {
      await this.deps.cache.invalidate(Changes.availability())
      this.deps.logger.info({ expired }, 'checkout holds expired')
    }
    return { expired }
  }

  /**
   * The outbox row that tells the guests who wanted an ended hold's nights (never its holder, nor
   * `by`, who ended it), written in the transaction that removes the hold.
   */
  freedRow(hold: CheckoutHoldRow, by: string, now: number): OutboxRow {
    const except = by === hold.guest_id ? [by] : [by, hold.guest_id]
    return freedNightsRow(
      { place_id: hold.place_id, from: hold.check_in, to: hold.check_out, except },
      `hold:${hold.id}`,
      now,
    )
  }

  /** Tells the place's viewers that a hold ended (and, unless it became a booking, its nights are free). */
  ended(hold: CheckoutHoldRow, reason: HoldEnd): void {
    this.deps.live.publish({
      topic: `place:${hold.place_id}`,
      type: 'hold.ended',
      data: { place_id: hold.place_id, from: hold.check_in, to: hold.check_out, reason },
    })
    if (reason !== 'booked') this.availabilityChanged(hold.place_id, hold.check_in, hold.check_out)
  }

  private availabilityChanged(placeId: string, from: string, to: string): void {
    this.deps.live.publish({
      topic: `place:${placeId}`,
      type: 'availability.changed',
      data: { place_id: placeId, from, to },
    })
  }
}
