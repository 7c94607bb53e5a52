// pino, shaped as Elastic Common Schema JSON (or pretty on a terminal), with secrets redacted.
import pino, { type Logger } from 'pino'
import type { Config } from './config.js'
import { traceFields } from './tracing.js'

export type { Logger }

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.password_hash',
  '*.access_token',
  '*.refresh_token',
  '*.jwtSecret',
  '*.adminPassword',
  '*.smsAuthToken',
  '*.s3SecretAccessKey',
  '*.secretAccessKey',
  '*.authToken',
  '*.token',
]

const NO_FIELDS = {}
const MESSAGE_KEY = 'message'
const LEVEL_KEY = 'log.level'

/**
 * The Elastic Common Schema (8.11) fields HBNB writes at the top level of a line. Any other field a
 * caller logs goes under `hbnb.` (ECS's advice for custom fields), and an error under `error.*`, so
 * every line indexes with deploy/elk's template (server/test/deploy/elk.test.ts checks the names
 * and types against the ECS reference).
 */
export const ECS_FIELDS: ReadonlySet<string> = new Set([
  'ecs.version',
  'service.name',
  'process.pid',
  'http.request.id',
  'http.request.method',
  'http.response.status_code',
  'url.path',
  'url.query',
  'event.duration',
  'event.dataset',
  'client.ip',
  'user.id',
  'error.type',
  'error.message',
  'error.stack_trace',
  'error.code',
  'trace.id',
  'span.id',
])

/** `fields` as ECS: errors as `error.*`, fields that are not ECS under `hbnb.`. */
export function ecsFieldsOf(fields: Record<string, unknown>): Record<string, unknown> {
  const shaped: Record<string, unknown> = {}
  for (const key in fields) {
    const value = fields[key]
    if (ECS_FIELDS.has(key)) shaped[key] = value
    else if (value instanceof Error) Object.assign(shaped, errorFields(value))
    else shaped[`hbnb.${key}`] = value
  }
  return shaped
}

function errorFields(error: Error): Record<string, unknown> {
  const code = (error as { code?: unknown }).code
  return {
    'error.type': error.name,
    'error.message': error.message,
    ...(error.stack ? { 'error.stack_trace': error.stack } : {}),
    ...(code !== undefined ? { 'error.code': String(code) } : {}),
  }
}

/** Loggers with the JSON (Elastic Common Schema) format of `createLogger`. */
const ecsLoggers = new WeakSet<Logger>()

let lastMs = 0
let lastTimestamp = ''

/** The `@timestamp` field, formatted once per millisecond: a busy server logs many lines in one. */
function isoTimestamp(): string {
  const now = Date.now()
  if (now !== lastMs) {
    lastMs = now
    lastTimestamp = `,"@timestamp":"${new Date(now).toISOString()}"`
  }
  return lastTimestamp
}

export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>, name = 'hbnb'): Logger {
  const redact = { paths: REDACTED_PATHS, censor: '[redacted]' }
  if (config.logFormat === 'pretty') {
    return pino({
      level: config.logLevel,
      redact,
      transport: {
        target: 'pino-pretty',
        options: { ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' },
      },
    })
  }
  const logger = pino({
    level: config.logLevel,
    redact,
    messageKey: MESSAGE_KEY,
    base: { 'ecs.version': '8.11.0', 'service.name': name, 'process.pid': process.pid },
    timestamp: isoTimestamp,
    formatters: { level: (label) => ({ [LEVEL_KEY]: label }), log: ecsFieldsOf },
    mixin: () => traceFields() ?? NO_FIELDS,
    // pino's default merges a line's fields into the mixin's object: into the shared NO_FIELDS, every
    // later line without a trace would carry the fields of the first line that had some.
    mixinMergeStrategy: (fields, mixed) => (mixed === NO_FIELDS ? fields : Object.assign(mixed, fields)),
  })
  ecsLoggers.add(logger)
  return logger
}

/** A log line's own fields: plain values only (the caller knows them to need no redaction). */
export type LineFields = Record<string, string | number>

/** Writers holding lines of the current event-loop turn (written on exit if it comes first). */
const unflushed = new Set<() => void>()
process.on('exit', () => {
  for (const flush of unflushed) flush()
})

/**
 * For one hot path (the access line of every request): writes exactly what `logger.info(fields,
 * message)` would, for a JSON logger made by `createLogger`, formatting it directly (pino's generic
 * serializer cost a third of a cached answer). The lines of one event-loop turn go to the
 * destination in one write: its cost per write grows with what it already holds. Undefined for
 * other loggers: use `logger.info`.
 */
export function directInfoLine(logger: Logger): ((fields: LineFields, message: string) => void) | undefined {
  if (!ecsLoggers.has(logger)) return undefined
  const internals = logger as unknown as Record<symbol, unknown>
  const stream = internals[pino.symbols.streamSym] as { write(line: string): void; flushSync?(): void }
  const bindings = internals[pino.symbols.chindingsSym] as string
  const head = `{"${LEVEL_KEY}":"info"`
  let pending = ''
  const flush = () => {
    unflushed.delete(flushOnExit)
    const lines = pending
    pending = ''
    if (lines) stream.write(lines)
  }
  const flushOnExit = () => {
    flush()
    stream.flushSync?.()
  }
  return (fields, message) => {
    let line = head + isoTimestamp() + bindings
    const trace = traceFields()
    if (trace) line += `,"trace.id":"${trace['trace.id']}","span.id":"${trace['span.id']}"`
    for (const key in fields) {
      const value = fields[key]
      line += `,"${key}":${typeof value === 'number' ? value : JSON.stringify(value)}`
    }
    if (!pending) {
      setImmediate(flush)
      unflushed.add(flushOnExit)
    }
    pending += `${line},"${MESSAGE_KEY}":${JSON.stringify(message)}}\n`
  }
}
