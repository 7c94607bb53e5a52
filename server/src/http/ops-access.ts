// Pages for operators rather than guests and hosts: /metrics, /api/v1/stats and (unless
// HBNB_DOCS_PUBLIC) the API documentation. Open to the addresses of HBNB_OPS_ALLOW (any, outside
// production) and to requests bearing HBNB_OPS_TOKEN.
import { timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { AddressMatcher } from '../addresses.js'
import { forbidden } from '../errors.js'

export interface OpsAccessOptions {
  allow: string[]
  token: string | undefined
}

function sameToken(given: string, expected: Buffer): boolean {
  const buffer = Buffer.from(given)
  return buffer.length === expected.length && timingSafeEqual(buffer, expected)
}

/** An `onRequest` hook refusing callers that are neither allowed addresses nor bearers of the token. */
export function opsOnly(options: OpsAccessOptions) {
  const allowed = new AddressMatcher(options.allow)
  const token = options.token ? Buffer.from(options.token) : undefined
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (allowed.matches(request.ip)) return done()
    const [scheme, given] = String(request.headers.authorization ?? '').split(' ')
    if (token && scheme?.toLowerCase() === 'bearer' && given && sameToken(given, token)) return done()
    done(
      forbidden(
        'This page is for operators: call it from an address of HBNB_OPS_ALLOW or with the HBNB_OPS_TOKEN bearer token',
        'operators_only',
      ),
    )
  }
}
