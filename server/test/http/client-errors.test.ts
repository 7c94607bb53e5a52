// Requests refused before any route: too slow (408, HBNB_HEADERS_TIMEOUT_MS and
// HBNB_REQUEST_TIMEOUT_MS), headers too large (431), not HTTP (400). Driven over raw sockets, since an
// HTTP client would not send such requests; every refusal is a JSON error and the connection closes.
import { connect, type Socket } from 'node:net'
import { expect, it } from 'vitest'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'

const HEADERS_TIMEOUT_MS = 600
const REQUEST_TIMEOUT_MS = 1200
/** Far beyond the timeouts: the server must have answered and closed long before. */
const GENEROUS_BOUND_MS = 20_000

interface RawAnswer {
  status: number
  headers: Record<string, string>
  body: any
  /** Whether the server closed the connection (rather than the bound running out). */
  closed: boolean
}

function parse(raw: string, closed: boolean): RawAnswer {
  const [head = '', ...rest] = raw.split('\r\n\r\n')
  const [statusLine = '', ...lines] = head.split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const text = rest.join('\r\n\r\n')
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: Number(statusLine.split(' ')[1]), headers, body, closed }
}

/**
 * Opens a connection, writes `start`, then `drip` one byte at a time every `everyMs` for as long as
 * the connection stays open, and returns what came back once the server closed it.
 */
function exchange(t: TestApp, start: string, drip = '', everyMs = 200): Promise<RawAnswer> {
  const { port } = new URL(t.baseUrl)
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), '127.0.0.1')
    const chunks: Buffer[] = []
    let sent = 0
    const dripper = setInterval(() => {
      if (drip && !socket.destroyed && socket.writable) socket.write(drip[sent++ % drip.length]!)
    }, everyMs)
    const bound = setTimeout(() => finish(false), GENEROUS_BOUND_MS)
    function finish(closed: boolean) {
      clearInterval(dripper)
      clearTimeout(bound)
      socket.destroy()
      resolve(parse(Buffer.concat(chunks).toString('utf8'), closed))
    }
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the answer arrived still closes the exchange; before it, it is a failure.
      if (chunks.length > 0 || error.code === 'ECONNRESET') finish(true)
      else reject(error)
    })
    socket.on('close', () => finish(true))
    socket.write(start)
  })
}

function expectRefusal(answer: RawAnswer, status: number, code: string) {
  expect(answer.closed, 'the server closed the connection').toBe(true)
  expect(answer.status).toBe(status)
  expect(answer.headers['content-type']).toMatch(/^application\/json/)
  expect(answer.headers.connection).toBe('close')
  expect(answer.body.code).toBe(code)
  expect(typeof answer.body.error).toBe('string')
  expect(answer.body.request_id).toBe(answer.headers['x-request-id'])
  expect(answer.headers['x-content-type-options']).toBe('nosniff')
  expect(answer.headers['content-security-policy']).toContain("default-src 'none'")
  expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(answer.body)))
}

async function refusals(t: TestApp, code: string): Promise<number> {
  const text = (await t.get('/metrics')).text
  const match = new RegExp(`^hbnb_http_client_errors_total\\{code="${code}"\\} (\\d+)`, 'm').exec(text)
  return match ? Number(match[1]) : 0
}

describeEachDriver(
  'requests refused by the HTTP layer',
  (t) => {
    it('answers 408 to a body sent one byte at a time, and closes the connection', async () => {
      const before = await refusals(t(), 'request_timeout')
      const answer = await exchange(
        t(),
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{',
        '"email": "x@example.com", ',
      )
      expectRefusal(answer, 408, 'request_timeout')
      expect(answer.body.error).toContain(`${REQUEST_TIMEOUT_MS} ms`)
      expect(await refusals(t(), 'request_timeout')).toBe(before + 1)
    })

    it('answers 408 to headers that never end', async () => {
      const answer = await exchange(
        t(),
        'GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\nX-Slow: ',
        'abc',
        100,
      )
      expectRefusal(answer, 408, 'request_timeout')
    })

    it('answers 408 to a slow request on a kept-alive connection, after a normal answer', async () => {
      const answer = await exchange(
        t(),
        'GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\n\r\n' +
          'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n',
        ' ',
      )
      // The first answer, then the refusal of the second request.
      const text = JSON.stringify(answer.body)
      expect(answer.status).toBe(200)
      expect(text).toContain('request_timeout')
      expect(answer.closed).toBe(true)
    })

    it('still serves requests that arrive in time', async () => {
      const response = await t().get('/api/v1/status')
      expect(response.status).toBe(200)
    })

    it('answers 431 in the JSON error shape to headers that are too large', async () => {
      const before = await refusals(t(), 'headers_too_large')
      const answer = await exchange(
        t(),
        `GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      )
      expectRefusal(answer, 431, 'headers_too_large')
      expect(await refusals(t(), 'headers_too_large')).toBe(before + 1)
    })

    it('answers 400 in the JSON error shape to a request that is not HTTP', async () => {
      expectRefusal(await exchange(t(), 'HELLO THERE\r\n\r\n'), 400, 'malformed_request')
      expectRefusal(
        await exchange(t(), 'GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n'),
        400,
        'malformed_request',
      )
      expectRefusal(
        await exchange(
          t(),
          'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
        ),
        400,
        'malformed_request',
      )
    })
  },
  {
    HBNB_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    HBNB_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  },
)
