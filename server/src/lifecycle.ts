// How every long-running `hbnb` role (all, serve, worker, beat) stops. On SIGTERM or SIGINT it runs
// the role's stop steps in order (each finishes its open work: requests, tasks, scheduled runs) and
// exits 0. A drain that outlasts HBNB_SHUTDOWN_TIMEOUT_MS, or a second signal, logs what was still
// open and exits 1.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Logger } from './logger.js'
import { stopTracing } from './tracing.js'

export interface Lifecycle {
  /** Adds a stop step; steps run in the order added, each awaited before the next. */
  onStop(name: string, close: () => unknown): void
  /** Adds a description of open work for the forced-exit line (undefined when there is none). */
  reportOpen(describe: () => string | undefined): void
}

export function createLifecycle(options: {
  role: string
  logger: Logger
  timeoutMs: number
  signals?: NodeJS.Signals[]
}): Lifecycle {
  const { role, logger, timeoutMs, signals = ['SIGINT', 'SIGTERM'] } = options
  const steps: { name: string; close: () => unknown }[] = []
  const reporters: (() => string | undefined)[] = []
  let closing: string | undefined
  let stopping = false

  const exit = (code: number): never => {
    logger.flush()
    process.exit(code)
  }
  const forceExit = (why: string) => {
    const open = [closing && `stopping ${closing}`, ...reporters.map((report) => report())].filter(Boolean)
    logger.error(`hbnb ${role}: ${why}; exiting with work still open: ${open.join('; ') || 'none known'}`)
    exit(1)
  }

  const stop = async (signal: string) => {
    if (stopping) return forceExit(`${signal} received again while stopping`)
    stopping = true
    logger.info(`${signal} received: hbnb ${role} is finishing open work, then stopping`)
    const timer = setTimeout(
      () => forceExit(`still stopping after ${timeoutMs} ms (HBNB_SHUTDOWN_TIMEOUT_MS)`),
      timeoutMs,
    )
    let failed = false
    for (const step of steps) {
      closing = step.name
      try {
        await step.close()
      } catch (error) {
        failed = true
        logger.error({ err: error }, `hbnb ${role}: stopping ${step.name} failed`)
      }
    }
    closing = 'the traces'
    await stopTracing().catch((error) => logger.warn({ err: error }, 'could not send the last traces'))
    closing = undefined
    clearTimeout(timer)
    logger.info(`hbnb ${role} stopped`)
    exit(failed ? 1 : 0)
  }
  for (const signal of signals) process.on(signal, () => void stop(signal))

  return {
    onStop: (name, close) => steps.push({ name, close }),
    reportOpen: (describe) => reporters.push(describe),
  }
}

/**
 * A server's requests in flight: `describe` names the unanswered ones (for `reportOpen`), and from
 * `closeConnections()` on every answer closes its connection, so that keep-alive clients cannot
 * hold a stopping server open.
 */
export function trackRequests(server: Server) {
  const open = new Map<ServerResponse, string>()
  let closing = false
  const closeAfterAnswer = (response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('connection', 'close')
  }
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    if (closing) closeAfterAnswer(response)
    open.set(response, `${request.method} ${(request.url ?? '/').split('?')[0]}`)
    response.once('close', () => open.delete(response))
  })
  return {
    describe(): string | undefined {
      if (open.size === 0) return undefined
      const lines = [...open.values()]
      const shown = lines.slice(0, 10).join(', ') + (lines.length > 10 ? ', ...' : '')
      return `${open.size} HTTP request(s) unanswered (${shown})`
    },
    closeConnections() {
      closing = true
      for (const response of open.keys()) closeAfterAnswer(response)
    },
  }
}
