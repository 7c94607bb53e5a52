// The caller's phone number: verified by a code sent by SMS before any text message goes to it.

import type { HttpContext } from '../../http/context.js'
import { bearerAuth, errors, MessageResponse } from '../../http/schemas.js'
import * as Type from '../../json-schema.js'

const PhoneStatus = Type.Object({
  phone: Type.Union([Type.String(), Type.Null()], { description: 'The verified number (E.164), or null' }),
  verified_at: Type.Union([Type.String(), Type.Null()]),
  pending: Type.Union([
    Type.Object({
      phone: Type.String({ description: 'The number the code was sent to' }),
      expires_at: Type.String({ format: 'date-time' }),
      attempts_left: Type.Integer(),
    }),
    Type.Null(),
  ]),
})
const PhoneBody = Type.Object({
  phone: Type.String({ maxLength: 32, description: 'Number in E.164 form, e.g. +33612345678' }),
})
const CodeBody = Type.Object({
  code: Type.String({ maxLength: 16, description: 'The 6-digit code sent by SMS' }),
})

export function phoneRoutes({ app, auth, services, config }: HttpContext) {
  const { phone } = services
  const tags = ['Users']
  const url = '/api/v1/users/me/phone'
  const rateLimit = { max: config.authRateLimitPerMinute, timeWindow: '1 minute' }

  app.get(
    url,
    {
      schema: {
        tags,
        summary: "The caller's verified phone number and any number waiting for its code",
        security: bearerAuth,
        response: { 200: PhoneStatus, ...errors(401, 404) },
      },
    },
    async (request) => phone.get(await auth.require(request)),
  )

  app.put(
    url,
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Text a 6-digit code to a number; the number is used once verified with the code',
        security: bearerAuth,
        body: PhoneBody,
        response: { 202: PhoneStatus, ...errors(400, 401, 404, 429, 503) },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await phone.requestCode(await auth.require(request), request.body.phone)),
  )

  app.post(
    `${url}/verify`,
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Verify the pending number with the code sent to it',
        security: bearerAuth,
        body: CodeBody,
        response: { 200: PhoneStatus, ...errors(400, 401, 429) },
      },
    },
    async (request) => phone.verify(await auth.require(request), request.body.code),
  )

  app.delete(
    url,
    {
      schema: {
        tags,
        summary: 'Remove the phone number: no more text messages',
        security: bearerAuth,
        response: { 200: MessageResponse, ...errors(401, 404) },
      },
    },
    async (request) => {
      await phone.remove(await auth.require(request))
      return { message: 'Phone number removed' }
    },
  )
}
