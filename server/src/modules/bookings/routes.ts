import type { BookingStatus } from '../../db/schema.js'
import { badRequest } from '../../errors.js'
import type { HttpContext } from '../../http/context.js'
import { pageRequest, sendPage } from '../../http/pagination.js'
import { bearerAuth, errors, IdParams } from '../../http/schemas.js'
import * as Type from '../../json-schema.js'
import {
  Booking,
  BookingCreateBody,
  BookingListQuery,
  CancellationPreview,
  QuoteResponse,
  STATUSES,
  StayQuery,
} from './schemas.js'

function parseStatuses(raw: string | undefined): BookingStatus[] | undefined {
  if (!raw) return undefined
  const statuses = raw.split(',').map((s) => s.trim())
  const unknown = statuses.filter((s) => !(STATUSES as readonly string[]).includes(s))
  if (unknown.length)
    throw badRequest(`Unknown status ${unknown.join(', ')}: use ${STATUSES.join(', ')}`, 'validation_failed')
  return statuses as BookingStatus[]
}

export function bookingRoutes({ app, auth, services, config }: HttpContext) {
  const { bookings } = services
  const tags = ['Bookings']

  app.get(
    '/api/v1/places/:id/quote',
    {
      schema: {
        tags,
        summary: 'Price a stay: nights, fees, taxes and total, computed by the server',
        params: IdParams,
        querystring: StayQuery,
        response: { 200: QuoteResponse, ...errors(400, 404) },
      },
    },
    async (request) => bookings.quote(request.params.id, request.query, await auth.optional(request)),
  )

  app.post(
    '/api/v1/bookings',
    {
      schema: {
        tags,
        summary: 'Book a stay (instant book confirms; otherwise a request the host answers)',
        description: 'Send an `Idempotency-Key` header: retrying with the same key never books twice.',
        security: bearerAuth,
        body: BookingCreateBody,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        }),
        response: { 200: Booking, 201: Booking, ...errors(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = await auth.require(request)
      const key = request.headers['idempotency-key']
      const { booking, replayed } = await bookings.create(actor, request.body, key)
      return reply.code(replayed ? 200 : 201).send(booking)
    },
  )

  app.get(
    '/api/v1/bookings',
    {
      schema: {
        tags,
        summary: 'My trips (role=guest) or the reservations of my places (role=host)',
        security: bearerAuth,
        querystring: BookingListQuery,
        response: { 200: Type.Array(Booking), ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const actor = await auth.require(request)
      const { role, status, from, to, limit, cursor } = request.query
      const page = await bookings.list({
        role,
        userId: actor.id,
        statuses: parseStatuses(status),
        from,
        to,
        ...pageRequest({ limit, cursor }, config),
      })
      return sendPage(request, reply, page, config.publicUrl)
    },
  )

  app.get(
    '/api/v1/bookings/:id',
    {
      schema: {
        tags,
        summary: 'A booking (its guest, host or an admin)',
        security: bearerAuth,
        params: IdParams,
        response: { 200: Booking, ...errors(401, 404) },
      },
    },
    async (request) => bookings.get(request.params.id, await auth.require(request)),
  )

  for (const action of ['accept', 'decline', 'cancel'] as const) {
    app.post(
      `/api/v1/bookings/:id/${action}`,
      {
        schema: {
          tags,
          summary:
            action === 'cancel'
              ? 'Cancel (guest: refund by the policy, see /cancellation first; host: full refund)'
              : `${action === 'accept' ? 'Accept' : 'Decline'} a pending request (host)`,
          security: bearerAuth,
          params: IdParams,
          response: { 200: Booking, ...errors(401, 403, 404, 409) },
        },
      },
      async (request) => bookings[action](request.params.id, await auth.require(request)),
    )
  }

  app.get(
    '/api/v1/bookings/:id/cancellation',
    {
      schema: {
        tags,
        summary: 'What cancelling now would refund, before confirming',
        security: bearerAuth,
        params: IdParams,
        response: { 200: CancellationPreview, ...errors(401, 404, 409) },
      },
    },
    async (request) => bookings.cancellationPreview(request.params.id, await auth.require(request)),
  )
}
