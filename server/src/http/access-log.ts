import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'
import type { Logger } from '../logger.js'

const SECRET_QUERY = /([?&](?:token|access_token|refresh_token)=)[^&]*/gi
const REQUEST_ID_LABEL = 'http.request.id'

/** The URL as logged: secrets in the query string (such as iCal export tokens) are hidden. */
export function loggableUrl(url: string): string {
  return url.includes('?') ? url.replace(SECRET_QUERY, '$1[redacted]') : url
}

/** One log line per request, when it completes, with Elastic Common Schema field names. */
export class AccessLog extends LogController {
  /**
   * The access lines of successful requests. They hold only the fields below (the URL with its
   * secrets hidden), so they skip pino's redaction, which costs more than the rest of the line.
   */
  private readonly lines: Logger

  constructor(logger: Logger) {
    super({ requestIdLogLabel: REQUEST_ID_LABEL })
    this.lines = logger.child({}, { redact: [] })
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const status = reply.statusCode
    const url = loggableUrl(request.url)
    const message = `${request.method} ${url} ${status}`
    if (error || status >= 500) {
      // Errors go through the request's logger, with redaction: an error may carry anything.
      const fields = {
        'http.request.method': request.method,
        'url.path': url,
        'http.response.status_code': status,
        'event.duration': Math.round(reply.elapsedTime * 1e6),
        'client.ip': request.ip,
        ...(error ? { err: error } : {}),
      }
      if (status >= 500) reply.log.error(fields, message)
      else reply.log.info(fields, message)
      return
    }
    if (!this.lines.isLevelEnabled('info')) return
    this.lines.info(
      {
        [REQUEST_ID_LABEL]: request.id,
        'http.request.method': request.method,
        'url.path': url,
        'http.response.status_code': status,
        'event.duration': Math.round(reply.elapsedTime * 1e6),
        'client.ip': request.ip,
      },
      message,
    )
  }
}
