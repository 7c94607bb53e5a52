import type { FastifyRequest } from 'fastify'
import { identifyReader } from '../db/read-context.js'
import type { Actor } from '../domain/actor.js'
import { forbidden, Messages, unauthorized } from '../errors.js'
import type { AccessTokenVerifier } from '../modules/auth/tokens.js'

/**
 * Reads the caller from `Authorization: Bearer <jwt>`; routes call it where the contract needs a login.
 * The verifier refuses tokens of ended logins (see modules/auth/sessions.ts).
 */
export class Authenticator {
  constructor(private readonly tokens: AccessTokenVerifier) {}

  async optional(request: FastifyRequest): Promise<Actor | null> {
    const header = request.headers.authorization
    if (!header) return null
    const [scheme, token] = header.split(' ')
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw unauthorized('Malformed Authorization header: expected "Bearer <token>"', 'invalid_token')
    }
    const actor = await this.tokens.verify(token)
    identifyReader(actor.id)
    return actor
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
