import * as Type from '../../json-schema.js'

const DateString = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'Local date of the listing, YYYY-MM-DD',
})

export const HoldBody = Type.Object({
  check_in: DateString,
  check_out: DateString,
  guests: Type.Integer({ minimum: 1, maximum: 50, default: 1 }),
})

export const Hold = Type.Object(
  {
    id: Type.String(),
    place_id: Type.String(),
    check_in: Type.String(),
    check_out: Type.String(),
    guests: Type.Integer(),
    expires_at: Type.String({ format: 'date-time', description: 'When the hold ends by itself' }),
    seconds_left: Type.Integer({ minimum: 0, description: 'Whole seconds until `expires_at`' }),
    created_at: Type.String({ format: 'date-time' }),
  },
  {
    description:
      "A checkout hold: the guest's nights, kept from everyone else until it ends, is released, or becomes the guest's booking",
  },
)
