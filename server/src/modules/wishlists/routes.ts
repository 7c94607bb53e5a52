import type { HttpContext } from '../../http/context.js'
import { bearerAuth, errors, IdParams, MessageResponse } from '../../http/schemas.js'
import * as Type from '../../json-schema.js'
import { Wishlist, WishlistBody, WishlistDetail, WishlistPlaceParams } from './schemas.js'

export function wishlistRoutes({ app, auth, services }: HttpContext) {
  const { wishlists } = services
  const tags = ['Wishlists']
  const security = bearerAuth

  app.get(
    '/api/v1/wishlists',
    {
      schema: {
        tags,
        summary: 'My wishlists',
        security,
        response: { 200: Type.Array(Wishlist), ...errors(401) },
      },
    },
    async (request) => wishlists.list(await auth.require(request)),
  )

  app.post(
    '/api/v1/wishlists',
    {
      schema: {
        tags,
        summary: 'Create a wishlist',
        security,
        body: WishlistBody,
        response: { 201: Wishlist, ...errors(400, 401) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await wishlists.create(request.body, await auth.require(request))),
  )

  app.get(
    '/api/v1/wishlists/:id',
    {
      schema: {
        tags,
        summary: 'A wishlist with its places',
        security,
        params: IdParams,
        response: { 200: WishlistDetail, ...errors(401, 404) },
      },
    },
    async (request) => wishlists.get(request.params.id, await auth.require(request)),
  )

  app.put(
    '/api/v1/wishlists/:id',
    {
      schema: {
        tags,
        summary: 'Rename a wishlist',
        security,
        params: IdParams,
        body: WishlistBody,
        response: { 200: WishlistDetail, ...errors(400, 401, 404) },
      },
    },
    async (request) => wishlists.rename(request.params.id, request.body, await auth.require(request)),
  )

  app.delete(
    '/api/v1/wishlists/:id',
    {
      schema: {
        tags,
        summary: 'Delete a wishlist',
        security,
        params: IdParams,
        response: { 200: MessageResponse, ...errors(401, 404) },
      },
    },
    async (request) => {
      await wishlists.delete(request.params.id, await auth.require(request))
      return { message: 'Wishlist deleted' }
    },
  )

  app.put(
    '/api/v1/wishlists/:id/places/:place_id',
    {
      schema: {
        tags,
        summary: 'Save a place (201 when newly saved, 200 when it already was)',
        security,
        params: WishlistPlaceParams,
        response: { 200: MessageResponse, 201: MessageResponse, ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const added = await wishlists.addPlace(
        request.params.id,
        request.params.place_id,
        await auth.require(request),
      )
      return reply.code(added ? 201 : 200).send({ message: added ? 'Place saved' : 'Place already saved' })
    },
  )

  app.delete(
    '/api/v1/wishlists/:id/places/:place_id',
    {
      schema: {
        tags,
        summary: 'Remove a place from a wishlist',
        security,
        params: WishlistPlaceParams,
        response: { 200: MessageResponse, ...errors(401, 404) },
      },
    },
    async (request) => {
      await wishlists.removePlace(request.params.id, request.params.place_id, await auth.require(request))
      return { message: 'Place removed' }
    },
  )
}
