import * as Type from '../../json-schema.js'
import { Timestamps } from '../shared-schemas.js'
import { MULTILINE } from '../validation.js'

const Stars = Type.Integer({ minimum: 1, maximum: 5 })

export const CategoryRatings = Type.Object({
  cleanliness: Stars,
  accuracy: Stars,
  communication: Stars,
  location: Stars,
  check_in: Stars,
  value: Stars,
})

export const Review = Type.Object({
  id: Type.String(),
  text: Type.String(),
  rating: Type.Integer({ minimum: 1, maximum: 5 }),
  user_id: Type.String(),
  place_id: Type.String(),
  verified: Type.Boolean({ description: 'Written by a guest after a completed stay' }),
  booking_id: Type.Union([Type.String(), Type.Null()]),
  ratings: Type.Union([CategoryRatings, Type.Null()], { description: 'Category ratings of a stay review' }),
  ...Timestamps,
})

export const ReviewUpdated = Type.Object({ ...Review.properties, message: Type.String() })

/** A review as shown on a place: with its author's name, which clients display. */
export const PlaceReview = Type.Object({
  ...Review.properties,
  user: Type.Object({ id: Type.String(), first_name: Type.String(), last_name: Type.String() }),
})

const ReviewText = Type.String({ maxLength: 5000, format: MULTILINE })

export const ReviewCreateBody = Type.Object({
  text: ReviewText,
  rating: Type.Integer({ minimum: 1, maximum: 5 }),
  place_id: Type.String({ maxLength: 64 }),
  user_id: Type.Optional(
    Type.String({ maxLength: 64, description: 'Ignored: the author is always the caller' }),
  ),
})

export const ReviewUpdateBody = Type.Object({
  text: Type.Optional(ReviewText),
  rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
})

export type ReviewView = Type.Static<typeof Review>
export type PlaceReviewView = Type.Static<typeof PlaceReview>
export type ReviewCreateInput = Type.Static<typeof ReviewCreateBody>
export type ReviewUpdateInput = Type.Static<typeof ReviewUpdateBody>

export const StayReviewBody = Type.Object({
  text: ReviewText,
  rating: Stars,
  ratings: Type.Optional(CategoryRatings),
})

export const GuestReview = Type.Object({
  id: Type.String(),
  booking_id: Type.String(),
  guest_id: Type.String(),
  host_id: Type.String(),
  text: Type.String(),
  rating: Type.Integer(),
  author: Type.Object({ id: Type.String(), first_name: Type.String(), last_name: Type.String() }),
  ...Timestamps,
})

export const StayReviewResult = Type.Object({
  id: Type.String(),
  booking_id: Type.String(),
  about: Type.Union([Type.Literal('place'), Type.Literal('guest')]),
  visible: Type.Boolean({
    description: 'False until the other side reviews too or the review window closes',
  }),
  visible_from: Type.Union([Type.String(), Type.Null()]),
})

export type StayReviewInput = Type.Static<typeof StayReviewBody>
export type CategoryRatingsView = Type.Static<typeof CategoryRatings>
export type GuestReviewView = Type.Static<typeof GuestReview>
