import type { HttpContext } from '../../http/context.js'
import { bearerAuth, errors, IdParams } from '../../http/schemas.js'
import * as Type from '../../json-schema.js'
import { MAX_PRICE } from '../places/money.js'

const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })
const Range = Type.Object({
  from: DateString,
  to: Type.String({
    pattern: '^\\d{4}-\\d{2}-\\d{2}$',
    description: 'Exclusive: the night of `to` is not included',
  }),
})
const Night = Type.Object({
  date: Type.String(),
  status: Type.Union(
    [Type.Literal('available'), Type.Literal('booked'), Type.Literal('blocked'), Type.Literal('held')],
    { description: '`held`: a guest is checking out these dates; the hold ends at `held_until`' },
  ),
  price: Type.Number(),
  price_minor: Type.Integer(),
  booking_id: Type.Optional(Type.String({ description: 'Host and admins only' })),
  source: Type.Optional(
    Type.String({ description: 'Who blocked the night: host, or an iCal feed id (host only)' }),
  ),
  held_until: Type.Optional(
    Type.String({
      format: 'date-time',
      description:
        'A held night: when the checkout hold ends and the night may free up (who holds it is never shown)',
    }),
  ),
})

export function calendarRoutes({ app, auth, services }: HttpContext) {
  const { calendar } = services
  const tags = ['Calendar']

  app.get(
    '/api/v1/places/:id/calendar',
    {
      schema: {
        tags,
        summary:
          'Each night in [from, to): available, booked, blocked or held (checkout in progress), with its price',
        params: IdParams,
        querystring: Range,
        response: { 200: Type.Array(Night), ...errors(400, 404) },
      },
    },
    async (request) => calendar.nights(request.params.id, request.query, await auth.optional(request)),
  )

  app.post(
    '/api/v1/places/:id/calendar/block',
    {
      schema: {
        tags,
        summary: 'Block the nights in [from, to) (host)',
        security: bearerAuth,
        params: IdParams,
        body: Range,
        response: { 200: Type.Object({ blocked: Type.Integer() }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => calendar.block(request.params.id, request.body, await auth.require(request)),
  )

  app.post(
    '/api/v1/places/:id/calendar/unblock',
    {
      schema: {
        tags,
        summary: 'Unblock the nights the host blocked in [from, to)',
        security: bearerAuth,
        params: IdParams,
        body: Range,
        response: { 200: Type.Object({ unblocked: Type.Integer() }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => calendar.unblock(request.params.id, request.body, await auth.require(request)),
  )

  app.put(
    '/api/v1/places/:id/calendar/prices',
    {
      schema: {
        tags,
        summary: 'Set the nightly price of [from, to); `price: null` returns to the base price',
        security: bearerAuth,
        params: IdParams,
        body: Type.Object({
          from: DateString,
          to: DateString,
          price: Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: MAX_PRICE }), Type.Null()]),
        }),
        response: { 200: Type.Object({ nights: Type.Integer() }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => calendar.setPrice(request.params.id, request.body, await auth.require(request)),
  )
}
