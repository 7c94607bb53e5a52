// A collector of OpenTelemetry spans on loopback (OTLP/HTTP JSON), for the tracing tests.
import { createServer, type Server } from 'node:http'

export interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  attributes?: { key: string; value: Record<string, unknown> }[]
}

/** OTLP's span kinds (opentelemetry-proto trace.proto). */
export const KIND = { SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 }

/** A collector on loopback that keeps every span it is sent as OTLP/HTTP JSON. */
export async function startCollector() {
  const spans: OtlpSpan[] = []
  const contentTypes: string[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      contentTypes.push(String(request.headers['content-type']))
      if (request.url === '/v1/traces' && String(request.headers['content-type']).includes('json')) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        for (const resource of body.resourceSpans ?? [])
          for (const scope of resource.scopeSpans ?? []) spans.push(...scope.spans)
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, spans, contentTypes, close: () => server.close() }
}

export const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value
  return value && Object.values(value)[0]
}
