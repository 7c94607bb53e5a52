import type { HttpContext } from '../../http/context.js'
import { bearerAuth, errors, IdParams, MessageResponse } from '../../http/schemas.js'
import { Hold, HoldBody } from './schemas.js'

export function holdRoutes({ app, auth, services }: HttpContext) {
  const { holds } = services
  const tags = ['Bookings']

  app.post(
    '/api/v1/places/:id/holds',
    {
      schema: {
        tags,
        summary: 'Open checkout: hold the nights of a stay for a few minutes',
        description:
          'Holds the nights in [check_in, check_out) for `HBNB_CHECKOUT_HOLD_SECONDS` (10 minutes by default): nobody else can hold or book them meanwhile. ' +
          'A guest has at most one hold: taking another releases the previous one. Asking again for the same stay while it lasts returns the same hold (200, not extended). ' +
          'The hold becomes the booking when the guest books exactly these dates (POST /api/v1/bookings), or ends when released or when `expires_at` passes. ' +
          'Dates someone else holds give 409 `dates_held` with `details.held_until`; booked or blocked dates 409 `dates_unavailable`.',
        security: bearerAuth,
        params: IdParams,
        body: HoldBody,
        response: { 200: Hold, 201: Hold, ...errors(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = await auth.require(request)
      const { hold, created } = await holds.take(actor, request.params.id, request.body)
      return reply.code(created ? 201 : 200).send(hold)
    },
  )

  app.get(
    '/api/v1/holds/current',
    {
      schema: {
        tags,
        summary: 'My checkout hold while it lasts (404 `no_hold` when there is none)',
        security: bearerAuth,
        response: { 200: Hold, ...errors(401, 404) },
      },
    },
    async (request) => holds.current(await auth.require(request)),
  )

  app.delete(
    '/api/v1/holds/:id',
    {
      schema: {
        tags,
        summary: 'Release my checkout hold (leaving checkout): its nights are free at once',
        security: bearerAuth,
        params: IdParams,
        response: { 200: MessageResponse, ...errors(401, 404) },
      },
    },
    async (request) => {
      await holds.release(await auth.require(request), request.params.id)
      return { message: 'Hold released' }
    },
  )
}
