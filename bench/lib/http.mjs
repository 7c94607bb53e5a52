// One HTTP exchange with node:http, keeping the exact response bytes (fetch would hide some details).
import { request as httpRequest } from 'node:http'

/** Sends one request; resolves with { status, headers, body: Buffer }. */
export function request(baseUrl, { method = 'GET', path, headers = {}, body } = {}) {
  const url = new URL(path, baseUrl)
  const payload = body === undefined ? undefined : Buffer.from(body)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method,
        headers: payload ? { 'content-length': payload.length, ...headers } : headers,
        agent: false,
      },
      (res) => {
        const chunks = []
        res.on('data', (chunk) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
        )
        res.on('error', reject)
      },
    )
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${url} timed out`)))
    req.on('error', reject)
    req.end(payload)
  })
}

/** Like request(), but fails unless the status is the expected one; parses JSON bodies. */
export async function json(baseUrl, options, expected = 200) {
  const res = await request(baseUrl, {
    ...options,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
  })
  if (res.status !== expected) {
    const text = res.body.toString('utf8').slice(0, 500)
    throw new Error(
      `${options.method ?? 'GET'} ${options.path}: expected ${expected}, got ${res.status}: ${text}`,
    )
  }
  return JSON.parse(res.body.toString('utf8'))
}
