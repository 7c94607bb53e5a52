// The HTTP server of `hbnb worker` (HBNB_WORKER_METRICS_PORT): Prometheus scrapes `/metrics`;
// `/healthz` answers 200 while the process runs. Nothing else: workers serve no API.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from '../logger.js'
import { registry } from '../metrics.js'

export async function startMetricsServer(host: string, port: number, logger?: Logger): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end()
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: unknown) => {
          logger?.error({ err: error }, 'could not collect metrics')
          response.writeHead(500).end()
        },
      )
    } else if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
    } else {
      response.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const { port: bound } = server.address() as AddressInfo
  logger?.info(`worker metrics on http://${host}:${bound}/metrics`)
  return server
}
