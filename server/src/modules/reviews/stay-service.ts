// Reviews of a stay, both ways: the guest reviews the place (with category ratings), the host
// reviews the guest. Each stays hidden until both are in or the review window closes, so neither
// side writes in reaction to the other.
import { localTimeToInstant } from '../../dates.js'
import { isUniqueViolation } from '../../db/database.js'
import type { ReviewRow } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import { mapPage, type Page, type PageRequest } from '../../domain/pages.js'
import { badRequest, conflict, forbidden, notFound } from '../../errors.js'
import { uuidv7 } from '../../ids.js'
import type { ResponseCache } from '../../infra/cache/index.js'
import type { BookingRepository } from '../bookings/repository.js'
import { Changes } from '../cache-scopes.js'
import type { NotificationCentreService } from '../notifications/centre-service.js'
import { inAppText } from '../notifications/templates/message-emails.js'
import type { PlaceRepository } from '../places/repository.js'
import { requiredText } from '../validation.js'
import type { ReviewRepository } from './repository.js'
import type { GuestReviewView, StayReviewInput } from './schemas.js'

export const REVIEW_WINDOW_DAYS = 14
const TEXT_MAX = 5000

export interface StayReviewResult {
  id: string
  booking_id: string
  about: 'place' | 'guest'
  visible: boolean
  visible_from: string | null
}

const NOT_PARTY = 'Only the guest and the host of a stay can review it'
const alreadyReviewed = () => conflict('You already reviewed this stay', 'already_reviewed')

export interface StayReviewServiceDeps {
  reviews: ReviewRepository
  bookings: BookingRepository
  places: PlaceRepository
  now: () => number
  cache: ResponseCache
  /** Tells the reviewed side in-app. */
  centre: NotificationCentreService
}

export class StayReviewService {
  constructor(private readonly deps: StayReviewServiceDeps) {}

  async review(bookingId: string, input: StayReviewInput, actor: Actor): Promise<StayReviewResult> {
    const booking = await this.deps.bookings.findById(bookingId)
    const isParty = booking && (booking.guest_id === actor.id || booking.host_id === actor.id)
    // Admins see every booking (GET /bookings/<id>), but only its guest and host review the stay.
    if (!booking || (!isParty && !actor.isAdmin)) throw notFound('Booking not found')
    if (!isParty) throw forbidden(NOT_PARTY, 'not_party')
    if (booking.status !== 'completed') {
      throw conflict(
        `A stay can be reviewed once it is completed; this booking is ${booking.status}`,
        'stay_not_completed',
      )
    }
    const checkOut = localTimeToInstant(booking.check_out, booking.check_out_time, booking.timezone)
    const windowEnd = new Date(checkOut + REVIEW_WINDOW_DAYS * 86_400_000).toISOString()
    const nowText = new Date(this.deps.now()).toISOString()
    if (nowText >= windowEnd)
      throw conflict(`The review window of this stay closed on ${windowEnd}`, 'review_window_closed')
    const text = requiredText('text', input.text, TEXT_MAX)
    const id = uuidv7()

    let about: 'place' | 'guest'
    let counterpart: unknown
    try {
      if (actor.id === booking.guest_id) {
        if (!input.ratings)
          throw badRequest(
            'ratings is required: rate cleanliness, accuracy, communication, location, check_in and value from 1 to 5',
            'validation_failed',
          )
        if (await this.deps.reviews.findStayReview(booking.id)) throw alreadyReviewed()
        const row: ReviewRow = {
          id,
          place_id: booking.place_id,
          user_id: actor.id,
          booking_id: booking.id,
          text,
          rating: input.rating,
          rating_cleanliness: input.ratings.cleanliness,
          rating_accuracy: input.ratings.accuracy,
          rating_communication: input.ratings.communication,
          rating_location: input.ratings.location,
          rating_check_in: input.ratings.check_in,
          rating_value: input.ratings.value,
          hidden_until: windowEnd,
          created_at: nowText,
          updated_at: nowText,
        }
        await this.deps.reviews.insert(row)
        about = 'place'
        counterpart = await this.deps.reviews.findGuestReview(booking.id)
      } else if (actor.id === booking.host_id) {
        if (await this.deps.reviews.findGuestReview(booking.id)) throw alreadyReviewed()
        await this.deps.reviews.insertGuestReview({
          id,
          booking_id: booking.id,
          host_id: actor.id,
          guest_id: booking.guest_id,
          text,
          rating: input.rating,
          hidden_until: windowEnd,
          created_at: nowText,
          updated_at: nowText,
        })
        about = 'guest'
        counterpart = await this.deps.reviews.findStayReview(booking.id)
      } else {
        throw forbidden(NOT_PARTY, 'not_party')
      }
    } catch (error) {
      if (isUniqueViolation(error)) throw alreadyReviewed()
      throw error
    }

    await this.deps.centre.notify({
      userId: about === 'place' ? booking.host_id : booking.guest_id,
      kind: 'review_received',
      text:
        about === 'place' ? inAppText.review(booking.place_title) : inAppText.stayReview(booking.place_title),
      data: { review_id: id, booking_id: booking.id, place_id: booking.place_id },
      dedupeKey: `review:${id}`,
    })
    if (counterpart) {
      await this.deps.reviews.revealStay(booking.id)
      await this.deps.places.refreshRating(booking.place_id)
      await this.deps.cache.invalidate(Changes.place(booking.place_id))
    }
    return {
      id,
      booking_id: booking.id,
      about,
      visible: Boolean(counterpart),
      visible_from: counterpart ? nowText : windowEnd,
    }
  }

  async aboutGuest(guestId: string, page: PageRequest): Promise<Page<GuestReviewView>> {
    const rows = await this.deps.reviews.aboutGuest(guestId, page)
    return mapPage(rows, (r) => ({
      id: r.id,
      booking_id: r.booking_id,
      guest_id: r.guest_id,
      host_id: r.host_id,
      text: r.text,
      rating: r.rating,
      author: { id: r.host_id, first_name: r.author_first_name, last_name: r.author_last_name },
      created_at: r.created_at,
      updated_at: r.updated_at,
    }))
  }

  /** Reveals reviews whose window closed and refreshes the ratings they change. */
  async revealDue(): Promise<number> {
    const places = await this.deps.reviews.revealDue(new Date(this.deps.now()).toISOString())
    for (const placeId of places) {
      await this.deps.places.refreshRating(placeId)
      await this.deps.cache.invalidate(Changes.place(placeId))
    }
    return places.length
  }
}
