// The caller's in-app notification centre.

import type { HttpContext } from '../../http/context.js'
import { pageRequest, sendPage } from '../../http/pagination.js'
import { bearerAuth, errors, IdParams, PageQuery } from '../../http/schemas.js'
import * as Type from '../../json-schema.js'
import { InAppNotification, ReadAllResponse, UnreadCount } from './schemas.js'

const NotificationListQuery = Type.Object({
  ...PageQuery.properties,
  unread: Type.Optional(Type.Boolean({ description: 'Only the unread ones' })),
})

export function notificationCentreRoutes({ app, auth, services, config }: HttpContext) {
  const { notificationCentre: centre } = services
  const tags = ['Notifications']
  const security = bearerAuth

  app.get(
    '/api/v1/notifications',
    {
      schema: {
        tags,
        summary: 'My in-app notifications, newest first (unread=true: only the unread ones)',
        description:
          'Booking news, new messages, reviews received and account changes, as the `in_app` notification preferences allow. Paged: follow `Link: rel="next"`.',
        security,
        querystring: NotificationListQuery,
        response: { 200: Type.Array(InAppNotification), ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const actor = await auth.require(request)
      const { unread, ...paging } = request.query
      const page = await centre.list(actor, { ...pageRequest(paging, config), unreadOnly: unread === true })
      return sendPage(request, reply, page, config.publicUrl)
    },
  )

  app.get(
    '/api/v1/notifications/unread-count',
    {
      schema: {
        tags,
        summary: 'How many of my in-app notifications are unread',
        security,
        response: { 200: UnreadCount, ...errors(401) },
      },
    },
    async (request) => centre.unreadCount(await auth.require(request)),
  )

  app.post(
    '/api/v1/notifications/read-all',
    {
      schema: {
        tags,
        summary: 'Mark all my in-app notifications read',
        security,
        response: { 200: ReadAllResponse, ...errors(401) },
      },
    },
    async (request) => centre.markAllRead(await auth.require(request)),
  )

  app.post(
    '/api/v1/notifications/:id/read',
    {
      schema: {
        tags,
        summary: 'Mark one in-app notification read',
        security,
        params: IdParams,
        response: { 200: InAppNotification, ...errors(401, 404) },
      },
    },
    async (request) => centre.markRead(await auth.require(request), request.params.id),
  )
}
