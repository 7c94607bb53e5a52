import { isUniqueViolation } from '../../db/database.js'
import type { ReviewRow } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import { mapPage, type Page, type PageRequest } from '../../domain/pages.js'
import { badRequest, forbidden, Messages, notFound } from '../../errors.js'
import { nowIso, uuidv7 } from '../../ids.js'
import type { ResponseCache } from '../../infra/cache/index.js'
import { Changes } from '../cache-scopes.js'
import type { NotificationCentreService } from '../notifications/centre-service.js'
import { inAppText } from '../notifications/templates/message-emails.js'
import { canSeePlace, findVisiblePlace } from '../places/access.js'
import type { PlaceRepository } from '../places/repository.js'
import { requiredText } from '../validation.js'
import type { ReviewRepository, ReviewWithAuthor } from './repository.js'
import type { PlaceReviewView, ReviewCreateInput, ReviewUpdateInput, ReviewView } from './schemas.js'

const TEXT_MAX = 5000

/** An open (HBnB) review has no stay: no category ratings, never hidden. */
export const NO_STAY_RATINGS = {
  rating_cleanliness: null,
  rating_accuracy: null,
  rating_communication: null,
  rating_location: null,
  rating_check_in: null,
  rating_value: null,
  hidden_until: null,
} as const

export function toReviewView(row: ReviewRow): ReviewView {
  return {
    id: row.id,
    text: row.text,
    rating: row.rating,
    user_id: row.user_id,
    place_id: row.place_id,
    verified: row.booking_id !== '',
    booking_id: row.booking_id || null,
    ratings:
      row.rating_cleanliness === null
        ? null
        : {
            cleanliness: row.rating_cleanliness,
            accuracy: row.rating_accuracy!,
            communication: row.rating_communication!,
            location: row.rating_location!,
            check_in: row.rating_check_in!,
            value: row.rating_value!,
          },
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

export function toPlaceReviewView(row: ReviewWithAuthor): PlaceReviewView {
  return {
    ...toReviewView(row),
    user: { id: row.user_id, first_name: row.author_first_name, last_name: row.author_last_name },
  }
}

const alreadyReviewed = () => badRequest(Messages.alreadyReviewed, 'already_reviewed')

export interface ReviewServiceDeps {
  reviews: ReviewRepository
  places: PlaceRepository
  cache: ResponseCache
  /** Tells the host of the place in-app. */
  centre: NotificationCentreService
}

export class ReviewService {
  constructor(private readonly deps: ReviewServiceDeps) {}

  async create(input: ReviewCreateInput, actor: Actor): Promise<ReviewView> {
    const text = requiredText('text', input.text, TEXT_MAX)
    const place = await findVisiblePlace(this.deps.places, input.place_id, actor)
    if (place.owner_id === actor.id) throw badRequest(Messages.ownPlaceReview, 'own_place')
    if (await this.deps.reviews.findOpenReview(place.id, actor.id)) throw alreadyReviewed()
    const now = nowIso()
    const row: ReviewRow = {
      id: uuidv7(),
      place_id: place.id,
      user_id: actor.id,
      text,
      rating: input.rating,
      booking_id: '',
      ...NO_STAY_RATINGS,
      created_at: now,
      updated_at: now,
    }
    try {
      await this.deps.reviews.insert(row)
    } catch (error) {
      if (isUniqueViolation(error)) throw alreadyReviewed()
      throw error
    }
    await this.deps.places.refreshRating(place.id)
    await this.deps.cache.invalidate(Changes.place(place.id))
    await this.deps.centre.notify({
      userId: place.owner_id,
      kind: 'review_received',
      text: inAppText.review(place.title),
      data: { review_id: row.id, place_id: place.id },
      dedupeKey: `review:${row.id}`,
    })
    return toReviewView(row)
  }

  async get(id: string, actor: Actor | null): Promise<ReviewView> {
    return toReviewView(await this.visible(id, actor))
  }

  async list(page: PageRequest): Promise<Page<ReviewView>> {
    const [rows, total] = await Promise.all([this.deps.reviews.listPage(page), this.deps.reviews.count()])
    return mapPage(rows, toReviewView, total)
  }

  async listForPlace(
    placeId: string,
    page: PageRequest,
    actor: Actor | null,
  ): Promise<Page<PlaceReviewView>> {
    await findVisiblePlace(this.deps.places, placeId, actor)
    const [rows, total] = await Promise.all([
      this.deps.reviews.forPlace(page, placeId),
      this.deps.reviews.countForPlace(placeId),
    ])
    return mapPage(rows, toPlaceReviewView, total)
  }

  async update(id: string, input: ReviewUpdateInput, actor: Actor): Promise<ReviewView> {
    const current = await this.authoredBy(id, actor)
    const changes: Partial<ReviewRow> = {}
    if (input.text !== undefined) changes.text = requiredText('text', input.text, TEXT_MAX)
    if (input.rating !== undefined) changes.rating = input.rating
    if (Object.keys(changes).length === 0) return toReviewView(current)
    changes.updated_at = nowIso()
    await this.deps.reviews.update(id, changes)
    if (changes.rating !== undefined) await this.deps.places.refreshRating(current.place_id)
    await this.deps.cache.invalidate(Changes.place(current.place_id))
    return toReviewView({ ...current, ...changes })
  }

  async delete(id: string, actor: Actor): Promise<void> {
    const review = await this.authoredBy(id, actor)
    await this.deps.reviews.delete(id)
    await this.deps.places.refreshRating(review.place_id)
    await this.deps.cache.invalidate(Changes.place(review.place_id))
  }

  /**
   * The review as the actor may see it: a review of a place the caller cannot see does not exist
   * for them, and a hidden stay review exists only for its author and admins until it is revealed.
   */
  private async visible(id: string, actor: Actor | null): Promise<ReviewRow> {
    const row = await this.ofVisiblePlace(id, actor)
    if (row.hidden_until !== null && !actor?.isAdmin && actor?.id !== row.user_id)
      throw notFound(Messages.reviewNotFound)
    return row
  }

  /** The review, when the actor wrote it or is an admin; others may not learn that a hidden one exists. */
  private async authoredBy(id: string, actor: Actor): Promise<ReviewRow> {
    const row = await this.visible(id, actor)
    if (row.user_id !== actor.id && !actor.isAdmin) throw forbidden(Messages.unauthorizedAction, 'not_author')
    return row
  }

  /** The review, when the actor wrote it or can see its place (see places/access.ts); 404 otherwise. */
  private async ofVisiblePlace(id: string, actor: Actor | null): Promise<ReviewRow> {
    const row = await this.deps.reviews.findById(id)
    if (row && actor?.id === row.user_id) return row
    const place = row && (await this.deps.places.findById(row.place_id))
    if (!row || !place || !canSeePlace(place, actor)) throw notFound(Messages.reviewNotFound)
    return row
  }
}
