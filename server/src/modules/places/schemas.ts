import * as Type from '../../json-schema.js'
import { Amenity } from '../amenities/schemas.js'
import { CoverPhoto } from '../photos/schemas.js'
import { PlaceReview } from '../reviews/schemas.js'
import { Timestamps } from '../shared-schemas.js'
import { MULTILINE } from '../validation.js'
import { MAX_PRICE } from './money.js'

const TIME = '^([01]\\d|2[0-3]):[0-5]\\d$'
const CancellationPolicy = Type.Union(
  [Type.Literal('flexible'), Type.Literal('moderate'), Type.Literal('strict')],
  {
    description: 'Refund schedule: see the bookings documentation',
  },
)

const PlaceFields = {
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  price: Type.Number({ description: 'Nightly price in major units of `currency`' }),
  currency: Type.String({ description: 'ISO 4217 code' }),
  price_minor: Type.Integer({ description: 'Nightly price in minor units (cents)' }),
  latitude: Type.Number(),
  longitude: Type.Number(),
  owner_id: Type.String(),
  address: Type.String(),
  city: Type.String(),
  country: Type.String({ description: 'ISO 3166-1 alpha-2 code' }),
  timezone: Type.String({ description: 'IANA time zone of the listing' }),
  max_guests: Type.Integer(),
  bedrooms: Type.Integer(),
  bathrooms: Type.Integer(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('suspended')]),
  cleaning_fee: Type.Number({ description: 'Per stay, in major units of `currency`' }),
  cleaning_fee_minor: Type.Integer(),
  min_nights: Type.Integer(),
  max_nights: Type.Integer(),
  advance_notice_days: Type.Integer({ description: 'Days between booking and check-in, at least' }),
  booking_window_days: Type.Integer({ description: 'How far ahead check-in can be, in days' }),
  check_in_time: Type.String({ description: 'HH:MM, listing time zone' }),
  check_out_time: Type.String({ description: 'HH:MM, listing time zone' }),
  instant_book: Type.Boolean(),
  cancellation_policy: CancellationPolicy,
  rating_avg: Type.Number({ description: 'Average rating of visible reviews, 0 when none' }),
  rating_count: Type.Integer(),
  ...Timestamps,
}

export const PlaceSummary = Type.Object(PlaceFields)

/** A listing in `GET /places/`: its cover photo only when asked for (`include=cover_photo`). */
export const PlaceListItem = Type.Object({ ...PlaceFields, cover_photo: Type.Optional(CoverPhoto) })

/** A listing shown as a card (lists, wishlists, search): with its cover photo. */
export const PlaceCard = Type.Object({ ...PlaceFields, cover_photo: CoverPhoto })

const AmenityRef = Type.Object({ id: Type.String(), name: Type.String() })

export const PlaceCreated = Type.Object({ ...PlaceFields, amenities: Type.Array(AmenityRef) })

export const PlaceDetail = Type.Object({
  ...PlaceFields,
  owner: Type.Object({
    id: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    email: Type.Optional(
      Type.String({
        description:
          'Only to admins and the owner when emails are private (HBNB_PUBLIC_EMAILS, off in production)',
      }),
    ),
  }),
  amenities: Type.Array(AmenityRef),
  reviews: Type.Array(PlaceReview),
})

export const PlaceUpdated = Type.Object({ ...PlaceDetail.properties, message: Type.String() })

const editable = {
  title: Type.String({ maxLength: 300 }),
  description: Type.Union([Type.String({ maxLength: 10_000, format: MULTILINE }), Type.Null()]),
  price: Type.Number({ exclusiveMinimum: 0, maximum: MAX_PRICE }),
  currency: Type.String({ minLength: 3, maxLength: 3 }),
  latitude: Type.Number({ minimum: -90, maximum: 90 }),
  longitude: Type.Number({ minimum: -180, maximum: 180 }),
  owner_id: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
  amenities: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 }),
  address: Type.String({ maxLength: 255 }),
  city: Type.String({ maxLength: 100 }),
  country: Type.String({ pattern: '^[A-Za-z]{2}$' }),
  timezone: Type.String({ maxLength: 64 }),
  max_guests: Type.Integer({ minimum: 1, maximum: 50 }),
  bedrooms: Type.Integer({ minimum: 0, maximum: 50 }),
  bathrooms: Type.Integer({ minimum: 0, maximum: 50 }),
  status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('suspended')]),
  cleaning_fee: Type.Number({ minimum: 0, maximum: MAX_PRICE }),
  min_nights: Type.Integer({ minimum: 1, maximum: 365 }),
  max_nights: Type.Integer({ minimum: 1, maximum: 1095 }),
  advance_notice_days: Type.Integer({ minimum: 0, maximum: 365 }),
  booking_window_days: Type.Integer({ minimum: 1, maximum: 1095 }),
  check_in_time: Type.String({ pattern: TIME }),
  check_out_time: Type.String({ pattern: TIME }),
  instant_book: Type.Boolean(),
  cancellation_policy: CancellationPolicy,
}

export const PlaceCreateBody = Type.Object({
  title: editable.title,
  price: editable.price,
  latitude: editable.latitude,
  longitude: editable.longitude,
  description: Type.Optional(editable.description),
  currency: Type.Optional(editable.currency),
  owner_id: Type.Optional(editable.owner_id),
  amenities: Type.Optional(editable.amenities),
  address: Type.Optional(editable.address),
  city: Type.Optional(editable.city),
  country: Type.Optional(editable.country),
  timezone: Type.Optional(editable.timezone),
  max_guests: Type.Optional(editable.max_guests),
  bedrooms: Type.Optional(editable.bedrooms),
  bathrooms: Type.Optional(editable.bathrooms),
  status: Type.Optional(editable.status),
  cleaning_fee: Type.Optional(editable.cleaning_fee),
  min_nights: Type.Optional(editable.min_nights),
  max_nights: Type.Optional(editable.max_nights),
  advance_notice_days: Type.Optional(editable.advance_notice_days),
  booking_window_days: Type.Optional(editable.booking_window_days),
  check_in_time: Type.Optional(editable.check_in_time),
  check_out_time: Type.Optional(editable.check_out_time),
  instant_book: Type.Optional(editable.instant_book),
  cancellation_policy: Type.Optional(editable.cancellation_policy),
})

export const PlaceUpdateBody = Type.Partial(PlaceCreateBody)

export const PlacesSearchBody = Type.Object({
  states: Type.Optional(
    Type.Array(Type.String({ maxLength: 100 }), {
      maxItems: 200,
      description: 'Country codes (HBnB v3 states)',
    }),
  ),
  cities: Type.Optional(
    Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200, description: 'City names' }),
  ),
  amenities: Type.Optional(
    Type.Array(Type.String({ maxLength: 64 }), {
      maxItems: 200,
      description: 'Amenity ids: places having all of them',
    }),
  ),
})

/** Like `IdParams`: malformed ids are a 404 from the lookup, not a 400. */
export const AmenityParams = Type.Object({ id: Type.String(), amenity_id: Type.String() })

export { Amenity }
export type PlaceSummaryView = Type.Static<typeof PlaceSummary>
export type PlaceCardView = Type.Static<typeof PlaceCard>
export type PlaceDetailView = Type.Static<typeof PlaceDetail>
export type PlaceCreateInput = Type.Static<typeof PlaceCreateBody>
export type PlaceUpdateInput = Type.Static<typeof PlaceUpdateBody>
