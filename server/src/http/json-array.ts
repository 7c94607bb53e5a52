// Lists answered as bytes built item by item. A page serialized as one string is costly past a few
// dozen items: one non-ASCII character makes all of it a two-byte string, which Node then measures,
// flattens and encodes to UTF-8 whole (docs/benchmarks.md). Here each item is serialized by the
// route's compiled serializer of its item schema and encoded straight into one growing buffer: no
// string of the page exists, and no string is measured before it is written.
import type { FastifyReply } from 'fastify'
import type { Serialize } from '../infra/cache/index.js'
import type { SerializeItem } from '../infra/cache/item-bytes.js'
import type { TSchema } from '../json-schema.js'

const OPEN = 0x5b
const COMMA = 0x2c
const CLOSE = 0x5d
/** UTF-8 takes at most three bytes for each UTF-16 code unit. */
const MAX_BYTES_PER_CHAR = 3

/** `items` as the bytes of a JSON array, each item serialized by `serializeItem`. */
export function jsonArrayBytes(items: readonly unknown[], serializeItem: SerializeItem): Buffer {
  let buffer: Buffer | undefined
  let length = 0
  for (let i = 0; i < items.length; i++) {
    const json = serializeItem(items[i])
    const needed = length + 2 + json.length * MAX_BYTES_PER_CHAR
    if (!buffer || needed > buffer.length) {
      // The first item's size times the count, with room for longer items and non-ASCII text.
      const guess = i === 0 ? Math.ceil((json.length + 1) * items.length * 1.25) + 2 : buffer!.length * 2
      const grown = Buffer.allocUnsafe(Math.max(needed, guess))
      if (buffer) buffer.copy(grown, 0, 0, length)
      buffer = grown
    }
    buffer[length++] = i === 0 ? OPEN : COMMA
    length += buffer.write(json, length)
  }
  if (!buffer) return Buffer.from('[]')
  buffer[length++] = CLOSE
  // A buffer much larger than its bytes would be held for as long as the response is.
  return length * 2 < buffer.length ? Buffer.from(buffer.subarray(0, length)) : buffer.subarray(0, length)
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
