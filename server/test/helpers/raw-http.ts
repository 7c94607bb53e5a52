// A GET whose answer is kept as the bytes on the wire (fetch would decode a compressed body).
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  bytes: Buffer
}

export function rawGet(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(new URL(path, baseUrl), { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, bytes: Buffer.concat(chunks) }),
      )
      res.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
}

/** The body as text, decoded by its Content-Encoding. */
export function decoded(res: RawResponse): string {
  const encoding = res.headers['content-encoding']
  if (encoding === 'br') return brotliDecompressSync(res.bytes).toString('utf8')
  if (encoding === 'gzip') return gunzipSync(res.bytes).toString('utf8')
  return res.bytes.toString('utf8')
}
