import type { HttpContext } from '../../http/context.js'
import { plainPagePolicy } from '../../http/security-headers.js'
import * as Type from '../../json-schema.js'
import { emailPage, OUTBOX_STYLE, outboxPage } from './page.js'

/** No script at all; inline styles, which the emails shown in their sandboxed frame use. */
const OUTBOX_POLICY = plainPagePolicy(OUTBOX_STYLE, { inlineStyleAttributes: true })

const MessageParams = Type.Object({ id: Type.String() })

/** `/dev/outbox`: outside production, with the file mail and SMS drivers, what would have been sent. */
export function devOutboxRoutes({ app, services }: HttpContext) {
  const { devOutbox } = services
  if (!devOutbox) return
  const schema = { hide: true }

  app.get('/dev/outbox', { schema }, async (_request, reply) => {
    const { emails, texts } = await devOutbox.list()
    return reply
      .header('content-security-policy', OUTBOX_POLICY)
      .type('text/html; charset=utf-8')
      .send(outboxPage(emails, texts))
  })

  app.get(
    '/dev/outbox/mail/:id',
    { schema: { ...schema, params: MessageParams } },
    async (request, reply) => {
      const mail = await devOutbox.email(request.params.id)
      return reply
        .header('content-security-policy', OUTBOX_POLICY)
        .type('text/html; charset=utf-8')
        .send(emailPage(request.params.id, mail))
    },
  )

  app.get(
    '/dev/outbox/mail/:id/raw',
    { schema: { ...schema, params: MessageParams } },
    async (request, reply) =>
      reply
        .type('message/rfc822')
        .header('Content-Disposition', `attachment; filename="${request.params.id}.eml"`)
        .send(await devOutbox.rawEmail(request.params.id)),
  )
}
