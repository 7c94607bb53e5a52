// The caller's notification preferences.
import type { HttpContext } from '../../http/context.js'
import { bearerAuth, errors } from '../../http/schemas.js'
import { NotificationPreferences, NotificationPreferencesBody } from './schemas.js'

export function notificationRoutes({ app, auth, services }: HttpContext) {
  const { notificationPreferences: preferences } = services
  const tags = ['Notifications']
  const url = '/api/v1/users/me/notification-preferences'

  app.get(
    url,
    {
      schema: {
        tags,
        summary: 'The messages the caller gets, by channel (email, sms) and kind',
        security: bearerAuth,
        response: { 200: NotificationPreferences, ...errors(401, 404) },
      },
    },
    async (request) => preferences.get(await auth.require(request)),
  )

  app.put(
    url,
    {
      schema: {
        tags,
        summary: 'Turn kinds of messages on or off, per channel (only the kinds given change)',
        security: bearerAuth,
        body: NotificationPreferencesBody,
        response: { 200: NotificationPreferences, ...errors(400, 401, 404) },
      },
    },
    async (request) => preferences.update(await auth.require(request), request.body),
  )
}
