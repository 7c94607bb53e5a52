// OpenTelemetry traces, exported by OTLP over HTTP when HBNB_OTLP_ENDPOINT is set, off otherwise.
// Spans: each HTTP request (continuing a caller's W3C `traceparent`), each SQL statement and Redis
// command, each call to a mail, SMS or storage service, each task published (an outbox row or a
// message to RabbitMQ) and each task run, which continues the trace that published it (the task
// carries its `traceparent`); log lines name the trace and span they belong to (`trace.id`, `span.id`). The SDK is loaded only when tracing is on: off, every
// hook below is a boolean test.
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api'

let enabled = false
let provider: { shutdown(): Promise<void> } | undefined

/** Starts exporting spans to `endpoint` (an OTLP/HTTP collector's base URL, e.g. http://collector:4318). */
export async function startTracing(endpoint: string, serviceName: string): Promise<void> {
  const [{ TracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { AsyncLocalStorageContextManager }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/context-async-hooks'),
    ])
  const [{ W3CTraceContextPropagator }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
  ])
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` })
  const tracerProvider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000 })],
  })
  trace.setGlobalTracerProvider(tracerProvider)
  provider = tracerProvider
  enabled = true
}

/** Sends the spans still buffered and stops tracing (nothing when it is off). */
export async function stopTracing(): Promise<void> {
  enabled = false
  await provider?.shutdown()
  provider = undefined
}

export function tracingOn(): boolean {
  return enabled
}

const tracer = () => trace.getTracer('hbnb')

/** The trace and span of the work in progress, as ECS log fields; undefined outside a trace. */
export function traceFields(): { 'trace.id': string; 'span.id': string } | undefined {
  if (!enabled) return undefined
  const span = trace.getActiveSpan()
  if (!span) return undefined
  const { traceId, spanId } = span.spanContext()
  return { 'trace.id': traceId, 'span.id': spanId }
}

/** Where a traced request's route pattern is left for its span's name (set by the framework's hook). */
const routes = new WeakMap<IncomingMessage, string>()

export function nameRequestRoute(request: IncomingMessage, route: string | undefined): void {
  if (enabled && route) routes.set(request, route)
}

/** `listener` with a server span around each request, the caller's trace continued. */
export function tracedListener(
  listener: (request: IncomingMessage, response: ServerResponse) => void,
): (request: IncomingMessage, response: ServerResponse) => void {
  if (!enabled) return listener
  return (request, response) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers)
    const method = request.method ?? 'GET'
    const span = tracer().startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': method, 'url.path': (request.url ?? '/').split('?')[0] },
      },
      parent,
    )
    response.once('close', () => {
      const route = routes.get(request)
      if (route) {
        span.updateName(`${method} ${route}`)
        span.setAttribute('http.route', route)
      }
      span.setAttribute('http.response.status_code', response.statusCode)
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
      span.end()
    })
    context.with(trace.setSpan(parent, span), () => listener(request, response))
  }
}

/** The context a W3C `traceparent` names (the current one when there is none). */
function contextOf(traceparent: string | undefined) {
  return traceparent ? propagation.extract(context.active(), { traceparent }) : context.active()
}

/**
 * Runs `work` in a span of its own under the current one, or under `parent` (a W3C traceparent:
 * a task's run continues the trace that published it). `kind`: CONSUMER for a task's run, ...
 */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: () => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
  parent?: string,
): Promise<T> {
  if (!enabled) return work()
  return tracer().startActiveSpan(name, { kind, attributes }, contextOf(parent), async (span: Span) => {
    try {
      return await work()
    } catch (error) {
      span.recordException(error as Error)
      span.setStatus({ code: SpanStatusCode.ERROR })
      throw error
    } finally {
      span.end()
    }
  })
}

/** A call to another service (mail, SMS, object storage) in a client span of its own. */
export function clientSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  return inSpan(name, attributes, work, SpanKind.CLIENT)
}

/** `headers` with the current trace's `traceparent` added, for a call to another service. */
export function withTraceHeaders(headers: Record<string, string>): Record<string, string> {
  if (enabled) propagation.inject(context.active(), headers)
  return headers
}

/** What ioredis's clients (a server's or a cluster's) send every command through. */
interface CommandSender {
  sendCommand(command: { name: string; promise: Promise<unknown> }, ...rest: unknown[]): unknown
}

/** Gives each command sent through `client` a client span (nothing when tracing is off). */
export function traceRedisCommands<C extends CommandSender>(client: C): C {
  if (!enabled) return client
  const sender: CommandSender = client
  const send = sender.sendCommand.bind(client)
  sender.sendCommand = (command, ...rest) => {
    const operation = command.name.toUpperCase()
    const span = tracer().startSpan(operation, {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'redis', 'db.operation.name': operation },
    })
    command.promise.then(
      () => span.end(),
      (error: Error) => {
        span.recordException(error)
        span.setStatus({ code: SpanStatusCode.ERROR })
        span.end()
      },
    )
    return send(command, ...rest)
  }
  return client
}

/** A span for a statement that ran for `durationMs` until now (`system`: sqlite, mysql). */
export function recordQuery(system: string, sqlText: string, durationMs: number, error?: unknown): void {
  if (!enabled) return
  const end = performance.timeOrigin + performance.now()
  const span = tracer().startSpan(sqlText.trimStart().split(/\s/, 1)[0]!.toUpperCase(), {
    kind: SpanKind.CLIENT,
    startTime: end - durationMs,
    attributes: { 'db.system.name': system, 'db.query.text': sqlText },
  })
  if (error) {
    span.recordException(error as Error)
    span.setStatus({ code: SpanStatusCode.ERROR })
  }
  span.end(end)
}

/** Kysely's `log` option recording every query as a span, when tracing is on. */
export function queryLogFor(system: string) {
  if (!enabled) return undefined
  return (event: { level: string; query: { sql: string }; queryDurationMillis: number; error?: unknown }) =>
    recordQuery(
      system,
      event.query.sql,
      event.queryDurationMillis,
      event.level === 'error' ? event.error : undefined,
    )
}

/**
 * A task published now (written to the outbox or sent to the broker), under the current span or
 * under `parent` (the traceparent it was first published with: the relay's send to RabbitMQ
 * continues the outbox's). Returns the publish span's traceparent, for the task to carry.
 */
export function recordPublish(task: string, system: string, parent?: string): string | undefined {
  if (!enabled) return undefined
  const parentContext = contextOf(parent)
  const span = tracer().startSpan(
    `publish ${task}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': system, 'messaging.destination.name': task },
    },
    parentContext,
  )
  span.end()
  const carrier: Record<string, string> = {}
  propagation.inject(trace.setSpan(parentContext, span), carrier)
  return carrier.traceparent
}
