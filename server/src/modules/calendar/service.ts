import { addDays, daysBetween, isCalendarDate, nightsOf } from '../../dates.js'
import { isUniqueViolation } from '../../db/database.js'
import type { Actor } from '../../domain/actor.js'
import { availabilityChanged, type LiveEvents } from '../../domain/live.js'
import { badRequest, conflict } from '../../errors.js'
import { uuidv7 } from '../../ids.js'
import type { ResponseCache } from '../../infra/cache/index.js'
import { Changes } from '../cache-scopes.js'
import { freedNightsRow } from '../holds/freed-dates-service.js'
import { findManagedPlace, findVisiblePlace } from '../places/access.js'
import { toMajorUnits, toMinorUnits } from '../places/money.js'
import type { PlaceRepository } from '../places/repository.js'
import type { CalendarRepository } from './repository.js'

export const MAX_RANGE_NIGHTS = 731
export const HOST_SOURCE = 'host'

export interface DateRange {
  from: string
  to: string
}

export interface CalendarNight {
  date: string
  status: 'available' | 'booked' | 'blocked' | 'held'
  price: number
  price_minor: number
  booking_id?: string
  source?: string
  /** A night held by a guest's checkout: when the hold ends (never who holds it). */
  held_until?: string
}

const STATUS_OF_KIND = { booking: 'booked', blocked: 'blocked', hold: 'held' } as const

/** Checks a [from, to) range of nights and returns its nights. */
export function rangeNights({ from, to }: DateRange): string[] {
  if (!isCalendarDate(from)) throw badRequest('from must be a date written YYYY-MM-DD', 'validation_failed')
  if (!isCalendarDate(to)) throw badRequest('to must be a date written YYYY-MM-DD', 'validation_failed')
  const count = daysBetween(from, to)
  if (count <= 0) throw badRequest('to must be after from (the range is [from, to))', 'validation_failed')
  if (count > MAX_RANGE_NIGHTS)
    throw badRequest(`a range covers at most ${MAX_RANGE_NIGHTS} nights`, 'validation_failed')
  return nightsOf(from, to)
}

export interface CalendarServiceDeps {
  places: PlaceRepository
  calendar: CalendarRepository
  cache: ResponseCache
  /** The clock (milliseconds since the epoch). */
  now: () => number
  /** Told when nights are blocked or unblocked (listing pages open in browsers change). */
  live: LiveEvents
}

export class CalendarService {
  constructor(private readonly deps: CalendarServiceDeps) {}

  /** Each night's status and price; who booked is shown to the host and admins only. */
  async nights(placeId: string, range: DateRange, actor: Actor | null): Promise<CalendarNight[]> {
    const nights = rangeNights(range)
    const place = await findVisiblePlace(this.deps.places, placeId, actor)
    const isManager = actor !== null && (actor.isAdmin || actor.id === place.owner_id)
    const now = new Date(this.deps.now()).toISOString()
    const [occupied, prices] = await Promise.all([
      this.deps.calendar.occupied(place.id, range.from, range.to, now),
      this.deps.calendar.prices(place.id, range.from, range.to),
    ])
    const byNight = new Map(occupied.map((n) => [n.night, n]))
    const priceByNight = new Map(prices.map((p) => [p.night, p.price_minor]))
    return nights.map((date) => {
      const taken = byNight.get(date)
      const priceMinor = priceByNight.get(date) ?? place.price_minor
      const night: CalendarNight = {
        date,
        status: taken ? STATUS_OF_KIND[taken.kind] : 'available',
        price: toMajorUnits(priceMinor, place.currency),
        price_minor: priceMinor,
      }
      if (taken?.kind === 'hold' && taken.expires_at) night.held_until = taken.expires_at
      if (isManager && taken?.booking_id) night.booking_id = taken.booking_id
      if (isManager && taken?.kind === 'blocked') night.source = taken.source
      return night
    })
  }

  async block(placeId: string, range: DateRange, actor: Actor): Promise<{ blocked: number }> {
    const nights = rangeNights(range)
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    try {
      const blocked = await this.deps.calendar.block(
        place.id,
        nights,
        HOST_SOURCE,
        new Date(this.deps.now()).toISOString(),
      )
      await this.deps.cache.invalidate(Changes.availability())
      if (blocked) this.deps.live.publish(availabilityChanged(place.id, range.from, addDays(range.to, -1)))
      return { blocked }
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
      const now = new Date(this.deps.now()).toISOString()
      const taken = await this.deps.calendar.occupied(place.id, range.from, range.to, now)
      const others = taken
        .filter((n) => !(n.kind === 'blocked' && n.source === HOST_SOURCE))
        .map((n) => n.night)
      throw conflict(
        `Some of these nights are already taken (${others.join(', ')}): block the other nights, or cancel the booking first`,
        'nights_taken',
      )
    }
  }

  async unblock(placeId: string, range: DateRange, actor: Actor): Promise<{ unblocked: number }> {
    rangeNights(range)
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    const freed = freedNightsRow(
      { place_id: place.id, from: range.from, to: range.to, except: [actor.id] },
      `unblock:${uuidv7()}`,
      this.deps.now(),
    )
    const unblocked = await this.deps.calendar.unblock(place.id, range.from, range.to, HOST_SOURCE, freed)
    await this.deps.cache.invalidate(Changes.availability())
    if (unblocked) this.deps.live.publish(availabilityChanged(place.id, range.from, addDays(range.to, -1)))
    return { unblocked }
  }

  /** Sets a nightly price on a range, or returns it to the listing's base price with `price: null`. */
  async setPrice(
    placeId: string,
    range: DateRange & { price: number | null },
    actor: Actor,
  ): Promise<{ nights: number }> {
    const nights = rangeNights(range)
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    const priceMinor = range.price === null ? null : toMinorUnits(range.price, place.currency)
    await this.deps.calendar.setPrices(place.id, nights, priceMinor)
    await this.deps.cache.invalidate(Changes.availability())
    return { nights: nights.length }
  }
}
