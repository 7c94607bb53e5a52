// Real processes for multi-process tests: a Redis server the test may stop and start,
// `hbnb serve` API processes and `hbnb worker` processes on loopback, and `hbnb` CLI commands.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const HBNB_BIN = fileURLToPath(new URL('../../bin/hbnb.js', import.meta.url))

// Processes started here die with the test process, even when a test ends without stopping them.
const started = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL')
})

/** Makes `child` die with the test process, even when a test ends without stopping it. */
export function killWithTest(child: ChildProcess): ChildProcess {
  started.add(child)
  child.once('exit', () => started.delete(child))
  return child
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

async function portAnswers(port: number): Promise<boolean> {
  const { connect } = await import('node:net')
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill(signal)
  })
}

/** A private redis-server (no persistence) on a free port; `stop()` and `start()` it at will. */
export async function startRedis() {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'hbnb-redis-'))
  let child: ChildProcess | undefined
  const redis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = killWithTest(
        spawn(
          'redis-server',
          ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
          { stdio: 'ignore' },
        ),
      )
      await waitFor(() => portAnswers(port), `redis-server on port ${port}`)
    },
    async stop() {
      await stopProcess(child)
      child = undefined
    },
  }
  await redis.start()
  return redis
}

export type RedisProcess = Awaited<ReturnType<typeof startRedis>>

/** The settings every `hbnb` process of a test starts from (no setting of the caller's shell). */
function hbnbEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HBNB_ENV: 'test', HBNB_LOG_LEVEL: 'warn', HBNB_HOST: '127.0.0.1', ...env }
}

/** `hbnb <args>` in its own process, its output (stdout and stderr) collected as it comes. */
export function spawnHbnb(args: string[], env: Record<string, string>) {
  const output: string[] = []
  const child = killWithTest(
    spawn(process.execPath, [HBNB_BIN, ...args], { env: hbnbEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }),
  )
  child.stdout?.on('data', (chunk) => output.push(String(chunk)))
  child.stderr?.on('data', (chunk) => output.push(String(chunk)))
  return { child, output }
}

/**
 * `hbnb <command>` in its own process, serving HTTP on a free port given in the `portSetting`
 * variable. Resolves once /healthz answers; its output is kept for error messages.
 */
async function startHbnbProcess(command: string, portSetting: string, env: Record<string, string>) {
  const port = await freePort()
  const output: string[] = []
  const child = killWithTest(
    spawn(process.execPath, [HBNB_BIN, command], {
      env: hbnbEnv({ ...env, [portSetting]: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  )
  child.stdout?.on('data', (chunk) => output.push(String(chunk)))
  child.stderr?.on('data', (chunk) => output.push(String(chunk)))
  const url = `http://127.0.0.1:${port}`
  try {
    // A loaded machine (tests beside builds and benchmarks) can take tens of seconds to start one.
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`hbnb ${command} exited: ${output.join('')}`)
        return (await fetch(`${url}/healthz`)).ok
      },
      `hbnb ${command} on port ${port}`,
      90_000,
    )
  } catch (error) {
    await stopProcess(child, 'SIGKILL')
    throw new Error(`${(error as Error).message}\n${output.join('')}`)
  }
  return {
    url,
    port,
    output,
    child,
    stop: (signal: NodeJS.Signals = 'SIGTERM') => stopProcess(child, signal),
  }
}

/** `hbnb serve` with the given HBNB_* settings (the database must be migrated). */
export function startApiProcess(env: Record<string, string>) {
  return startHbnbProcess('serve', 'HBNB_PORT', env)
}

export type ApiProcess = Awaited<ReturnType<typeof startApiProcess>>

/**
 * `hbnb worker` with the given HBNB_* settings (HBNB_AMQP_URL among them; the database must be
 * migrated), serving /metrics on a free port; resolves once it consumes.
 */
export function startWorkerProcess(env: Record<string, string>) {
  return startHbnbProcess('worker', 'HBNB_WORKER_METRICS_PORT', env)
}

export type WorkerProcess = Awaited<ReturnType<typeof startWorkerProcess>>

/** Runs an `hbnb` CLI command to its end. */
export function runHbnb(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [HBNB_BIN, ...args], { env: hbnbEnv(env) }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}
