// The client address and the base URL of a raw node:http request, by the same rules as Fastify's
// `request.ip` and `publicBase` (pagination.ts) with our settings: X-Forwarded-* headers are followed
// only through trusted proxies.
import type { IncomingMessage } from 'node:http'
import proxyAddr from '@fastify/proxy-addr'

export function clientAddressOf(trustProxy: boolean | string[]): (request: IncomingMessage) => string {
  if (trustProxy === false) return (request) => request.socket.remoteAddress ?? ''
  const trust = trustProxy === true ? () => true : proxyAddr.compile(trustProxy)
  return (request) => proxyAddr(request, trust)
}

/**
 * The base URL links in a response start with: the public URL when configured; else, with no
 * trusted proxy, the request's own scheme and Host; else undefined (the framework works it out).
 */
export function linkBaseOf(
  publicUrl: string | undefined,
  trustProxy: boolean | string[],
): (request: IncomingMessage) => string | undefined {
  if (publicUrl) return () => publicUrl
  if (trustProxy !== false) return () => undefined
  return (request) => {
    const host = request.headers.host
    if (!host) return undefined
    return `${(request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${host}`
  }
}
