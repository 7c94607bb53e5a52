// Negotiated compression of the API's JSON and the pages' HTML: brotli or gzip, as the client's
// Accept-Encoding prefers, for bodies of at least MIN_BYTES. A body with an ETag (cached entries, and
// every answer built as a CachedResponse) names its bytes: each of its compressed forms is made once
// and kept, so a cached entry costs its compression once per encoding, not once per request.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

export type Encoding = 'br' | 'gzip'

/** Smaller bodies fit in a packet or two: compressing them saves nothing worth the CPU. */
export const MIN_BYTES = 1024
/** Bytes of compressed bodies kept by ETag (the oldest made go first). */
const KEPT_BYTES = 32 * 1024 * 1024
/** Fast settings: about a millisecond for 100 kB of JSON, a fifth to a tenth of its size. */
const BROTLI_OPTIONS = {
  params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
}
const GZIP_OPTIONS = { level: 6 }

const COMPRESSIBLE = /^(application\/json|text\/html)/

/** The encoding to answer with, from an `Accept-Encoding` header: brotli first, then gzip. */
export function encodingFor(acceptEncoding: string | string[] | undefined): Encoding | undefined {
  if (!acceptEncoding) return undefined
  const accepted = new Map<string, number>()
  for (const part of String(acceptEncoding).toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';')
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    accepted.set(name!.trim(), q ? Number(q.slice(2)) : 1)
  }
  const weight = (name: Encoding) => accepted.get(name) ?? (accepted.get('*') || 0)
  if (weight('br') > 0) return 'br'
  if (weight('gzip') > 0) return 'gzip'
  return undefined
}

/** Whether a response of this type and size is worth compressing. */
export function compressible(contentType: unknown, length: number): boolean {
  return length >= MIN_BYTES && typeof contentType === 'string' && COMPRESSIBLE.test(contentType)
}

/** The strong ETag of a body's compressed form: the identity's with the encoding inside its quotes. */
export function encodedEtag(etag: string, encoding: Encoding): string {
  return etag.endsWith('"') ? `${etag.slice(0, -1)}-${encoding}"` : `${etag}-${encoding}`
}

/** `Vary` with `Accept-Encoding` added to what it already names. */
export function varyWithEncoding(vary: unknown): string {
  const names = typeof vary === 'string' && vary ? vary : ''
  if (/(^|,)\s*accept-encoding\s*(,|$)/i.test(names)) return names
  return names ? `${names}, Accept-Encoding` : 'Accept-Encoding'
}

export class Compressor {
  private readonly kept = new Map<string, Buffer>()
  private keptBytes = 0

  /** `body` compressed with `encoding`; made once per ETag when the body has one. */
  compress(body: Buffer, encoding: Encoding, etag?: string): Buffer {
    const key = etag && `${encoding} ${etag}`
    const found = key ? this.kept.get(key) : undefined
    if (found) return found
    const compressed =
      encoding === 'br' ? brotliCompressSync(body, BROTLI_OPTIONS) : gzipSync(body, GZIP_OPTIONS)
    if (key) this.keep(key, compressed)
    return compressed
  }

  private keep(key: string, compressed: Buffer) {
    this.kept.set(key, compressed)
    this.keptBytes += compressed.length
    while (this.keptBytes > KEPT_BYTES) {
      const [oldest, bytes] = this.kept.entries().next().value!
      this.kept.delete(oldest)
      this.keptBytes -= bytes.length
    }
  }
}
