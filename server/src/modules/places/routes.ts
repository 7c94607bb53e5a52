import { serializerOf } from '../../http/cached-response.js'
import type { HttpContext } from '../../http/context.js'
import { itemSerializerOf } from '../../http/json-array.js'
import { collectionRequest, sendList } from '../../http/pagination.js'
import { bearerAuth, errors, IdParams, MessageResponse, PageQuery } from '../../http/schemas.js'
import * as Type from '../../json-schema.js'
import {
  AmenityParams,
  PlaceCreateBody,
  PlaceCreated,
  PlaceDetail,
  PlaceListItem,
  PlaceSummary,
  PlacesSearchBody,
  PlaceUpdateBody,
  PlaceUpdated,
} from './schemas.js'

const PlaceListQuery = Type.Object({
  ...PageQuery.properties,
  owner_id: Type.Optional(Type.String({ maxLength: 64, description: "A user's id, or `me`" })),
  status: Type.Optional(
    Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('suspended')], {
      description: 'Other than published: the owner (with owner_id) and admins only',
    }),
  ),
  include: Type.Optional(
    Type.Literal('cover_photo', {
      description: "`cover_photo`: each listing's cover photo (null without one), as on cards",
    }),
  ),
})

export function placeRoutes({ app, auth, services, config, cached }: HttpContext) {
  const { places } = services
  const tags = ['Places']
  const AmenityList = Type.Array(Type.Object({ id: Type.String(), name: Type.String() }))

  app.post(
    '/api/v1/places/',
    {
      schema: {
        tags,
        summary: 'Create a place (the owner is the caller unless an admin names one)',
        security: bearerAuth,
        body: PlaceCreateBody,
        response: { 201: PlaceCreated, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = await auth.require(request)
      return reply.code(201).send(await places.create(request.body, actor))
    },
  )

  app.get(
    '/api/v1/places/',
    {
      schema: {
        tags,
        summary: 'List published places; `owner_id=me` lists my places in every status',
        querystring: PlaceListQuery,
        response: { 200: Type.Array(PlaceListItem), ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      const { owner_id, status, include } = request.query
      const actor = await auth.optional(request)
      const query = { owner_id, status, covers: include === 'cover_photo' }
      const page = await places.listResponse(
        collectionRequest(request.query, config),
        query,
        actor,
        itemSerializerOf(reply, PlaceListItem),
      )
      return cached.send(request, reply, page)
    },
  )

  app.get(
    '/api/v1/places/:id',
    {
      schema: {
        tags,
        summary: 'A place with its owner, amenities and reviews',
        params: IdParams,
        response: { 200: PlaceDetail, ...errors(404) },
      },
    },
    async (request, reply) =>
      cached.send(
        request,
        reply,
        await places.detailResponse(request.params.id, await auth.optional(request), serializerOf(reply)),
      ),
  )

  app.put(
    '/api/v1/places/:id',
    {
      schema: {
        tags,
        summary: 'Update a place (owner or admin)',
        security: bearerAuth,
        params: IdParams,
        body: PlaceUpdateBody,
        response: { 200: PlaceUpdated, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const place = await places.update(request.params.id, request.body, await auth.require(request))
      return { ...place, message: 'Place updated successfully' }
    },
  )

  app.delete(
    '/api/v1/places/:id',
    {
      schema: {
        tags,
        summary: 'Delete a place (owner or admin)',
        description:
          'Refused (409) while the place has pending or confirmed bookings: unlist it (status draft) or ' +
          'cancel them first. Past and cancelled bookings of a deleted place stay readable by their guests and host.',
        security: bearerAuth,
        params: IdParams,
        response: { 200: MessageResponse, ...errors(401, 403, 404, 409) },
      },
    },
    async (request) => {
      await places.delete(request.params.id, await auth.require(request))
      return { message: 'Place deleted successfully' }
    },
  )

  app.get(
    '/api/v1/places/:id/amenities',
    {
      schema: {
        tags,
        summary: "A place's amenities",
        params: IdParams,
        response: { 200: AmenityList, ...errors(404) },
      },
    },
    async (request) => places.amenitiesOf(request.params.id, await auth.optional(request)),
  )

  app.post(
    '/api/v1/places/:id/amenities/:amenity_id',
    {
      schema: {
        tags,
        summary: 'Link an amenity to a place (201 when newly linked, 200 when it already was)',
        security: bearerAuth,
        params: AmenityParams,
        response: { 200: MessageResponse, 201: MessageResponse, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id, amenity_id } = request.params
      const linked = await places.linkAmenity(id, amenity_id, await auth.require(request))
      return reply
        .code(linked ? 201 : 200)
        .send({ message: linked ? 'Amenity added to place' : 'Amenity already linked to place' })
    },
  )

  app.delete(
    '/api/v1/places/:id/amenities/:amenity_id',
    {
      schema: {
        tags,
        summary: 'Unlink an amenity from a place',
        security: bearerAuth,
        params: AmenityParams,
        response: { 200: MessageResponse, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { id, amenity_id } = request.params
      await places.unlinkAmenity(id, amenity_id, await auth.require(request))
      return { message: 'Amenity removed from place' }
    },
  )

  app.post(
    '/api/v1/places_search',
    {
      schema: {
        tags,
        summary: 'HBnB v3 search: all places when empty; `amenities` keeps places having all of them',
        body: Type.Optional(PlacesSearchBody),
        querystring: PageQuery,
        response: { 200: Type.Array(PlaceSummary), ...errors(400) },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {}
      const filter = { countries: body.states, cities: body.cities, amenityIds: body.amenities }
      const page = await places.list(collectionRequest(request.query, config), filter)
      return sendList(request, reply, page, PlaceSummary, config.publicUrl)
    },
  )
}
