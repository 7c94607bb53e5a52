import type { FastifyInstance } from 'fastify'

export interface CorsOptions {
  /** Answer any origin, without credentials. */
  anyOrigin: boolean
  /** Origins granted credentialed CORS; `*` may stand for the port (`http://localhost:*`). */
  credentialOrigins: string[]
}

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS'
const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, If-None-Match, X-Request-Id'
const EXPOSED_HEADERS =
  'Link, X-Total-Count, X-Request-Id, ETag, Retry-After, RateLimit-Limit, RateLimit-Remaining'

function originMatcher(patterns: string[]) {
  const regexes = patterns.map((pattern) => {
    const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\\\*$/, '(:\\d+)?')
    return new RegExp(`^${escaped}$`)
  })
  return (origin: string) => regexes.some((regex) => regex.test(origin))
}

/**
 * CORS for the HBnB clients: preflights are answered before routing, so they succeed for every
 * path, and the headers are set before any handler runs, so error responses carry them too.
 */
export function registerCors(app: FastifyInstance, options: CorsOptions) {
  const isCredentialOrigin = originMatcher(options.credentialOrigins)
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin
    if (!origin) return
    reply.header('Vary', 'Origin')
    if (isCredentialOrigin(origin)) {
      reply.header('Access-Control-Allow-Origin', origin)
      reply.header('Access-Control-Allow-Credentials', 'true')
    } else if (options.anyOrigin) {
      reply.header('Access-Control-Allow-Origin', '*')
    } else {
      return
    }
    reply.header('Access-Control-Expose-Headers', EXPOSED_HEADERS)
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      reply.header('Access-Control-Allow-Methods', ALLOWED_METHODS)
      const requested = request.headers['access-control-request-headers']
      reply.header(
        'Access-Control-Allow-Headers',
        requested ? `${ALLOWED_HEADERS}, ${requested}` : ALLOWED_HEADERS,
      )
      reply.header('Access-Control-Max-Age', '600')
      return reply.code(204).send()
    }
  })
}
