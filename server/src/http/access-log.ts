import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'

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
    const fields = {
      'http.request.method': request.method,
      'url.path': request.url,
      'http.response.status_code': status,
      'event.duration': Math.round(reply.elapsedTime * 1e6),
      'client.ip': request.ip,
      ...(error ? { err: error } : {}),
    }
    const message = `${request.method} ${request.url} ${status}`
    if (status >= 500) reply.log.error(fields, message)
    else reply.log.info(fields, message)
  }
}
