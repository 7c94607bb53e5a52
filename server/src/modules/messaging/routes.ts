// Conversations between guests and hosts, and their messages.

import type { HttpContext } from '../../http/context.js'
import { pageRequest, sendPage } from '../../http/pagination.js'
import type { RouteRateLimit } from '../../http/rate-limit.js'
import { bearerAuth, errors, IdParams, PageQuery } from '../../http/schemas.js'
import * as Type from '../../json-schema.js'
import {
  Conversation,
  ConversationAccess,
  MarkReadBody,
  Message,
  ReadState,
  SendMessageBody,
  StartConversationBody,
  StartConversationResponse,
  UnreadTotals,
} from './schemas.js'

const ESCAPE_NOTE =
  'Message text is returned as the sender typed it: plain text, never HTML. Clients must escape it when they display it; links may be detected and made clickable, but the text is never rendered as HTML.'

export function messagingRoutes({ app, auth, services, config }: HttpContext) {
  const { messaging } = services
  const tags = ['Messaging']
  const security = bearerAuth
  // Sending counts against the sender (any address) on both routes that send.
  const sendLimit: RouteRateLimit = {
    max: 0,
    timeWindow: '1 minute',
    name: 'messages:send',
    perUser: { max: config.messageRateLimitPerMinute },
  }

  app.get(
    '/api/v1/conversations',
    {
      schema: {
        tags,
        summary: 'My conversations, the most recently active first, with their last message and unread count',
        description: `Paged: follow \`Link: rel="next"\`. Conversations with no message yet are not listed. ${ESCAPE_NOTE}`,
        security,
        querystring: PageQuery,
        response: { 200: Type.Array(Conversation), ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const actor = await auth.require(request)
      const page = await messaging.list(actor, pageRequest(request.query, config))
      return sendPage(request, reply, page, config.publicUrl)
    },
  )

  app.post(
    '/api/v1/conversations',
    {
      schema: {
        tags,
        summary:
          'Ask a host about a place (place_id) or open a booking’s conversation (booking_id), with an optional first message',
        description:
          'One conversation per guest and place (an enquiry) and one per booking (its guest or host): 201 when it was created, 200 when it existed (the message, if any, is added to it).',
        security,
        body: StartConversationBody,
        response: {
          200: StartConversationResponse,
          201: StartConversationResponse,
          ...errors(400, 401, 404, 429),
        },
      },
      config: { rateLimit: sendLimit },
    },
    async (request, reply) => {
      const { conversation, created, message } = await messaging.start(
        await auth.require(request),
        request.body,
      )
      return reply.code(created ? 201 : 200).send(message ? { ...conversation, message } : conversation)
    },
  )

  app.get(
    '/api/v1/conversations/unread',
    {
      schema: {
        tags,
        summary: 'How many conversations and messages I have not read (for a badge)',
        security,
        response: { 200: UnreadTotals, ...errors(401) },
      },
    },
    async (request) => messaging.unread(await auth.require(request)),
  )

  app.get(
    '/api/v1/conversations/:id',
    {
      schema: {
        tags,
        summary: 'A conversation (its participants; administrators too, for moderation, which is recorded)',
        security,
        params: IdParams,
        response: { 200: Conversation, ...errors(401, 404) },
      },
    },
    async (request) => messaging.get(request.params.id, await auth.require(request)),
  )

  app.get(
    '/api/v1/conversations/:id/messages',
    {
      schema: {
        tags,
        summary: 'The messages of a conversation, newest first',
        description: `Paged: follow \`Link: rel="next"\` for older messages. Administrators who are not participants may read them for moderation; each access is recorded. ${ESCAPE_NOTE}`,
        security,
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Type.Array(Message), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const actor = await auth.require(request)
      const page = await messaging.messages(request.params.id, actor, pageRequest(request.query, config))
      return sendPage(request, reply, page, config.publicUrl)
    },
  )

  app.post(
    '/api/v1/conversations/:id/messages',
    {
      schema: {
        tags,
        summary: 'Send a message (participants only)',
        description: `Limited per sender per minute (\`HBNB_MESSAGE_RATE_LIMIT\`). ${ESCAPE_NOTE}`,
        security,
        params: IdParams,
        body: SendMessageBody,
        response: { 201: Message, ...errors(400, 401, 403, 404, 429) },
      },
      config: { rateLimit: sendLimit },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await messaging.send(request.params.id, await auth.require(request), request.body)),
  )

  app.post(
    '/api/v1/conversations/:id/read',
    {
      schema: {
        tags,
        summary: 'Mark the conversation read up to a message (default: its last one)',
        security,
        params: IdParams,
        body: MarkReadBody,
        response: { 200: ReadState, ...errors(400, 401, 403, 404) },
      },
      // No body at all means `{}`: read up to the last message.
      preValidation: (request, _reply, done) => {
        request.body ??= {}
        done()
      },
    },
    async (request) => messaging.markRead(request.params.id, await auth.require(request), request.body),
  )

  app.get(
    '/api/v1/conversations/:id/access',
    {
      schema: {
        tags,
        summary: 'Who opened a conversation for moderation, and when (administrators)',
        security,
        params: IdParams,
        response: { 200: Type.Array(ConversationAccess), ...errors(401, 403, 404) },
      },
    },
    async (request) => messaging.accessLog(request.params.id, await auth.require(request)),
  )
}
