// Lists answered as bytes built item by item. A page serialized as one string is costly past a few
// dozen items: one non-ASCII character makes all of it a two-byte string, which Node then measures
// and encodes to UTF-8 whole (docs/benchmarks.md). Here each item is serialized by the route's
// compiled serializer of its item schema and encoded in chunks small enough to stay cheap, so a
// 10,000-item list costs about its own bytes in memory.
import type { FastifyReply } from 'fastify'
import type { TSchema } from 'typebox'
import type { Serialize } from '../infra/cache/index.js'

/** Characters encoded at a time: far below V8's large-object size even as a two-byte string. */
const CHUNK_CHARS = 16_384

export type SerializeItem = (item: unknown) => string

/** `items` as the bytes of a JSON array, each item serialized by `serializeItem`. */
export function jsonArrayBytes(items: readonly unknown[], serializeItem: SerializeItem): Buffer {
  const chunks: Buffer[] = []
  let bytes = 0
  let pending = '['
  for (let i = 0; i < items.length; i++) {
    const json = serializeItem(items[i])
    if (pending.length + json.length > CHUNK_CHARS) {
      const chunk = Buffer.from(pending)
      chunks.push(chunk)
      bytes += chunk.length
      pending = ''
    }
    pending += i === 0 ? json : `,${json}`
  }
  const last = Buffer.from(`${pending}]`)
  if (chunks.length === 0) return last
  chunks.push(last)
  return Buffer.concat(chunks, bytes + last.length)
}

/** The route's compiled serializer of one item of its list (compiled on first use, then kept). */
export function itemSerializerOf(reply: FastifyReply, itemSchema: TSchema): SerializeItem {
  return reply.compileSerializationSchema(itemSchema as Record<string, unknown>, '200') as SerializeItem
}

/** A list route's `Serialize`: its items through the item schema's serializer, as bytes. */
export function listSerializerOf(reply: FastifyReply, itemSchema: TSchema): Serialize {
  const serializeItem = itemSerializerOf(reply, itemSchema)
  return (items) => jsonArrayBytes(items as unknown[], serializeItem)
}
