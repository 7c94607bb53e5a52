// Fetches an iCal feed on a host's behalf, guarded against server-side request forgery: http(s)
// only, every host name resolved once and all its addresses checked, the connection pinned to
// the checked address (no second lookup a rebinding DNS server could answer differently), each
// redirect checked the same way, and limits on time, size and content.
import { lookup as dnsLookup } from 'node:dns/promises'
import type { IncomingMessage } from 'node:http'
import http from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { isPublicAddress } from './addresses.js'
import { looksLikeICalendar } from './format.js'

export const FETCH_TIMEOUT_MS = 10_000
export const FETCH_MAX_BYTES = 2 * 1024 * 1024
export const FETCH_MAX_REDIRECTS = 3
const REDIRECTS = new Set([301, 302, 303, 307, 308])

export interface ResolvedAddress {
  address: string
  family: number
}

export interface FetcherOptions {
  /** Allow loopback and private addresses (HBNB_ICAL_ALLOW_PRIVATE); never in production. */
  allowPrivateAddresses?: boolean
  /** Total time for the fetch, redirects included. */
  timeoutMs?: number
  maxBytes?: number
  maxRedirects?: number
  /** Which addresses may be connected to; public ones unless private ones are allowed. For tests. */
  isAllowedAddress?: (address: string) => boolean
  /** Name resolution (all addresses); node:dns lookup unless replaced, in tests. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>
}

/** A fetch that failed for a reason worth telling the host: the message is stored on the feed. */
export class FeedError extends Error {}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`
}

/** The URL, when it is an http or https URL; a FeedError otherwise. */
export function checkFeedUrl(raw: string | URL): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new FeedError('feed URL is not a valid URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FeedError(`only http and https feeds can be fetched, not ${url.protocol.replace(/:$/, '')}`)
  }
  return url
}

/** A host name without the brackets URLs put around IPv6 addresses. */
const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, '')

export class IcalFetcher {
  private readonly isAllowed: (address: string) => boolean
  private readonly timeoutMs: number
  private readonly maxBytes: number
  private readonly maxRedirects: number
  private readonly resolveHost: (hostname: string) => Promise<ResolvedAddress[]>

  constructor(options: FetcherOptions = {}) {
    this.isAllowed =
      options.isAllowedAddress ?? (options.allowPrivateAddresses ? () => true : isPublicAddress)
    this.timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS
    this.maxBytes = options.maxBytes ?? FETCH_MAX_BYTES
    this.maxRedirects = options.maxRedirects ?? FETCH_MAX_REDIRECTS
    this.resolveHost = options.resolve ?? ((hostname) => dnsLookup(hostname, { all: true, verbatim: true }))
  }

  /** The feed's text, or a FeedError saying why not. */
  async fetch(rawUrl: string): Promise<string> {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), this.timeoutMs)
    const timedOut = () => new FeedError(`feed did not arrive within ${formatSeconds(this.timeoutMs)}`)
    try {
      let url = checkFeedUrl(rawUrl)
      for (let redirects = 0; ; redirects++) {
        const address = await this.checkedAddress(url, controller.signal)
        const response = await this.request(url, address, controller.signal)
        const status = response.statusCode ?? 0
        if (REDIRECTS.has(status)) {
          response.destroy()
          const location = response.headers.location
          if (!location) throw new FeedError(`feed answered HTTP ${status} without a Location`)
          if (redirects >= this.maxRedirects) {
            throw new FeedError(`feed redirected more than ${this.maxRedirects} times`)
          }
          url = checkFeedUrl(new URL(location, url))
          continue
        }
        if (status < 200 || status > 299) {
          response.destroy()
          throw new FeedError(
            `feed answered HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`,
          )
        }
        const text = await this.readBody(response, url, controller.signal)
        if (!looksLikeICalendar(text)) throw new FeedError('feed is not iCalendar')
        // A cut-off feed would read as fewer events, and unblock nights it still holds.
        if (!/^END:VCALENDAR[ \t]*$/im.test(text)) throw new FeedError('feed is incomplete: no END:VCALENDAR')
        return text
      }
    } catch (error) {
      // Whatever broke once the time was up (the socket, the stream) broke because of it.
      if (controller.signal.aborted) throw timedOut()
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  /** Resolves the URL's host once and checks every address; the first one is used to connect. */
  private async checkedAddress(url: URL, signal: AbortSignal): Promise<ResolvedAddress> {
    const host = bareHost(url)
    const family = isIP(host)
    let addresses: ResolvedAddress[]
    if (family) {
      addresses = [{ address: host, family }]
    } else {
      try {
        addresses = await abortable(this.resolveHost(host), signal)
      } catch (error) {
        if (signal.aborted) throw error
        throw new FeedError(`could not reach ${host}: ${(error as Error).message}`)
      }
    }
    if (addresses.length === 0) throw new FeedError(`could not reach ${host}: no address found`)
    for (const { address } of addresses) {
      if (!this.isAllowed(address)) throw new FeedError(`address ${address} is private: refused`)
    }
    return addresses[0]!
  }

  private request(url: URL, pinned: ResolvedAddress, signal: AbortSignal): Promise<IncomingMessage> {
    // The socket connects to the checked address whatever the host name would resolve to now;
    // TLS still verifies the certificate against the host name.
    const lookup = ((_hostname, options, callback) => {
      if (options?.all) callback(null, [pinned])
      else callback(null, pinned.address, pinned.family)
    }) as LookupFunction
    const client = url.protocol === 'https:' ? https : http
    return new Promise((resolve, reject) => {
      const request = client.request(
        {
          protocol: url.protocol,
          hostname: bareHost(url),
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          headers: {
            accept: 'text/calendar, text/plain;q=0.5, */*;q=0.1',
            'accept-encoding': 'identity',
            'user-agent': 'HBNB-iCal/1.0',
          },
          agent: false,
          lookup,
          signal,
        },
        resolve,
      )
      request.on('error', (error) => {
        if (signal.aborted) reject(error)
        else reject(new FeedError(`could not reach ${url.host}: ${error.message}`))
      })
      request.end()
    })
  }

  /** The body as UTF-8 text, refusing more than maxBytes (the download stops there). */
  private readBody(response: IncomingMessage, url: URL, signal: AbortSignal): Promise<string> {
    const tooLarge = () => new FeedError(`feed larger than ${formatBytes(this.maxBytes)}`)
    const declared = Number(response.headers['content-length'])
    if (Number.isFinite(declared) && declared > this.maxBytes) {
      response.destroy()
      return Promise.reject(tooLarge())
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      let settled = false
      const fail = (error: Error) => {
        if (settled) return
        settled = true
        response.destroy()
        reject(error)
      }
      if (signal.aborted) fail(signal.reason as Error)
      signal.addEventListener('abort', () => fail(signal.reason as Error), { once: true })
      response.on('data', (chunk: Buffer) => {
        if (settled) return
        size += chunk.length
        if (size > this.maxBytes) fail(tooLarge())
        else chunks.push(chunk)
      })
      response.on('end', () => {
        if (settled) return
        settled = true
        resolve(new TextDecoder('utf-8').decode(Buffer.concat(chunks)))
      })
      response.on('error', (error) =>
        fail(new FeedError(`could not download from ${url.host}: ${error.message}`)),
      )
      response.on('aborted', () =>
        fail(new FeedError(`could not download from ${url.host}: connection closed early`)),
      )
    })
  }
}

/** Rejects as soon as the signal aborts (dns lookups cannot be cancelled themselves). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}
