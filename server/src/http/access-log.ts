import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'

const SECRET_QUERY = /([?&](?:token|access_token|refresh_token)=)[^&]*/gi

/** The URL as logged: secrets in the query string (such as iCal export tokens) are hidden. */
export function loggableUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]')
}

/** One log line per request, when it completes, with Elastic Common Schema field names. */
export class AccessLog extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'http.request.id' })
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const status = reply.statusCode
    const url = loggableUrl(request.url)
    const fields = {
      'http.request.method': request.method,
      'url.path': url,
      'http.response.status_code': status,
      'event.duration': Math.round(reply.elapsedTime * 1e6),
      'client.ip': request.ip,
      ...(error ? { err: error } : {}),
    }
    const message = `${request.method} ${url} ${status}`
    if (status >= 500) reply.log.error(fields, message)
    else reply.log.info(fields, message)
  }
}
