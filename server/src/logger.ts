// pino, shaped as Elastic Common Schema JSON (or pretty on a terminal), with secrets redacted.
import pino, { type Logger } from 'pino'
import type { Config } from './config.js'

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

const MESSAGE_KEY = 'message'
const LEVEL_KEY = 'log.level'
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
    formatters: { level: (label) => ({ [LEVEL_KEY]: label }) },
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
