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
import type { DeviceCookies } from './session-cookies.js'

/** A route's own limit (`config: { rateLimit }`), on top of the global ones. */
export interface RouteRateLimit {
  /** Requests per client address per window (`0`: none per address). */
  max: number
  /** The window: milliseconds, or `N second(s)|minute(s)|hour(s)`. */
  timeWindow: number | string
  /** Routes sharing a name share their counters (a route and its alias); default: the route's URL. */
  name?: string
  /** Also limits attempts per account, from any address: the account the request names. */
  perAccount?: { max: number; account: (request: FastifyRequest) => string | undefined }
  /** Client addresses this route's own limits (per address and per account) do not apply to. */
  allow?: AddressMatcher
  /** Also limits the requests of each logged-in user (from the access token), from any address. */
  perUser?: { max: number }
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

export interface Outcome extends RateLimitHit {
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

/**
 * The store and settings every limit is counted with; the per-address limit, which every API request
 * counts against, is also applied by the cache's early answers (see cached-response.ts).
 */
export class RateLimits {
  private readonly allowed: AddressMatcher

  constructor(
    private readonly store: RateLimitStore,
    readonly settings: RateLimitSettings,
  ) {
    this.allowed = new AddressMatcher(settings.allow)
  }

  /** No limit applies outside the API, nor to an allow-listed client. */
  exempt(url: string, clientIp: string): boolean {
    return !url.startsWith('/api/') || this.allowed.matches(clientIp)
  }

  /** The limit of the client address; undefined when per-address limits are off. */
  perAddress(clientIp: string): Limit | undefined {
    if (this.settings.perAddress <= 0) return undefined
    return { key: `ip:${plainAddress(clientIp)}`, max: this.settings.perAddress, windowMs: MINUTE_MS }
  }

  async count(limit: Limit): Promise<Outcome> {
    return { max: limit.max, ...(await this.store.hit(limit.key, limit.windowMs)) }
  }
}

/** The `RateLimit-*` headers of the limit that binds (see `tightest`), named as Fastify sends them. */
export function rateLimitHeaders(binding: Outcome): Record<string, number> {
  return {
    'ratelimit-limit': binding.max,
    'ratelimit-remaining': Math.max(0, binding.max - binding.count),
    'ratelimit-reset': seconds(binding.resetMs),
  }
}

export function registerRateLimits(app: FastifyInstance, limits: RateLimits, tokens: AccessTokens) {
  const { settings } = limits
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

  const enforce = async (request: FastifyRequest, reply: FastifyReply, toCount: Limit[]) => {
    if (toCount.length === 0) return
    const outcomes = await Promise.all(toCount.map((limit) => limits.count(limit)))
    const before = applied.get(request)
    const binding = tightest(before ? [before, ...outcomes] : outcomes)!
    applied.set(request, binding)
    reply.headers(rateLimitHeaders(binding))
    if (binding.count > binding.max) {
      const reset = seconds(binding.resetMs)
      reply.header('Retry-After', reset)
      throw new AppError(
        429,
        'rate_limited',
        `Too many attempts: try again in ${reset} second${reset === 1 ? '' : 's'}`,
      )
    }
  }

  const exempt = (request: FastifyRequest) => limits.exempt(request.url, request.ip)
  const routeName = (request: FastifyRequest, limit: RouteRateLimit) =>
    limit.name ?? `${request.method} ${request.routeOptions.url}`

  // Before the body is read: the client address and the user, and the route's limit per address.
  // Callback hooks, so that a request no limit applies to (an allowed address, limits off) costs no
  // promise: this runs on every request, cached answers included.
  const limitRequest = async (request: FastifyRequest, reply: FastifyReply, token: string | undefined) => {
    const address = plainAddress(request.ip)
    const toCount: Limit[] = []
    const perAddress = limits.perAddress(address)
    if (perAddress) toCount.push(perAddress)
    const user = token ? await userOf(token) : undefined
    if (user && settings.perUser > 0)
      toCount.push({ key: `user:${user}`, max: settings.perUser, windowMs: MINUTE_MS })
    const route = request.routeOptions.config?.rateLimit
    if (route && route.max > 0 && !route.allow?.matches(address)) {
      toCount.push({
        key: `route:${routeName(request, route)}:ip:${address}`,
        max: route.max,
        windowMs: windowMs(route.timeWindow),
      })
    }
    if (route?.perUser && route.perUser.max > 0 && user) {
      toCount.push({
        key: `route:${routeName(request, route)}:user:${user}`,
        max: route.perUser.max,
        windowMs: windowMs(route.timeWindow),
      })
    }
    await enforce(request, reply, toCount)
  }
  app.addHook('onRequest', (request, reply, done) => {
    if (exempt(request)) return done()
    const route = request.routeOptions.config?.rateLimit
    const token = settings.perUser > 0 || route?.perUser ? bearerToken(request) : undefined
    if (settings.perAddress <= 0 && !token && !route) return done()
    limitRequest(request, reply, token).then(() => done(), done)
  })

  // Once the body is validated: the route's limit per account.
  app.addHook('preHandler', (request, reply, done) => {
    const route = request.routeOptions.config?.rateLimit
    if (!route?.perAccount || route.perAccount.max <= 0 || exempt(request)) return done()
    if (route.allow?.matches(request.ip)) return done()
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
 * also per account (`HBNB_RATE_LIMIT_ACCOUNT`) where the body names one by its email; neither
 * applies to the addresses of `HBNB_AUTH_RATE_LIMIT_ALLOW` (loopback in development).
 */
export function authAttemptLimits(settings: {
  authRateLimitPerMinute: number
  rateLimitPerAccount: number
  authRateLimitAllow: string[]
}) {
  const allow = new AddressMatcher(settings.authRateLimitAllow)
  const perAddress: RouteRateLimit = { max: settings.authRateLimitPerMinute, timeWindow: '1 minute', allow }
  const perAccount = { max: settings.rateLimitPerAccount, account: emailInBody }
  /** A login from a known device (its device cookie) counts against that device, not the account. */
  const perAccountOrDevice = (devices: DeviceCookies) => ({
    max: settings.rateLimitPerAccount,
    account: (request: FastifyRequest) => {
      const email = emailInBody(request)
      const device = email === undefined ? undefined : devices.deviceOf(request, email)
      return device === undefined ? email : `device:${device}`
    },
  })
  return {
    perAddress,
    perAddressAndAccount: (name?: string, devices?: DeviceCookies): RouteRateLimit => ({
      ...perAddress,
      perAccount: devices ? perAccountOrDevice(devices) : perAccount,
      name,
    }),
  }
}
