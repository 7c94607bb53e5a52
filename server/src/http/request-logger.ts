// Each request's `request.log`, made only when something logs through it. Most requests log nothing
// but their access line (written by the access log from the root logger), and a pino child costs
// more than the rest of a cached answer.
import type { FastifyBaseLogger } from 'fastify'
import type { Bindings, ChildLoggerOptions } from 'pino'

type LogArguments = [object: unknown, message?: string, ...values: unknown[]]

class RequestLogger {
  private made: FastifyBaseLogger | undefined

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get logger(): FastifyBaseLogger {
    this.made ??= this.parent.child(this.bindings, this.options)
    return this.made
  }

  get level(): string {
    return this.made?.level ?? this.parent.level
  }

  set level(level: string) {
    this.logger.level = level
  }

  fatal(...args: LogArguments) {
    this.write('fatal', args)
  }
  error(...args: LogArguments) {
    this.write('error', args)
  }
  warn(...args: LogArguments) {
    this.write('warn', args)
  }
  info(...args: LogArguments) {
    this.write('info', args)
  }
  debug(...args: LogArguments) {
    this.write('debug', args)
  }
  trace(...args: LogArguments) {
    this.write('trace', args)
  }
  silent() {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options)
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', args: LogArguments) {
    ;(this.logger[level] as (...values: LogArguments) => void)(...args)
  }
}

/** Fastify's `childLoggerFactory`: the request's logger, created on first use. */
export function lazyRequestLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new RequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger
}
