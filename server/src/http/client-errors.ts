// Requests node:http refuses before any route sees them: headers too large (431), not HTTP (400), and
// requests that do not arrive in time (408, HBNB_HEADERS_TIMEOUT_MS and HBNB_REQUEST_TIMEOUT_MS).
// They get the JSON error shape of every other error, written straight to the socket, which is
// then closed: the rest of such a request cannot be trusted to be read correctly.
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { Logger } from '../logger.js'
import { counter } from '../metrics.js'
import { requestIdOf } from './request-id.js'

const refused = counter(
  'hbnb_http_client_errors_total',
  'Requests refused by the HTTP parser or its timeouts, by code',
  ['code'],
)

interface Refusal {
  status: number
  code: string
  error: string
}

function refusalOf(error: NodeJS.ErrnoException, limits: ClientErrorLimits): Refusal {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'request_timeout',
        error: `The request did not arrive in time: send its headers within ${limits.headersTimeoutMs} ms and all of it within ${limits.requestTimeoutMs} ms`,
      }
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'headers_too_large',
        error: `The request headers are too large: at most ${limits.maxHeaderBytes} bytes in all`,
      }
    default:
      return { status: 400, code: 'malformed_request', error: 'The request is not valid HTTP/1.1' }
  }
}

export interface ClientErrorLimits {
  headersTimeoutMs: number
  requestTimeoutMs: number
  maxHeaderBytes: number
}

/** The server's `clientError` listener (Fastify's `clientErrorHandler`). */
export function clientErrorHandler(
  logger: Logger,
  headers: Readonly<Record<string, string>>,
  limits: ClientErrorLimits,
) {
  return (error: NodeJS.ErrnoException, socket: Socket) => {
    // The client went away: nobody to answer.
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || socket.destroyed) return
    const refusal = refusalOf(error, limits)
    refused.inc({ code: refusal.code })
    const id = requestIdOf({})
    const log = refusal.status === 408 ? logger.warn.bind(logger) : logger.info.bind(logger)
    log(
      {
        http: { response: { status_code: refusal.status } },
        client: { ip: socket.remoteAddress },
        error: { code: error.code, message: error.message },
        request_id: id,
      },
      `request refused: ${refusal.code}`,
    )
    // A response already on its way cannot be replaced by another: the connection just ends.
    const current = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage
    if (socket.writable && !current?.headersSent) {
      const body = JSON.stringify({ error: refusal.error, code: refusal.code, request_id: id })
      const lines = [
        `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}`,
        'content-type: application/json; charset=utf-8',
        `content-length: ${Buffer.byteLength(body)}`,
        'connection: close',
        `x-request-id: ${id}`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      ]
      socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`)
    }
    socket.destroy()
  }
}
