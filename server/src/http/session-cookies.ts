// The cookies of authentication, all `HttpOnly; Secure; SameSite=Strict`:
// - `hbnb_refresh`: the refresh token of a web client that asked for it (header
//   `X-HBNB-Session: cookie` at login or sign-up), sent only to the refresh and logout routes, which
//   then need that same header (a cross-origin page cannot send it without a CORS preflight we
//   refuse) and an `Origin`, when there is one, of this server (CSRF protection);
// - `hbnb_device`: the device cookie issued at every successful login, naming the account it
//   logged in; a login presenting it is counted per device rather than per account, so an attacker's
//   failed attempts never lock the owner out of a known device.
// Browsers keep `Secure` cookies of http://localhost and http://127.0.0.1 (potentially trustworthy
// origins), so `Secure` is set always: over plain HTTP elsewhere the cookies are not kept, and web
// clients stay signed in for the tab only.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError, badRequest } from '../errors.js'

export const SESSION_HEADER = 'x-hbnb-session'
const REFRESH_COOKIE = 'hbnb_refresh'
const DEVICE_COOKIE = 'hbnb_device'
/** The routes the refresh cookie is sent to (a cookie has one path: one cookie per route). */
const REFRESH_PATHS = ['/api/v1/auth/refresh', '/api/v1/auth/logout']
const DEVICE_PATH = '/api/v1'
const DEVICE_COOKIE_DAYS = 180

/** The cookies of a request (the first of each name: the most specific path). */
export function cookiesOf(request: FastifyRequest): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim())
  }
  return cookies
}

function cookie(name: string, value: string, path: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`
}

function addCookies(reply: FastifyReply, cookies: string[]) {
  const existing = reply.getHeader('set-cookie')
  const before = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)]
  reply.header('set-cookie', [...before, ...cookies])
}

/** Whether the client asked for (or, at refresh and logout, authenticates with) the refresh cookie. */
export function wantsSessionCookie(request: FastifyRequest): boolean {
  return request.headers[SESSION_HEADER] === 'cookie'
}

export class RefreshCookie {
  constructor(private readonly ttlSeconds: number) {}

  set(reply: FastifyReply, refreshToken: string) {
    addCookies(
      reply,
      REFRESH_PATHS.map((path) => cookie(REFRESH_COOKIE, refreshToken, path, this.ttlSeconds)),
    )
  }

  clear(reply: FastifyReply) {
    addCookies(
      reply,
      REFRESH_PATHS.map((path) => cookie(REFRESH_COOKIE, '', path, 0)),
    )
  }

  /**
   * The refresh token of the request's cookie, when the request may use it: it carries the
   * session header, and its `Origin`, if any, is this server. Undefined without a cookie.
   */
  read(request: FastifyRequest): string | undefined {
    const token = cookiesOf(request).get(REFRESH_COOKIE)
    if (!token) return undefined
    if (!wantsSessionCookie(request)) {
      throw new AppError(
        403,
        'csrf_refused',
        `The session cookie is only accepted with the header "X-HBNB-Session: cookie"`,
      )
    }
    const origin = request.headers.origin
    if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) {
      throw new AppError(403, 'csrf_refused', 'The session cookie is only accepted from this site')
    }
    return token
  }

  /** The refresh token of the body, else of the cookie; a 400 without either. */
  require(request: FastifyRequest, fromBody: string | undefined): string {
    const token = fromBody ?? this.read(request)
    if (token === undefined) {
      throw badRequest(
        'refresh_token is required (in the body, or the session cookie with the header "X-HBNB-Session: cookie")',
        'validation_failed',
      )
    }
    return token
  }
}

/** Device cookies (OWASP "device cookies"): `<nonce>.<issued at, s>.<HMAC of both and the account>`. */
export class DeviceCookies {
  private readonly key: Buffer

  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createHash('sha256').update(`hbnb device cookie\n${secret}`).digest()
  }

  issue(reply: FastifyReply, email: string) {
    const nonce = randomBytes(16).toString('base64url')
    const issued = Math.floor(this.now() / 1000)
    const value = `${nonce}.${issued}.${this.mac(nonce, issued, email)}`
    addCookies(reply, [cookie(DEVICE_COOKIE, value, DEVICE_PATH, DEVICE_COOKIE_DAYS * 86_400)])
  }

  /** The device's id when the request carries a valid device cookie of this account, else undefined. */
  deviceOf(request: FastifyRequest, email: string): string | undefined {
    const value = cookiesOf(request).get(DEVICE_COOKIE)
    const [nonce, issuedText, mac, ...rest] = value?.split('.') ?? []
    if (!nonce || !issuedText || !mac || rest.length > 0 || !/^\d{1,12}$/.test(issuedText)) return undefined
    const issued = Number(issuedText)
    if (this.now() / 1000 - issued > DEVICE_COOKIE_DAYS * 86_400) return undefined
    const expected = Buffer.from(this.mac(nonce, issued, email))
    const given = Buffer.from(mac)
    return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : undefined
  }

  private mac(nonce: string, issued: number, email: string) {
    return createHmac('sha256', this.key)
      .update(`${nonce}\n${issued}\n${email.trim().toLowerCase()}`)
      .digest('base64url')
  }
}
