import type { FastifyRequest } from 'fastify'
import { serializerOf } from '../../http/cached-response.js'
import type { HttpContext } from '../../http/context.js'
import { collectionRequest, sendList } from '../../http/pagination.js'
import { bearerAuth, errors, IdParams, PageQuery } from '../../http/schemas.js'
import * as Type from '../../json-schema.js'
import { UserCreateBody, UserCreated, UserProfile, UserPublic, UserUpdateBody } from './schemas.js'

const PRIVATE_EMAILS =
  "With `HBNB_PUBLIC_EMAILS` off (production's default), `email` and `email_verified_at` are shown to admins and to the user themselves only."

export function userRoutes({ app, auth, services, config, cached }: HttpContext) {
  const { users } = services
  const tags = ['Users']
  // With public emails everyone sees the same profiles: the caller does not matter.
  const viewer = (request: FastifyRequest) =>
    config.publicEmails ? Promise.resolve(null) : auth.optional(request)

  app.post(
    '/api/v1/users/',
    {
      schema: {
        tags,
        summary: 'Create a user (admin only)',
        security: bearerAuth,
        body: UserCreateBody,
        response: { 201: UserCreated, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      await auth.requireAdmin(request)
      const user = await users.create(request.body, { asAdmin: true, minPasswordLength: 1 })
      return reply.code(201).send({ ...user, message: 'User created successfully' })
    },
  )

  app.get(
    '/api/v1/users/',
    {
      schema: {
        tags,
        summary: 'List users',
        description: PRIVATE_EMAILS,
        querystring: PageQuery,
        response: { 200: Type.Array(UserProfile) },
      },
    },
    async (request, reply) => {
      const page = await users.list(collectionRequest(request.query, config), await viewer(request))
      return sendList(request, reply, page, UserProfile, config.publicUrl)
    },
  )

  app.get(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        summary: 'Get a user',
        description: PRIVATE_EMAILS,
        params: IdParams,
        response: { 200: UserProfile, ...errors(404) },
      },
    },
    async (request, reply) =>
      cached.send(
        request,
        reply,
        await users.getResponse(request.params.id, serializerOf(reply), await viewer(request)),
      ),
  )

  app.put(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        summary: 'Update a user (self or admin; email and password by admins only)',
        security: bearerAuth,
        params: IdParams,
        body: UserUpdateBody,
        response: { 200: UserPublic, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = await auth.require(request)
      return users.update(request.params.id, request.body, actor)
    },
  )
}
