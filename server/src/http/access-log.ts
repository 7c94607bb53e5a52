import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'
import { directInfoLine, type LineFields, type Logger } from '../logger.js'
import { observeRequest } from './request-metrics.js'

const SECRET_QUERY = /([?&](?:token|access_token|refresh_token)=)[^&]*/gi
const REQUEST_ID_LABEL = 'http.request.id'

/** The URL as logged: secrets in the query string (such as iCal export tokens) are hidden. */
export function loggableUrl(url: string): string {
  return url.includes('?') ? url.replace(SECRET_QUERY, '$1[redacted]') : url
}

/** A logged URL's ECS fields: `url.path`, and `url.query` (without the `?`) when it has one. */
function urlFields(url: string): Record<string, string> {
  const mark = url.indexOf('?')
  return mark < 0 ? { 'url.path': url } : { 'url.path': url.slice(0, mark), 'url.query': url.slice(mark + 1) }
}

/** What the access line of a successful request says. */
export interface AccessLine {
  id: string
  method: string
  /** As requested: secrets in the query string are hidden here. */
  url: string
  status: number
  durationNs: number
  clientIp: string
}

/** One log line per request, when it completes, with Elastic Common Schema field names. */
export class AccessLog extends LogController {
  /**
   * The access lines of successful requests. They hold only the fields below (the URL with its
   * secrets hidden), so they skip pino's redaction, which costs more than the rest of the line.
   */
  private readonly lines: Logger
  private readonly write: (fields: LineFields, message: string) => void

  constructor(logger: Logger) {
    super({ requestIdLogLabel: REQUEST_ID_LABEL })
    this.lines = logger.child({}, { redact: [] })
    this.write = directInfoLine(logger) ?? ((fields, message) => this.lines.info(fields, message))
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const status = reply.statusCode
    observeRequest(request.method, request.routeOptions.url, status, reply.elapsedTime / 1000)
    if (error || status >= 500) {
      // Errors go through the request's logger, with redaction: an error may carry anything.
      const url = loggableUrl(request.url)
      const message = `${request.method} ${url} ${status}`
      const fields = {
        'http.request.method': request.method,
        ...urlFields(url),
        'http.response.status_code': status,
        'event.duration': Math.round(reply.elapsedTime * 1e6),
        'client.ip': request.ip,
        ...(error ? { err: error } : {}),
      }
      if (status >= 500) reply.log.error(fields, message)
      else reply.log.info(fields, message)
      return
    }
    this.line({
      id: request.id,
      method: request.method,
      url: request.url,
      status,
      durationNs: Math.round(reply.elapsedTime * 1e6),
      clientIp: request.ip,
    })
  }

  /** The access line of a successful request (also of those answered before the framework). */
  line({ id, method, url, status, durationNs, clientIp }: AccessLine): void {
    if (!this.lines.isLevelEnabled('info')) return
    const path = loggableUrl(url)
    this.write(
      {
        [REQUEST_ID_LABEL]: id,
        'http.request.method': method,
        ...urlFields(path),
        'http.response.status_code': status,
        'event.duration': durationNs,
        'client.ip': clientIp,
      },
      `${method} ${path} ${status}`,
    )
  }
}
