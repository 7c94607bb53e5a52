import { createServer, maxHeaderSize } from 'node:http'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.js'
import type { ResponseCache } from '../infra/cache/index.js'
import type { RateLimitStore } from '../infra/rate-limit/port.js'
import type { Logger } from '../logger.js'
import { amenityRoutes } from '../modules/amenities/routes.js'
import { authRoutes } from '../modules/auth/routes.js'
import type { AccessTokens } from '../modules/auth/tokens.js'
import { bookingRoutes } from '../modules/bookings/routes.js'
import { calendarRoutes } from '../modules/calendar/routes.js'
import { devOutboxRoutes } from '../modules/dev-outbox/routes.js'
import { holdRoutes } from '../modules/holds/routes.js'
import { icalRoutes } from '../modules/ical/routes.js'
import { messagingRoutes } from '../modules/messaging/routes.js'
import { notificationCentreRoutes } from '../modules/notifications/centre-routes.js'
import { notificationRoutes } from '../modules/notifications/routes.js'
import { photoRoutes } from '../modules/photos/routes.js'
import { placeRoutes } from '../modules/places/routes.js'
import { reviewRoutes } from '../modules/reviews/routes.js'
import { searchRoutes } from '../modules/search/routes.js'
import type { Services } from '../modules/services.js'
import { systemRoutes } from '../modules/system/routes.js'
import { phoneRoutes } from '../modules/users/phone-routes.js'
import { userRoutes } from '../modules/users/routes.js'
import { wishlistRoutes } from '../modules/wishlists/routes.js'
import { nameRequestRoute, tracedListener } from '../tracing.js'
import { AccessLog } from './access-log.js'
import type { Authenticator } from './auth.js'
import { CachedResponses } from './cached-response.js'
import { clientAddressOf, linkBaseOf } from './client-address.js'
import { clientErrorHandler } from './client-errors.js'
import { Compressor, compressible, encodedEtag, encodingFor, varyWithEncoding } from './compression.js'
import type { HttpApp, HttpContext, SchemaTypeProvider } from './context.js'
import { corsHeaders, corsHeadersFor, registerCors } from './cors.js'
import { registerErrorHandlers, sendFrameworkError } from './error-handler.js'
import { multilineFormat, registerInputNormalization } from './input.js'
import { LANDING_POLICY, landingPage } from './landing.js'
import { lazySchemaController } from './lazy-schemas.js'
import { opsOnly } from './ops-access.js'
import { RateLimits, registerRateLimits } from './rate-limit.js'
import { registerReadScope } from './read-scope.js'
import { requestIdOf } from './request-id.js'
import { lazyRequestLogger } from './request-logger.js'
import { ErrorResponse } from './schemas.js'
import { DOCS_POLICY, securityHeaders } from './security-headers.js'
import { registerWebClient } from './web.js'

const LARGE_BODY_CHARS = 8192
/** Routes for operators (see ops-access.ts); the API docs join them unless HBNB_DOCS_PUBLIC. */
const OPERATOR_ROUTES = new Set(['/metrics', '/api/v1/stats'])

/**
 * How often node:http looks for requests past their header or request timeout: a fraction of the
 * shorter one, so that a late request is answered soon after its time is up.
 */
function timeoutCheckInterval(config: Config) {
  return Math.min(
    30_000,
    Math.max(50, Math.floor(Math.min(config.headersTimeoutMs, config.requestTimeoutMs) / 4)),
  )
}

/** A route the server answers: its method and URL pattern, as registered. */
export interface RouteKey {
  method: string
  url: string
}

const registeredRoutes = new WeakMap<object, RouteKey[]>()

/** Every route of a server made by `createHttpServer`, plugins' routes included (`HEAD` too). */
export function routesOf(app: object): readonly RouteKey[] {
  return registeredRoutes.get(app) ?? []
}

export async function createHttpServer(
  config: Config,
  logger: Logger,
  services: Services,
  auth: Authenticator,
  limits: { store: RateLimitStore; tokens: AccessTokens },
  cache: ResponseCache,
) {
  const cors = { anyOrigin: config.corsAnyOrigin, credentialOrigins: config.corsCredentialOrigins }
  const setCorsHeaders = corsHeaders(cors)
  const security = securityHeaders(config)
  const accessLog = new AccessLog(logger)
  const rateLimits = new RateLimits(limits.store, {
    perAddress: config.rateLimitPerAddress,
    perUser: config.rateLimitPerUser,
    allow: config.rateLimitAllow,
  })
  const compressor = new Compressor()
  const cached = new CachedResponses(cache, compressor, {
    requestId: requestIdOf,
    cors: corsHeadersFor(cors),
    security,
    clientIp: clientAddressOf(config.trustProxy),
    limits: rateLimits,
    accessLog,
    publicUrl: config.publicUrl,
    linkBase: linkBaseOf(config.publicUrl, config.trustProxy),
  })
  const app: HttpApp = Fastify({
    // Our own server, to put the cache's early answers in front of Fastify. Requests must arrive in
    // time (their headers, then all of them); keep-alive is Fastify's 72 s, longer than a proxy's
    // idle upstreams. A response may take as long as it takes: no socket timeout.
    serverFactory: (framework, options) =>
      createServer(
        {
          headersTimeout: config.headersTimeoutMs,
          requestTimeout: config.requestTimeoutMs,
          keepAliveTimeout: (options as { keepAliveTimeout: number }).keepAliveTimeout,
          connectionsCheckingInterval: timeoutCheckInterval(config),
        },
        tracedListener(cached.answerEarly(framework)),
      ),
    clientErrorHandler: clientErrorHandler(logger, security, {
      headersTimeoutMs: config.headersTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      maxHeaderBytes: maxHeaderSize,
    }),
    loggerInstance: logger as FastifyBaseLogger,
    logController: accessLog,
    childLoggerFactory: lazyRequestLogger,
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: (request) => requestIdOf(request.headers),
    // No coercion: the few conversions the API makes are in ./input.ts, where the schemas drive them.
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: true, useDefaults: true },
      plugins: [multilineFormat],
    },
    schemaController: lazySchemaController(),
    frameworkErrors: (error, request, reply) => {
      reply.headers(security)
      setCorsHeaders(request, reply)
      return sendFrameworkError(error, request, reply)
    },
  }).withTypeProvider<SchemaTypeProvider>()

  const routes: RouteKey[] = []
  registeredRoutes.set(app, routes)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url })
  })

  // The API speaks JSON only: a text/plain body is a 415 like any other type, not a string body.
  app.removeContentTypeParser('text/plain')
  app.addSchema(ErrorResponse)
  // Hooks on every request are synchronous callbacks where they can be: an async hook costs a
  // promise and a trip through the microtask queue per request, a measurable share of a cached answer.
  const operatorsOnly = opsOnly({ allow: config.opsAllow, token: config.opsToken })
  app.addHook('onRequest', (request, reply, done) => {
    nameRequestRoute(request.raw, request.routeOptions.url)
    reply.header('X-Request-Id', request.id)
    reply.headers(security)
    if (OPERATOR_ROUTES.has(request.routeOptions.url ?? '')) return operatorsOnly(request, reply, done)
    done()
  })
  // The read scope routes reads between the primary and its replicas; without replicas it has
  // nothing to decide, and its AsyncLocalStorage would slow down every promise of the process.
  if (config.databaseReplicaUrls.length > 0) registerReadScope(app)
  registerCors(app, cors)
  registerErrorHandlers(app, config.bodyLimitBytes)
  registerInputNormalization(app)
  // Fastify measures a string body (Buffer.byteLength) and then encodes it again on write; for large
  // bodies with non-ASCII text both passes are costly. Encoding once to a Buffer does the work once.
  // JSON and HTML bodies worth it are compressed as the client accepts (compression.ts).
  app.addHook('onSend', (request, reply, payload, done) => {
    const body =
      typeof payload === 'string' && payload.length > LARGE_BODY_CHARS ? Buffer.from(payload) : payload
    if (typeof body !== 'string' && !Buffer.isBuffer(body)) return done(null, body)
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length
    if (!compressible(reply.getHeader('content-type'), length) || reply.hasHeader('content-encoding'))
      return done(null, body)
    reply.header('vary', varyWithEncoding(reply.getHeader('vary')))
    const encoding = encodingFor(request.headers['accept-encoding'])
    if (!encoding) return done(null, body)
    const etag = reply.getHeader('etag')
    const bytes = typeof body === 'string' ? Buffer.from(body) : body
    reply.header('content-encoding', encoding)
    if (typeof etag === 'string') reply.header('etag', encodedEtag(etag, encoding))
    done(null, compressor.compress(bytes, encoding, typeof etag === 'string' ? etag : undefined))
  })
  registerRateLimits(app, rateLimits, limits.tokens)

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'HBNB API',
        version: '1.0.0',
        description:
          'The HBnB v1 API (drop-in compatible) extended into a vacation-rental marketplace. Lists are JSON arrays. ' +
          'The HBnB collections (places, users, amenities, reviews, places_search) answer the whole list up to a ' +
          'ceiling (`HBNB_COLLECTION_MAX`); any list pages with `?limit` and `?cursor`, following the ' +
          '`Link: rel="next"` header; `X-Total-Count` has the total.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  })
  const docsGuard = config.docsPublic ? undefined : operatorsOnly
  await app.register(swaggerUi, {
    routePrefix: '/api/v1',
    uiConfig: { deepLinking: true },
    staticCSP: DOCS_POLICY,
    ...(docsGuard ? { uiHooks: { onRequest: docsGuard } } : {}),
  })
  app.get(
    '/api/v1/openapi.json',
    { schema: { hide: true }, ...(docsGuard ? { onRequest: docsGuard } : {}) },
    async () => app.swagger(),
  )

  const context: HttpContext = { app, auth, services, config, cached }
  for (const routes of [
    systemRoutes,
    authRoutes,
    userRoutes,
    amenityRoutes,
    placeRoutes,
    photoRoutes,
    reviewRoutes,
    searchRoutes,
    calendarRoutes,
    icalRoutes,
    bookingRoutes,
    holdRoutes,
    wishlistRoutes,
    phoneRoutes,
    notificationRoutes,
    notificationCentreRoutes,
    messagingRoutes,
    devOutboxRoutes,
  ]) {
    routes(context)
  }
  // The web client owns `/` when it is built; until then, the landing page says where to go.
  if (!(await registerWebClient(context))) {
    const landing = landingPage(config.env !== 'production')
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.header('content-security-policy', LANDING_POLICY).type('text/html; charset=utf-8').send(landing),
    )
  }
  return app
}
