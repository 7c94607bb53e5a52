import * as Type from '../../json-schema.js'
import { Hold as HoldSchema } from '../holds/schemas.js'
import { CoverPhoto } from '../photos/schemas.js'
import { Timestamps } from '../shared-schemas.js'

const DateString = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'Local date of the listing, YYYY-MM-DD',
})
const Status = Type.Union([
  Type.Literal('pending'),
  Type.Literal('confirmed'),
  Type.Literal('declined'),
  Type.Literal('expired'),
  Type.Literal('cancelled'),
  Type.Literal('completed'),
])

const NightlyPrice = Type.Object({ date: Type.String(), price: Type.Number(), price_minor: Type.Integer() })

const ChargeFields = {
  currency: Type.String(),
  subtotal_minor: Type.Integer(),
  cleaning_fee_minor: Type.Integer(),
  service_fee_minor: Type.Integer(),
  taxes_minor: Type.Integer(),
  total_minor: Type.Integer(),
  total: Type.Number({ description: 'total_minor in major units' }),
  nightly_prices: Type.Array(NightlyPrice),
}

export const StayQuery = Type.Object({
  check_in: DateString,
  check_out: DateString,
  guests: Type.Integer({ minimum: 1, maximum: 50, default: 1 }),
})

export const QuoteResponse = Type.Object({
  place_id: Type.String(),
  check_in: Type.String(),
  check_out: Type.String(),
  guests: Type.Integer(),
  nights: Type.Integer(),
  ...ChargeFields,
  available: Type.Boolean(),
  unavailable_nights: Type.Array(Type.String()),
  held_until: Type.Optional(
    Type.String({
      format: 'date-time',
      description: "Some nights are held by another guest's checkout: when the last of those holds ends",
    }),
  ),
  hold: Type.Optional(HoldSchema),
  instant_book: Type.Boolean(),
  cancellation_policy: Type.String(),
})

export const BookingCreateBody = Type.Object({
  place_id: Type.String({ maxLength: 64 }),
  check_in: DateString,
  check_out: DateString,
  guests: Type.Integer({ minimum: 1, maximum: 50 }),
})

export const Booking = Type.Object({
  id: Type.String(),
  place_id: Type.String(),
  guest_id: Type.String(),
  host_id: Type.String(),
  check_in: Type.String(),
  check_out: Type.String(),
  nights: Type.Integer(),
  guests: Type.Integer(),
  status: Status,
  cancelled_by: Type.Union([Type.Literal('guest'), Type.Literal('host'), Type.Null()]),
  ...ChargeFields,
  refund_minor: Type.Union([Type.Integer(), Type.Null()]),
  cancellation_policy: Type.String(),
  timezone: Type.String(),
  check_in_time: Type.String(),
  check_out_time: Type.String(),
  expires_at: Type.Union([Type.String(), Type.Null()]),
  confirmed_at: Type.Union([Type.String(), Type.Null()]),
  cancelled_at: Type.Union([Type.String(), Type.Null()]),
  place: Type.Object({
    id: Type.String(),
    title: Type.String(),
    city: Type.String(),
    country: Type.String(),
    cover_photo: CoverPhoto,
  }),
  guest: Type.Object({ id: Type.String(), first_name: Type.String(), last_name: Type.String() }),
  reviewed: Type.Object(
    { by_guest: Type.Boolean(), by_host: Type.Boolean() },
    { description: 'Whether each side already reviewed the stay' },
  ),
  ...Timestamps,
})

export const BookingListQuery = Type.Object({
  role: Type.Union([Type.Literal('guest'), Type.Literal('host')], {
    default: 'guest',
    description: '`guest`: my trips; `host`: reservations of my places',
  }),
  status: Type.Optional(Type.String({ description: 'Comma-separated statuses', maxLength: 100 })),
  from: Type.Optional(DateString),
  to: Type.Optional(DateString),
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
  cursor: Type.Optional(Type.String({ maxLength: 80 })),
})

export const CancellationPreview = Type.Object({
  booking_id: Type.String(),
  cancelled_by: Type.Union([Type.Literal('guest'), Type.Literal('host')]),
  currency: Type.String(),
  total_minor: Type.Integer(),
  percent: Type.Integer({ description: 'Share of the nights and taxes refunded' }),
  refund_minor: Type.Integer(),
  refund: Type.Number(),
  hours_before_check_in: Type.Integer(),
})

export const STATUSES = ['pending', 'confirmed', 'declined', 'expired', 'cancelled', 'completed'] as const
