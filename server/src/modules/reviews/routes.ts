import type { HttpContext } from '../../http/context.js'
import { collectionRequest, pageRequest, sendList, sendPage } from '../../http/pagination.js'
import { bearerAuth, errors, IdParams, MessageResponse, PageQuery } from '../../http/schemas.js'
import * as Type from '../../json-schema.js'
import {
  GuestReview,
  PlaceReview,
  Review,
  ReviewCreateBody,
  ReviewUpdateBody,
  ReviewUpdated,
  StayReviewBody,
  StayReviewResult,
} from './schemas.js'
import { REVIEW_WINDOW_DAYS } from './stay-service.js'

export function reviewRoutes({ app, auth, services, config }: HttpContext) {
  const { reviews, stayReviews } = services
  const tags = ['Reviews']

  app.post(
    '/api/v1/reviews/',
    {
      schema: {
        tags,
        summary: 'Review a place (the author is the caller)',
        security: bearerAuth,
        body: ReviewCreateBody,
        response: { 201: Review, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const actor = await auth.require(request)
      return reply.code(201).send(await reviews.create(request.body, actor))
    },
  )

  app.get(
    '/api/v1/reviews/',
    {
      schema: {
        tags,
        summary: 'List reviews',
        querystring: PageQuery,
        response: { 200: Type.Array(Review) },
      },
    },
    async (request, reply) => {
      const page = await reviews.list(collectionRequest(request.query, config))
      return sendList(request, reply, page, Review, config.publicUrl)
    },
  )

  app.get(
    '/api/v1/reviews/:id',
    {
      schema: { tags, summary: 'Get a review', params: IdParams, response: { 200: Review, ...errors(404) } },
    },
    async (request) => reviews.get(request.params.id, await auth.optional(request)),
  )

  app.put(
    '/api/v1/reviews/:id',
    {
      schema: {
        tags,
        summary: 'Update a review (author or admin)',
        security: bearerAuth,
        params: IdParams,
        body: ReviewUpdateBody,
        response: { 200: ReviewUpdated, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const review = await reviews.update(request.params.id, request.body, await auth.require(request))
      return { ...review, message: 'Review updated successfully' }
    },
  )

  app.delete(
    '/api/v1/reviews/:id',
    {
      schema: {
        tags,
        summary: 'Delete a review (author or admin)',
        security: bearerAuth,
        params: IdParams,
        response: { 200: MessageResponse, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      await reviews.delete(request.params.id, await auth.require(request))
      return { message: 'Review deleted successfully' }
    },
  )

  const placeReviews = {
    schema: {
      tags,
      summary: "A place's reviews, with each author's name",
      params: IdParams,
      querystring: PageQuery,
      response: { 200: Type.Array(PlaceReview), ...errors(404) },
    },
  }
  for (const url of ['/api/v1/places/:id/reviews', '/api/v1/reviews/places/:id/reviews']) {
    app.get(url, placeReviews, async (request, reply) => {
      const page = await reviews.listForPlace(
        request.params.id,
        collectionRequest(request.query, config),
        await auth.optional(request),
      )
      return sendList(request, reply, page, PlaceReview, config.publicUrl)
    })
  }

  app.post(
    '/api/v1/bookings/:id/review',
    {
      schema: {
        tags,
        summary: 'Review a completed stay: the guest reviews the place, the host reviews the guest',
        description: `Each review stays hidden until both are in or the ${REVIEW_WINDOW_DAYS}-day review window after check-out closes.`,
        security: bearerAuth,
        params: IdParams,
        body: StayReviewBody,
        response: { 201: StayReviewResult, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await stayReviews.review(request.params.id, request.body, await auth.require(request))
      return reply.code(201).send(result)
    },
  )

  app.get(
    '/api/v1/users/:id/reviews',
    {
      schema: {
        tags,
        summary: 'What hosts wrote about a guest (visible reviews)',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Type.Array(GuestReview) },
      },
    },
    async (request, reply) => {
      const page = await stayReviews.aboutGuest(request.params.id, pageRequest(request.query, config))
      return sendPage(request, reply, page, config.publicUrl)
    },
  )
}
