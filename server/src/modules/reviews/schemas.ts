import Type from 'typebox'
import { Timestamps } from '../../http/schemas.js'

export const Review = Type.Object({
  id: Type.String(),
  text: Type.String(),
  rating: Type.Integer({ minimum: 1, maximum: 5 }),
  user_id: Type.String(),
  place_id: Type.String(),
  ...Timestamps,
})

export const ReviewUpdated = Type.Object({ ...Review.properties, message: Type.String() })

/** A review as shown on a place: with its author's name, which clients display. */
export const PlaceReview = Type.Object({
  ...Review.properties,
  user: Type.Object({ id: Type.String(), first_name: Type.String(), last_name: Type.String() }),
})

export const ReviewCreateBody = Type.Object({
  text: Type.String({ maxLength: 5000 }),
  rating: Type.Integer({ minimum: 1, maximum: 5 }),
  place_id: Type.String({ maxLength: 64 }),
  user_id: Type.Optional(Type.String({ description: 'Ignored: the author is always the caller' })),
})

export const ReviewUpdateBody = Type.Object({
  text: Type.Optional(Type.String({ maxLength: 5000 })),
  rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
})

export type ReviewView = Type.Static<typeof Review>
export type PlaceReviewView = Type.Static<typeof PlaceReview>
export type ReviewCreateInput = Type.Static<typeof ReviewCreateBody>
export type ReviewUpdateInput = Type.Static<typeof ReviewUpdateBody>
