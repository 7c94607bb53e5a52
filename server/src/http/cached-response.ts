// Sends a serialized response (cached or just built) with its strong ETag; `If-None-Match` naming it
// gets 304 Not Modified with no body.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CachedResponse, Serialize } from '../infra/cache/index.js'
import { pageHeaders } from './pagination.js'

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  if (ifNoneMatch.trim() === '*') return true
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag)
}

/** The route's serializer of its 200 response schema: cached bodies hold only the schema's fields. */
export function serializerOf(reply: FastifyReply): Serialize {
  return (reply.getSerializationFunction('200') as Serialize | undefined) ?? JSON.stringify
}

export function sendCached(
  request: FastifyRequest,
  reply: FastifyReply,
  response: CachedResponse,
  publicUrl?: string,
) {
  reply.header('ETag', response.etag)
  pageHeaders(request, reply, { total: response.total, nextCursor: response.next }, publicUrl)
  if (matches(request.headers['if-none-match'], response.etag)) return reply.code(304).send()
  return reply.type('application/json; charset=utf-8').send(response.body)
}
