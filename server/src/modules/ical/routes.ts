import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { HttpContext } from '../../http/context.js'
import { publicBase } from '../../http/pagination.js'
import { bearerAuth, errors, IdParams, MessageResponse } from '../../http/schemas.js'
import * as Type from '../../json-schema.js'
import { ExportQuery, Feed, FeedCreateBody, FeedParams, IcalSettings, SyncResult } from './schemas.js'

/** A strong validator of the exact bytes sent. */
export function entityTag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`
}

/** Whether an If-None-Match header matches the tag (weak comparison, as RFC 9110 asks for GET). */
export function matchesIfNoneMatch(header: string | undefined, tag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  const opaque = tag.replace(/^W\//, '')
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque)
}

export function icalRoutes({ app, auth, services, config }: HttpContext) {
  const { ical } = services
  const tags = ['Calendar']
  const baseUrl = (request: FastifyRequest) => publicBase(request, config.publicUrl)

  app.get(
    '/api/v1/places/:id/calendar.ics',
    {
      schema: {
        tags,
        summary: 'The listing calendar as iCalendar, for other sites to import (secret URL)',
        description:
          'One all-day event per run of booked or blocked nights, from today up to a year ahead. ' +
          'Get the URL, token included, from GET /places/{id}/ical. Sends an ETag; answers 304 to If-None-Match.',
        params: IdParams,
        querystring: ExportQuery,
        response: {
          200: {
            description: 'text/calendar; charset=utf-8',
            content: { 'text/calendar': { schema: Type.String() } },
          },
          304: { description: 'Not modified since the ETag given in If-None-Match', type: 'null' },
          ...errors(404),
        },
      },
    },
    async (request, reply) => {
      const body = await ical.exportCalendar(request.params.id, request.query.token)
      const tag = entityTag(body)
      reply.header('ETag', tag).header('Cache-Control', 'private, no-cache')
      if (matchesIfNoneMatch(request.headers['if-none-match'], tag)) return reply.code(304).send(null)
      return reply.type('text/calendar; charset=utf-8').send(body)
    },
  )

  app.get(
    '/api/v1/places/:id/ical',
    {
      schema: {
        tags,
        summary: 'The secret export URL of the listing calendar, and its imported feeds (host)',
        security: bearerAuth,
        params: IdParams,
        response: { 200: IcalSettings, ...errors(401, 403, 404) },
      },
    },
    async (request) => ical.settings(request.params.id, await auth.require(request), baseUrl(request)),
  )

  app.post(
    '/api/v1/places/:id/ical/rotate',
    {
      schema: {
        tags,
        summary: 'Replace the export URL with a new secret one; the old URL stops working (host)',
        security: bearerAuth,
        params: IdParams,
        response: { 200: IcalSettings, ...errors(401, 403, 404) },
      },
    },
    async (request) => ical.rotate(request.params.id, await auth.require(request), baseUrl(request)),
  )

  app.get(
    '/api/v1/places/:id/ical/feeds',
    {
      schema: {
        tags,
        summary: 'The external iCal feeds this listing imports, with their last sync (host)',
        security: bearerAuth,
        params: IdParams,
        response: { 200: Type.Array(Feed), ...errors(401, 403, 404) },
      },
    },
    async (request) => ical.listFeeds(request.params.id, await auth.require(request)),
  )

  app.post(
    '/api/v1/places/:id/ical/feeds',
    {
      schema: {
        tags,
        summary: 'Import an external iCal feed: its events become blocked nights at each sync (host)',
        security: bearerAuth,
        params: IdParams,
        body: FeedCreateBody,
        response: { 201: Feed, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const feed = await ical.addFeed(request.params.id, request.body, await auth.require(request))
      return reply.code(201).send(feed)
    },
  )

  app.delete(
    '/api/v1/places/:id/ical/feeds/:feed_id',
    {
      schema: {
        tags,
        summary: 'Stop importing a feed and unblock the nights it blocked (host)',
        security: bearerAuth,
        params: FeedParams,
        response: { 200: MessageResponse, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { id, feed_id } = request.params
      await ical.removeFeed(id, feed_id, await auth.require(request))
      return { message: 'Feed removed' }
    },
  )

  app.post(
    '/api/v1/places/:id/ical/feeds/:feed_id/sync',
    {
      schema: {
        tags,
        summary: 'Sync a feed now (host)',
        description:
          'Fetches the feed and replaces the nights it blocks. A feed that cannot be fetched or read ' +
          'answers 200 with status "error" and the reason, recorded on the feed; its nights stay as they were.',
        security: bearerAuth,
        params: FeedParams,
        response: { 200: SyncResult, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const { id, feed_id } = request.params
      return ical.syncNow(id, feed_id, await auth.require(request))
    },
  )
}
