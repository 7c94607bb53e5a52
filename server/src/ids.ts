import { randomBytes } from 'node:crypto'

let lastMs = 0
let sequence = 0

/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Ids made by one process are
 * strictly increasing (a 12-bit counter in rand_a within the same millisecond), so inserts stay
 * ordered on InnoDB and ids sort by creation time.
 */
export function uuidv7(now = Date.now()): string {
  if (now <= lastMs) {
    sequence++
    if (sequence > 0xfff) {
      lastMs++
      sequence = 0
    }
    now = lastMs
  } else {
    lastMs = now
    sequence = 0
  }
  const bytes = randomBytes(16)
  bytes.writeUIntBE(now, 0, 6)
  bytes[6] = 0x70 | (sequence >> 8)
  bytes[7] = sequence & 0xff
  bytes[8] = 0x80 | (bytes[8]! & 0x3f)
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export function nowIso(): string {
  return new Date().toISOString()
}
