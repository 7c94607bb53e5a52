import type { FastifyRequest } from 'fastify'
import { forbidden, Messages, unauthorized } from '../errors.js'
import type { AccessTokens, Actor } from '../modules/auth/tokens.js'

export type { Actor }

/** Reads the caller from `Authorization: Bearer <jwt>`; routes call it where the contract needs a login. */
export class Authenticator {
  constructor(private readonly tokens: AccessTokens) {}

  async optional(request: FastifyRequest): Promise<Actor | null> {
    const header = request.headers.authorization
    if (!header) return null
    const [scheme, token] = header.split(' ')
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw unauthorized('Malformed Authorization header: expected "Bearer <token>"', 'invalid_token')
    }
    return this.tokens.verify(token)
  }

  async require(request: FastifyRequest): Promise<Actor> {
    const actor = await this.optional(request)
    if (!actor) throw unauthorized('Missing Authorization Header', 'missing_token')
    return actor
  }

  async requireAdmin(request: FastifyRequest): Promise<Actor> {
    const actor = await this.require(request)
    if (!actor.isAdmin) throw forbidden(Messages.adminRequired, 'admin_required')
    return actor
  }
}
