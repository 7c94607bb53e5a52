// OpenTelemetry tracing: a running `hbnb serve` with HBNB_OTLP_ENDPOINT sends its spans by OTLP/HTTP
// to a collector (here a small one on loopback that keeps what it receives). A booking request that
// arrives with a W3C `traceparent` gives one trace: the request's server span under the caller's,
// its SQL statements and the notification tasks it publishes, and its log line names that trace.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ApiProcess, runHbnb, startApiProcess } from '../helpers/processes.js'

interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  attributes?: { key: string; value: Record<string, unknown> }[]
}

/** OTLP's span kinds (opentelemetry-proto trace.proto). */
const KIND = { SERVER: 2, CLIENT: 3, PRODUCER: 4 }

/** A collector on loopback that keeps every span it is sent as OTLP/HTTP JSON. */
async function startCollector() {
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

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value
  return value && Object.values(value)[0]
}

describe('traces of a booking request, sent to an OTLP collector', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
  const callerSpanId = '00f067aa0ba902b7'
  let collector: Awaited<ReturnType<typeof startCollector>>
  let api: ApiProcess
  let dir = ''
  let trace: OtlpSpan[] = []
  let logLines: Record<string, unknown>[] = []

  beforeAll(async () => {
    collector = await startCollector()
    dir = mkdtempSync(join(tmpdir(), 'hbnb-tracing-'))
    const env = {
      HBNB_DATA_DIR: dir,
      HBNB_LOG_LEVEL: 'info',
      HBNB_LOG_FORMAT: 'json',
      HBNB_OTLP_ENDPOINT: collector.url,
    }
    const migrated = await runHbnb(['migrate', 'up'], env)
    expect(migrated.code, migrated.stderr).toBe(0)
    api = await startApiProcess(env)
    const call = async (
      path: string,
      body: unknown,
      token?: string,
      headers: Record<string, string> = {},
    ) => {
      const response = await fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify(body),
      })
      const json = (await response.json()) as Record<string, string>
      expect(response.status, JSON.stringify(json)).toBeLessThan(300)
      return json
    }
    const person = (name: string) =>
      call('/api/v1/auth/register', {
        email: `${name}@example.com`,
        password: 'a long Passphrase 42',
        first_name: name,
        last_name: 'T',
      })
    const host = await person('host')
    const guest = await person('guest')
    const place = await call(
      '/api/v1/places/',
      { title: 'Traced loft', price: 90, latitude: 48.85, longitude: 2.35, instant_book: true },
      host.access_token,
    )
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
    await call(
      '/api/v1/bookings',
      { place_id: place.id, check_in: day(30), check_out: day(32), guests: 1 },
      guest.access_token,
      { traceparent: `00-${traceId}-${callerSpanId}-01` },
    )
    for (let i = 0; i < 100; i++) {
      trace = collector.spans.filter((span) => span.traceId === traceId)
      if (
        trace.some((span) => span.kind === KIND.SERVER) &&
        trace.some((span) => span.kind === KIND.PRODUCER)
      )
        break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await api.stop()
    logLines = api.output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
  }, 120_000)

  afterAll(() => {
    collector?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('are sent as OTLP/HTTP JSON', () => {
    expect(collector.contentTypes.length).toBeGreaterThan(0)
    expect(collector.contentTypes.every((type) => type.includes('application/json'))).toBe(true)
  })

  it("continue the caller's trace with a server span named for the route", () => {
    const server = trace.filter((span) => span.kind === KIND.SERVER)
    expect(server.map((span) => span.name)).toEqual(['POST /api/v1/bookings'])
    expect(server[0]!.parentSpanId).toBe(callerSpanId)
    expect(attribute(server[0]!, 'http.response.status_code')).toEqual(expect.anything())
  })

  it("hold the request's SQL statements and the tasks it published, under its span", () => {
    const server = trace.find((span) => span.kind === KIND.SERVER)!
    const sql = trace.filter((span) => span.kind === KIND.CLIENT)
    expect(sql.length).toBeGreaterThan(2)
    expect(sql.every((span) => attribute(span, 'db.system.name') === 'sqlite')).toBe(true)
    expect(sql.map((span) => span.name)).toEqual(expect.arrayContaining(['SELECT', 'INSERT']))
    expect(
      sql.some((span) => String(attribute(span, 'db.query.text')).includes('insert into "bookings"')),
    ).toBe(true)
    const published = trace.filter((span) => span.kind === KIND.PRODUCER)
    expect(published.map((span) => span.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^publish /)]),
    )
    for (const span of [...sql, ...published]) expect(span.parentSpanId).toBe(server.spanId)
  })

  it('name the trace and span on the log line of the request', () => {
    const line = logLines.find((l) => l['url.path'] === '/api/v1/bookings')
    expect(line).toMatchObject({ 'trace.id': traceId })
    const server = trace.find((span) => span.kind === KIND.SERVER)!
    expect(line!['span.id']).toBe(server.spanId)
  })
})
