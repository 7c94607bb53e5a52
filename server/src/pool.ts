// `hbnb serve --workers N`: a primary process forks N API workers (node:cluster) that share one
// port. It respawns a worker that dies with a growing delay, replaces the workers one at a time on
// SIGHUP (each new one listens before an old one drains, so no request fails), and on SIGTERM or
// SIGINT lets every worker drain (lifecycle.ts: in-flight requests finish, WebSockets are closed so
// their clients reconnect elsewhere) before it exits. /metrics of any worker adds up all workers.
import cluster, { type Worker } from 'node:cluster'
import { once } from 'node:events'
import type { Server as HttpServer } from 'node:http'
import { Server as NetServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from './logger.js'
import { servePoolMetrics } from './metrics.js'

const FIRST_RESPAWN_DELAY_MS = 250
const MAX_RESPAWN_DELAY_MS = 30_000
/** A worker that lived this long resets the respawn delay: it was not crashing at start-up. */
const STEADY_AFTER_MS = 30_000
/** How long a draining worker keeps serving connections the primary handed it before it closed. */
const HANDOFF_GRACE_MS = 1_000

export function runPool(options: { workers: number; logger: Logger; shutdownTimeoutMs: number }) {
  const { workers, logger, shutdownTimeoutMs } = options
  const live = new Set<Worker>()
  const retiring = new Set<Worker>()
  let stopping = false
  let rolling = false
  let respawnDelay = FIRST_RESPAWN_DELAY_MS
  let served = false
  servePoolMetrics()

  const fork = (): Worker => {
    const worker = cluster.fork()
    const born = Date.now()
    live.add(worker)
    worker.once('exit', (code, signal) => {
      live.delete(worker)
      if (retiring.delete(worker) || stopping) return
      if (!served) {
        // A worker that cannot start (port taken, migrations pending) would fail again: say so and stop.
        logger.error(`hbnb serve: worker ${worker.process.pid} exited before serving; stopping`)
        for (const other of live) other.process.kill('SIGKILL')
        logger.flush()
        process.exit(1)
      }
      if (Date.now() - born > STEADY_AFTER_MS) respawnDelay = FIRST_RESPAWN_DELAY_MS
      logger.error(
        `hbnb serve: worker ${worker.process.pid} died (${signal ?? `exit ${code}`}); a new one starts in ${respawnDelay} ms`,
      )
      setTimeout(() => {
        if (!stopping) fork()
      }, respawnDelay)
      respawnDelay = Math.min(respawnDelay * 2, MAX_RESPAWN_DELAY_MS)
    })
    return worker
  }

  /** Resolves once the worker listens; rejects if it exits first. */
  const listening = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      const exited = () => reject(new Error(`worker ${worker.process.pid} exited before it listened`))
      worker.once('exit', exited)
      worker.once('listening', () => {
        worker.off('exit', exited)
        resolve()
      })
    })

  const retire = async (worker: Worker) => {
    retiring.add(worker)
    const exit = once(worker, 'exit')
    worker.process.kill('SIGTERM')
    await exit
  }

  const roll = async () => {
    if (rolling || stopping) return
    rolling = true
    logger.info(`SIGHUP received: hbnb serve is replacing its ${live.size} workers one at a time`)
    try {
      for (const old of [...live]) {
        if (stopping) break
        await listening(fork())
        await retire(old)
      }
      logger.info('hbnb serve: every worker replaced')
    } catch (error) {
      logger.error({ err: error }, 'hbnb serve: rolling restart stopped')
    } finally {
      rolling = false
    }
  }

  const stop = async (signal: string) => {
    if (stopping) {
      logger.error(`hbnb serve: ${signal} received again while stopping; killing the workers`)
      for (const worker of live) worker.process.kill('SIGKILL')
      process.exit(1)
    }
    stopping = true
    logger.info(`${signal} received: hbnb serve is draining its ${live.size} workers`)
    // Each worker keeps its own HBNB_SHUTDOWN_TIMEOUT_MS; this one only catches a worker that hangs.
    const timer = setTimeout(() => {
      logger.error('hbnb serve: workers still running after the shutdown timeout; killing them')
      for (const worker of live) worker.process.kill('SIGKILL')
    }, shutdownTimeoutMs + 5_000)
    const codes = await Promise.all(
      [...live].map(async (worker) => {
        const exit = once(worker, 'exit') as Promise<[number | null, string | null]>
        worker.process.kill('SIGTERM')
        const [code] = await exit
        return code
      }),
    )
    clearTimeout(timer)
    logger.info('hbnb serve stopped')
    logger.flush()
    process.exit(codes.every((code) => code === 0) ? 0 : 1)
  }

  process.on('SIGHUP', () => void roll())
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  cluster.on('listening', (worker, address) => {
    served = true
    if (worker.id === workers) logger.info(`hbnb serve: ${workers} workers serve port ${address.port}`)
  })
  for (let i = 0; i < workers; i++) fork()
}

/**
 * The signals a worker stops on: SIGTERM from the primary. SIGINT from a terminal reaches the whole
 * process group; the primary answers it by draining the workers, so a worker ignores it.
 */
export function workerStopSignals(): NodeJS.Signals[] {
  process.on('SIGINT', () => {})
  return ['SIGTERM']
}

/** How long a draining worker waits for its clients to close their idle keep-alive connections. */
export const IDLE_CLOSE_WAIT_MS = 10_000

/**
 * A draining worker's first step: it stops taking connections, but keeps serving for a moment those
 * the primary handed it just before (http's own close would drop them while idle, and Fastify would
 * answer their first request 503). Then every answer closes its connection (`closeAfterAnswers`),
 * and the worker waits (up to `idleWaitMs`) for its clients to close the idle ones themselves: a
 * proxy reusing an idle upstream connection at the moment the server closes it gets a reset, which
 * it cannot resend for a POST (NGINX answers 502). Closed by the client, none is lost.
 */
export async function stopTakingConnections(
  server: HttpServer,
  closeAfterAnswers: () => void = () => {},
  idleWaitMs = IDLE_CLOSE_WAIT_MS,
) {
  NetServer.prototype.close.call(server)
  await sleep(HANDOFF_GRACE_MS)
  closeAfterAnswers()
  const until = Date.now() + idleWaitMs
  while (Date.now() < until && (await connectionsOf(server)) > 0) await sleep(100)
}

function connectionsOf(server: HttpServer): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)))
}
