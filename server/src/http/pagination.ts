import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Page, PageRequest } from '../domain/pages.js'
import type { TSchema } from '../json-schema.js'
import { itemSerializerOf, jsonArrayBytes } from './json-array.js'

export interface PageSizes {
  pageSizeDefault: number
  pageSizeMax: number
}

export function pageRequest(query: { limit?: number; cursor?: string }, sizes: PageSizes): PageRequest {
  return { limit: Math.min(query.limit ?? sizes.pageSizeDefault, sizes.pageSizeMax), after: query.cursor }
}

/**
 * An HBnB collection (places, users, amenities, reviews): HBnB clients expect the whole list and
 * follow no `Link`, so without `?limit` it answers everything up to `collectionMax` (then pages of
 * that size). `?limit` pages as on every list.
 */
export function collectionRequest(
  query: { limit?: number; cursor?: string },
  sizes: PageSizes & { collectionMax: number },
): PageRequest {
  if (query.limit !== undefined) return pageRequest(query, sizes)
  return { limit: sizes.collectionMax, after: query.cursor }
}

/** The base URL clients reach this server at: the configured public URL, else the request's own. */
export function publicBase(request: FastifyRequest, publicUrl?: string): string {
  return publicUrl ?? `${request.protocol}://${request.host}`
}

/** Lists stay JSON arrays (HBnB clients rely on it); paging travels in headers. */
export function sendPage<T>(request: FastifyRequest, reply: FastifyReply, page: Page<T>, publicUrl?: string) {
  pageHeaders(request, reply, page, publicUrl)
  return page.items
}

/** A page sent as bytes built item by item (see json-array.ts), with its paging headers. */
export function sendList<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  page: Page<T>,
  itemSchema: TSchema,
  publicUrl?: string,
) {
  pageHeaders(request, reply, page, publicUrl)
  const body = jsonArrayBytes(page.items, itemSerializerOf(reply, itemSchema))
  return reply.type('application/json; charset=utf-8').send(body)
}

/** `X-Total-Count` and `Link: rel="next"` of a page. */
export function pageHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  page: { total?: number; nextCursor?: string },
  publicUrl?: string,
) {
  if (page.total !== undefined) reply.header('X-Total-Count', String(page.total))
  if (page.nextCursor)
    reply.header('Link', nextPageLink(request.url, publicBase(request, publicUrl), page.nextCursor))
}

/** The `Link` header to the page after `url`'s. */
export function nextPageLink(url: string, base: string, cursor: string): string {
  const next = new URL(url, base)
  next.searchParams.set('cursor', cursor)
  return `<${next.toString()}>; rel="next"`
}
