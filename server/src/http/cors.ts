import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

export interface CorsOptions {
  /** Answer any origin, without credentials. */
  anyOrigin: boolean
  /** Origins granted credentialed CORS; `*` may stand for the port (`http://localhost:*`). */
  credentialOrigins: string[]
}

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS'
const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, If-None-Match, X-Request-Id'
const EXPOSED_HEADERS =
  'Link, X-Total-Count, X-Request-Id, ETag, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset'

function originMatcher(patterns: string[]) {
  const regexes = patterns.map((pattern) => {
    const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\\\*$/, '(:\\d+)?')
    return new RegExp(`^${escaped}$`)
  })
  return (origin: string) => regexes.some((regex) => regex.test(origin))
}

/**
 * The CORS response headers for a request's `Origin` (named as Fastify sends them): undefined
 * without one; `allowed` is false for an origin outside the configuration (which still gets
 * `Vary: Origin`).
 */
export function corsHeadersFor(options: CorsOptions) {
  const isCredentialOrigin = originMatcher(options.credentialOrigins)
  const refused = { allowed: false, headers: { vary: 'Origin' } }
  const anyOrigin = {
    allowed: true,
    headers: {
      vary: 'Origin',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': EXPOSED_HEADERS,
    },
  }
  return (origin: string | undefined): { allowed: boolean; headers: Record<string, string> } | undefined => {
    if (!origin) return undefined
    if (isCredentialOrigin(origin)) {
      return {
        allowed: true,
        headers: {
          vary: 'Origin',
          'access-control-allow-origin': origin,
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': EXPOSED_HEADERS,
        },
      }
    }
    return options.anyOrigin ? anyOrigin : refused
  }
}

/**
 * Whether a WebSocket handshake's `Origin` may connect: the CORS rules, plus the site's own origin
 * (same-origin pages send `Origin` on WebSocket connections, and need no CORS). Clients that send
 * no `Origin` (not browsers) pass.
 */
export function websocketOriginCheck(options: CorsOptions & { publicUrl: string | undefined }) {
  const cors = corsHeadersFor(options)
  const own = options.publicUrl ? new URL(options.publicUrl).origin : undefined
  return (origin: string | undefined, host?: string): boolean => {
    if (!origin) return true
    if (origin === own) return true
    if (host !== undefined && URL.canParse(origin) && new URL(origin).host === host) return true
    return cors(origin)?.allowed === true
  }
}

/**
 * Sets the CORS response headers for the request's origin. Returns false when the origin gets
 * none (no `Origin` header, or an origin outside the configuration).
 */
export function corsHeaders(options: CorsOptions) {
  const headersFor = corsHeadersFor(options)
  return (request: FastifyRequest, reply: FastifyReply): boolean => {
    const cors = headersFor(request.headers.origin)
    if (!cors) return false
    reply.headers(cors.headers)
    return cors.allowed
  }
}

/**
 * CORS for the HBnB clients: preflights are answered before routing, so they succeed for every
 * path, and the headers are set before any handler runs, so error responses carry them too.
 */
export function registerCors(app: FastifyInstance, options: CorsOptions) {
  const setHeaders = corsHeaders(options)
  app.addHook('onRequest', (request, reply, done) => {
    if (!setHeaders(request, reply)) return done()
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      reply.header('Access-Control-Allow-Methods', ALLOWED_METHODS)
      const requested = request.headers['access-control-request-headers']
      reply.header(
        'Access-Control-Allow-Headers',
        requested ? `${ALLOWED_HEADERS}, ${requested}` : ALLOWED_HEADERS,
      )
      reply.header('Access-Control-Max-Age', '600')
      // Answered here: the remaining hooks and the route do not run (`done` is not called).
      reply.code(204).send()
      return
    }
    done()
  })
}
