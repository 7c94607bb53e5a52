// Sending serialized responses (cached or just built) with their strong ETag; `If-None-Match` naming
// it gets 304 Not Modified with no body.
//
// Cache hits of anonymous GETs are also answered before the framework: when a route sends an
// anonymous GET from a cache entry, the URL is remembered with that entry. A later anonymous GET of
// the same URL looks the entry up under the current versions of its tags, so it gets exactly what the
// route would send, with the same request id, CORS, rate-limit and access-log rules (the functions the
// framework's hooks use). On a miss, or when the client is over its limit, the request goes through
// the framework as usual. A cached answer then costs a fraction of a routed one (docs/benchmarks.md).
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CachedResponse, CacheEntry, ResponseCache, Serialize } from '../infra/cache/index.js'
import { Lru } from '../infra/cache/memory.js'
import { counter } from '../metrics.js'
import type { AccessLog } from './access-log.js'
import { type Compressor, compressible, encodedEtag, encodingFor, varyWithEncoding } from './compression.js'
import { nextPageLink, pageHeaders } from './pagination.js'
import { type RateLimits, rateLimitHeaders } from './rate-limit.js'
import { observeRequest } from './request-metrics.js'

/** URLs remembered per process: each is only a pointer to its entry. */
const REMEMBERED_URLS = 10_000
/** Longer URLs are not remembered (they always go through the router): bounds the memory it takes. */
const LONGEST_REMEMBERED_URL = 1024
const JSON_TYPE = 'application/json; charset=utf-8'
/** The end of an ETag of a compressed form (compression.ts `encodedEtag`). */
const ENCODED = /-(br|gzip)"$/

const earlyAnswers = counter(
  'hbnb_cache_early_answers_total',
  'Cache hits answered before routing (a subset of hbnb_cache_hits_total)',
)

/** The rules every request follows, as plain functions (the framework's hooks use them too). */
export interface RequestRules {
  requestId: (headers: IncomingMessage['headers']) => string
  cors: (origin: string | undefined) => { headers: Record<string, string> } | undefined
  /** The security headers of every response (security-headers.ts). */
  security: Readonly<Record<string, string>>
  clientIp: (request: IncomingMessage) => string
  limits: RateLimits
  accessLog: AccessLog
  /** The configured public URL (the base of `Link` URLs), if any. */
  publicUrl?: string
  /** The base of `Link` URLs for a request; undefined: pages with a next link go through the framework. */
  linkBase: (request: IncomingMessage) => string | undefined
}

type Listener = (request: IncomingMessage, response: ServerResponse) => void

/** Whether `If-None-Match` names the body `etag` names, in any of its encodings. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  if (ifNoneMatch.trim() === '*') return true
  return ifNoneMatch
    .split(',')
    .some((candidate) => candidate.trim().replace(/^W\//, '').replace(ENCODED, '"') === etag)
}

function isAnonymousGet(method: string | undefined, headers: IncomingMessage['headers']): boolean {
  return method === 'GET' && headers.authorization === undefined
}

/** The route's serializer of its 200 response schema: cached bodies hold only the schema's fields. */
export function serializerOf(reply: FastifyReply): Serialize {
  return (reply.getSerializationFunction('200') as Serialize | undefined) ?? JSON.stringify
}

export class CachedResponses {
  private readonly entries = new Lru<{ entry: CacheEntry; route: string | undefined }>(REMEMBERED_URLS)
  /** `Link` headers already built, by base, URL and cursor (building one parses a URL). */
  private readonly links = new Lru<string>(REMEMBERED_URLS)

  constructor(
    private readonly cache: ResponseCache,
    private readonly compressor: Compressor,
    private readonly rules: RequestRules,
  ) {}

  /** Sends a route's response; an anonymous GET served from a cache entry is remembered. */
  send(request: FastifyRequest, reply: FastifyReply, response: CachedResponse) {
    if (
      response.entry &&
      request.url.length <= LONGEST_REMEMBERED_URL &&
      isAnonymousGet(request.method, request.headers)
    ) {
      this.entries.set(request.url, { entry: response.entry, route: request.routeOptions.url })
    }
    reply.header('ETag', response.etag)
    pageHeaders(request, reply, { total: response.total, nextCursor: response.next }, this.rules.publicUrl)
    if (matches(request.headers['if-none-match'], response.etag)) return reply.code(304).send()
    return reply.type(JSON_TYPE).send(response.body)
  }

  /** A node:http request listener that answers known cache hits and hands the rest to `framework`. */
  answerEarly(framework: Listener): Listener {
    if (!this.cache.enabled) return framework
    return (request, response) => {
      const remembered =
        request.url && isAnonymousGet(request.method, request.headers)
          ? this.entries.get(request.url)
          : undefined
      if (!remembered) return framework(request, response)
      const fallBack = () => response.headersSent || framework(request, response)
      this.answer(request, response, remembered).then((answered) => answered || fallBack(), fallBack)
    }
  }

  private nextLink(url: string, base: string, cursor: string): string {
    const key = `${base} ${url} ${cursor}`
    let link = this.links.get(key)
    if (link === undefined) {
      link = nextPageLink(url, base, cursor)
      this.links.set(key, link)
    }
    return link
  }

  private async answer(
    request: IncomingMessage,
    response: ServerResponse,
    { entry, route }: { entry: CacheEntry; route: string | undefined },
  ) {
    const started = performance.now()
    const { rules } = this
    const url = request.url!
    const cached = await this.cache.peek(entry)
    const linkBase = cached?.next ? rules.linkBase(request) : undefined
    if (!cached || (cached.next && !linkBase)) return false
    const clientIp = rules.clientIp(request)
    const limit = rules.limits.exempt(url, clientIp) ? undefined : rules.limits.perAddress(clientIp)
    const outcome = limit && (await rules.limits.count(limit))
    // Over the limit: the framework counts the request again and answers the 429 (its error format).
    if (outcome && outcome.count > outcome.max) return false

    const id = rules.requestId(request.headers)
    const headers: OutgoingHttpHeaders = {
      'x-request-id': id,
      ...rules.security,
      ...rules.cors(request.headers.origin)?.headers,
    }
    if (outcome) Object.assign(headers, rateLimitHeaders(outcome))
    headers.etag = cached.etag
    if (cached.total !== undefined) headers['x-total-count'] = String(cached.total)
    if (cached.next && linkBase) headers.link = this.nextLink(url, linkBase, cached.next)
    let status = 200
    if (matches(request.headers['if-none-match'], cached.etag)) {
      status = 304
      response.writeHead(status, headers)
      response.end()
    } else {
      let body = cached.body
      headers['content-type'] = JSON_TYPE
      if (compressible(JSON_TYPE, body.length)) {
        headers.vary = varyWithEncoding(headers.vary)
        const encoding = encodingFor(request.headers['accept-encoding'])
        if (encoding) {
          body = this.compressor.compress(body, encoding, cached.etag)
          headers['content-encoding'] = encoding
          headers.etag = encodedEtag(cached.etag, encoding)
        }
      }
      headers['content-length'] = body.length
      response.writeHead(status, headers)
      response.end(body)
    }
    earlyAnswers.inc()
    const elapsedMs = performance.now() - started
    observeRequest('GET', route, status, elapsedMs / 1000)
    rules.accessLog.line({
      id,
      method: 'GET',
      url,
      status,
      durationNs: Math.round(elapsedMs * 1e6),
      clientIp,
    })
    return true
  }
}
