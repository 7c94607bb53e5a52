import { serializerOf } from '../../http/cached-response.js'
import type { HttpContext } from '../../http/context.js'
import { listSerializerOf } from '../../http/json-array.js'
import { collectionRequest } from '../../http/pagination.js'
import { bearerAuth, errors, IdParams, PageQuery } from '../../http/schemas.js'
import * as Type from '../../json-schema.js'
import { Amenity, AmenityBody, AmenityUpdated } from './schemas.js'

export function amenityRoutes({ app, auth, services, config, cached }: HttpContext) {
  const { amenities } = services
  const tags = ['Amenities']

  app.post(
    '/api/v1/amenities/',
    {
      schema: {
        tags,
        summary: 'Create an amenity (admin only)',
        security: bearerAuth,
        body: AmenityBody,
        response: { 201: Amenity, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      await auth.requireAdmin(request)
      return reply.code(201).send(await amenities.create(request.body))
    },
  )

  app.get(
    '/api/v1/amenities/',
    {
      schema: {
        tags,
        summary: 'List amenities',
        querystring: PageQuery,
        response: { 200: Type.Array(Amenity) },
      },
    },
    async (request, reply) => {
      const page = await amenities.listResponse(
        collectionRequest(request.query, config),
        listSerializerOf(reply, Amenity),
      )
      return cached.send(request, reply, page)
    },
  )

  app.get(
    '/api/v1/amenities/:id',
    {
      schema: {
        tags,
        summary: 'Get an amenity',
        params: IdParams,
        response: { 200: Amenity, ...errors(404) },
      },
    },
    async (request, reply) =>
      cached.send(request, reply, await amenities.getResponse(request.params.id, serializerOf(reply))),
  )

  app.put(
    '/api/v1/amenities/:id',
    {
      schema: {
        tags,
        summary: 'Rename an amenity (admin only)',
        security: bearerAuth,
        params: IdParams,
        body: AmenityBody,
        response: { 200: AmenityUpdated, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await auth.requireAdmin(request)
      const amenity = await amenities.rename(request.params.id, request.body)
      return { message: 'Amenity updated successfully', ...amenity }
    },
  )
}
