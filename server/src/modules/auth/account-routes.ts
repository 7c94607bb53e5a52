// Email verification and password reset (registered by `authRoutes`).

import type { HttpContext } from '../../http/context.js'
import { authAttemptLimits } from '../../http/rate-limit.js'
import { bearerAuth, errors, MessageResponse } from '../../http/schemas.js'
import * as Type from '../../json-schema.js'
import { AccountMessages } from './account-service.js'

const TokenBody = Type.Object({
  token: Type.String({ maxLength: 128, description: 'The code sent by email' }),
})
const ForgotBody = Type.Object({ email: Type.String({ maxLength: 254 }) })
const ResetBody = Type.Object({
  token: Type.String({ maxLength: 128, description: 'The code sent by email' }),
  password: Type.String({ maxLength: 256, description: 'The new password, at least 8 characters' }),
})

export function accountRoutes({ app, auth, services, config }: HttpContext) {
  const { account } = services
  const tags = ['Auth']
  const limits = authAttemptLimits(config)

  app.post(
    '/api/v1/auth/verify-email/request',
    {
      config: { rateLimit: limits.perAddress },
      schema: {
        tags,
        summary: 'Email the caller a link to verify their address',
        security: bearerAuth,
        response: { 202: MessageResponse, ...errors(400, 401, 404, 429) },
      },
    },
    async (request, reply) => {
      await account.requestVerification(await auth.require(request))
      return reply.code(202).send({ message: 'Verification email sent' })
    },
  )

  app.post(
    '/api/v1/auth/verify-email',
    {
      config: { rateLimit: limits.perAddress },
      schema: {
        tags,
        summary: 'Verify an email address with the code sent by email (single use)',
        body: TokenBody,
        response: { 200: MessageResponse, ...errors(400, 429) },
      },
    },
    async (request) => {
      await account.verify(request.body.token)
      return { message: 'Email address verified' }
    },
  )

  app.post(
    '/api/v1/auth/password/forgot',
    {
      config: { rateLimit: limits.perAddressAndAccount() },
      schema: {
        tags,
        summary: 'Email a password reset link (same answer whether or not the address has an account)',
        body: ForgotBody,
        response: { 202: MessageResponse, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      await account.forgotPassword(request.body.email)
      return reply.code(202).send({ message: AccountMessages.forgotAccepted })
    },
  )

  app.post(
    '/api/v1/auth/password/reset',
    {
      config: { rateLimit: limits.perAddress },
      schema: {
        tags,
        summary: 'Set a new password with the code sent by email; ends every login of the account',
        body: ResetBody,
        response: { 200: MessageResponse, ...errors(400, 429) },
      },
    },
    async (request) => {
      await account.resetPassword(request.body.token, request.body.password)
      return { message: 'Password changed: log in with your new password' }
    },
  )
}
