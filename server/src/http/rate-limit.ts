// Rate limits, counted in the rate-limit store (Redis: shared by every API process). Every API
// request counts against its client address and, with a valid token, its user; routes may add a
// stricter limit per client address and per account (the email in the body). Answers carry the
// `RateLimit-*` headers of the tightest limit; over a limit, 429 with `Retry-After`.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AddressMatcher, plainAddress } from '../addresses.js'
import { AppError } from '../errors.js'
import type { RateLimitHit, RateLimitStore } from '../infra/rate-limit/port.js'
import type { AccessTokens } from '../modules/auth/tokens.js'

/** A route's own limit (`config: { rateLimit }`), on top of the global ones. */
export interface RouteRateLimit {
  /** Requests per client address per window. */
  max: number
  /** The window: milliseconds, or `N second(s)|minute(s)|hour(s)`. */
  timeWindow: number | string
  /** Routes sharing a name share their counters (a route and its alias); default: the route's URL. */
  name?: string
  /** Also limits attempts per account, from any address: the account the request names. */
  perAccount?: { max: number; account: (request: FastifyRequest) => string | undefined }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimit?: RouteRateLimit
  }
}

export interface RateLimitSettings {
  perAddress: number
  perUser: number
  allow: string[]
}

interface Limit {
  key: string
  max: number
  windowMs: number
}

interface Outcome extends RateLimitHit {
  max: number
}

const MINUTE_MS = 60_000
const UNITS_MS: Record<string, number> = { second: 1000, minute: MINUTE_MS, hour: 60 * MINUTE_MS }

function windowMs(timeWindow: number | string): number {
  if (typeof timeWindow === 'number') return timeWindow
  const match = /^\s*(\d+)\s*(second|minute|hour)s?\s*$/.exec(timeWindow)
  if (!match) throw new Error(`rate limit window not understood: ${timeWindow}`)
  return Number(match[1]) * UNITS_MS[match[2]!]!
}

/** The email in a JSON body, as the account key of login, sign-up and password-forgot limits. */
export function emailInBody(request: FastifyRequest): string | undefined {
  const email = (request.body as { email?: unknown } | undefined)?.email
  return typeof email === 'string' && email.trim() ? email.trim().toLowerCase() : undefined
}

/** Account names are hashed in keys: the store never holds email addresses. */
function accountKey(account: string) {
  return createHash('sha256').update(account).digest('hex').slice(0, 32)
}

/** The limit that matters to the client: one it is over (the longest wait), else the closest to it. */
function tightest(outcomes: Outcome[]): Outcome | undefined {
  const over = outcomes.filter((o) => o.count > o.max)
  if (over.length) return over.reduce((a, b) => (b.resetMs > a.resetMs ? b : a))
  return outcomes.reduce<Outcome | undefined>((a, b) => {
    if (!a) return b
    const left = (o: Outcome) => o.max - o.count
    return left(b) < left(a) || (left(b) === left(a) && b.resetMs > a.resetMs) ? b : a
  }, undefined)
}

function seconds(ms: number) {
  return Math.max(1, Math.ceil(ms / 1000))
}

export function registerRateLimits(
  app: FastifyInstance,
  store: RateLimitStore,
  tokens: AccessTokens,
  settings: RateLimitSettings,
) {
  const allowed = new AddressMatcher(settings.allow)
  const applied = new WeakMap<FastifyRequest, Outcome>()

  const bearerToken = (request: FastifyRequest) => {
    const header = request.headers.authorization
    if (!header) return undefined
    const [scheme, token] = header.split(' ')
    return scheme?.toLowerCase() === 'bearer' && token ? token : undefined
  }
  const userOf = (token: string) =>
    tokens.verify(token).then(
      (claims) => claims.id,
      () => undefined,
    )

  const enforce = async (request: FastifyRequest, reply: FastifyReply, limits: Limit[]) => {
    if (limits.length === 0) return
    const outcomes = await Promise.all(
      limits.map(async (limit) => ({ max: limit.max, ...(await store.hit(limit.key, limit.windowMs)) })),
    )
    const before = applied.get(request)
    const binding = tightest(before ? [before, ...outcomes] : outcomes)!
    applied.set(request, binding)
    const reset = seconds(binding.resetMs)
    reply.header('RateLimit-Limit', binding.max)
    reply.header('RateLimit-Remaining', Math.max(0, binding.max - binding.count))
    reply.header('RateLimit-Reset', reset)
    if (binding.count > binding.max) {
      reply.header('Retry-After', reset)
      throw new AppError(
        429,
        'rate_limited',
        `Too many attempts: try again in ${reset} second${reset === 1 ? '' : 's'}`,
      )
    }
  }

  const exempt = (request: FastifyRequest) => !request.url.startsWith('/api/') || allowed.matches(request.ip)
  const routeName = (request: FastifyRequest, limit: RouteRateLimit) =>
    limit.name ?? `${request.method} ${request.routeOptions.url}`

  // Before the body is read: the client address and the user, and the route's limit per address.
  // Callback hooks, so that a request no limit applies to (an allowed address, limits off) costs no
  // promise: this runs on every request, cached answers included.
  const limitRequest = async (request: FastifyRequest, reply: FastifyReply, token: string | undefined) => {
    const address = plainAddress(request.ip)
    const limits: Limit[] = []
    if (settings.perAddress > 0) {
      limits.push({ key: `ip:${address}`, max: settings.perAddress, windowMs: MINUTE_MS })
    }
    const user = token ? await userOf(token) : undefined
    if (user) limits.push({ key: `user:${user}`, max: settings.perUser, windowMs: MINUTE_MS })
    const route = request.routeOptions.config?.rateLimit
    if (route) {
      limits.push({
        key: `route:${routeName(request, route)}:ip:${address}`,
        max: route.max,
        windowMs: windowMs(route.timeWindow),
      })
    }
    await enforce(request, reply, limits)
  }
  app.addHook('onRequest', (request, reply, done) => {
    if (exempt(request)) return done()
    const token = settings.perUser > 0 ? bearerToken(request) : undefined
    if (settings.perAddress <= 0 && !token && !request.routeOptions.config?.rateLimit) return done()
    limitRequest(request, reply, token).then(() => done(), done)
  })

  // Once the body is validated: the route's limit per account.
  app.addHook('preHandler', (request, reply, done) => {
    const route = request.routeOptions.config?.rateLimit
    if (!route?.perAccount || route.perAccount.max <= 0 || exempt(request)) return done()
    const account = route.perAccount.account(request)
    if (account === undefined) return done()
    enforce(request, reply, [
      {
        key: `route:${routeName(request, route)}:account:${accountKey(account)}`,
        max: route.perAccount.max,
        windowMs: windowMs(route.timeWindow),
      },
    ]).then(() => done(), done)
  })
}

/**
 * The limits of authentication attempts (`HBNB_AUTH_RATE_LIMIT` per client address per minute),
 * also per account (`HBNB_RATE_LIMIT_ACCOUNT`) where the body names one by its email.
 */
export function authAttemptLimits(settings: { authRateLimitPerMinute: number; rateLimitPerAccount: number }) {
  const perAddress: RouteRateLimit = { max: settings.authRateLimitPerMinute, timeWindow: '1 minute' }
  const perAccount = { max: settings.rateLimitPerAccount, account: emailInBody }
  return {
    perAddress,
    perAddressAndAccount: (name?: string): RouteRateLimit => ({ ...perAddress, perAccount, name }),
  }
}
