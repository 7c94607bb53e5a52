// Child processes of the benchmark: started here, always stopped on exit, errors and Ctrl-C.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

const running = new Set()
const STDERR_TAIL = 8192

/** A free TCP port on 127.0.0.1 (the OS picks it; the tiny race before the child binds it is acceptable). */
export async function freePort() {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  server.close()
  await once(server, 'close')
  return port
}

/**
 * Starts `node <args>` with stdout discarded (it is /dev/null) and the end of stderr kept for error messages.
 * `stdin: 'pipe'` gives the child a pipe that closes when the benchmark dies, however it dies.
 * Returns { child, pid, stderr(), exited } where `exited` resolves with the exit code or signal.
 */
export function startNode(name, args, { env = process.env, cwd, nodeOptions = [], stdin = 'ignore' } = {}) {
  const child = spawn(process.execPath, [...nodeOptions, ...args], {
    env,
    cwd,
    stdio: [stdin, 'ignore', 'pipe'],
  })
  let tail = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk) => {
    tail = (tail + chunk).slice(-STDERR_TAIL)
  })
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      resolve(signal ?? code)
    })
    child.once('error', (error) => {
      running.delete(child)
      tail += `\n${error.message}`
      resolve('spawn-error')
    })
  })
  running.add(child)
  return { name, child, pid: child.pid, stderr: () => tail.trim(), exited, done: false }
}

/** Polls `check` until it returns true, failing early when the process exits or after `timeoutMs`. */
export async function waitUntil(proc, check, timeoutMs = 30_000) {
  let exit
  proc.exited.then((status) => {
    exit = status
  })
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (exit !== undefined) {
      throw new Error(`${proc.name} exited (${exit}) before it was ready:\n${proc.stderr() || '(no stderr)'}`)
    }
    if (await check().catch(() => false)) return
    await sleep(100)
  }
  throw new Error(`${proc.name} was not ready after ${timeoutMs} ms:\n${proc.stderr() || '(no stderr)'}`)
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stop(proc, graceMs = 5000) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.exited
  proc.child.kill('SIGTERM')
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs)
  const status = await proc.exited
  clearTimeout(timer)
  return status
}

/** Last resort, synchronous: used from process 'exit' and signal handlers. */
export function killAll() {
  for (const child of running) {
    try {
      child.kill('SIGKILL')
    } catch {}
  }
  running.clear()
}

let installed = false
const exitTasks = []

/** Registers a synchronous task (such as removing a temporary directory) to run when the benchmark exits. */
export function atExit(task) {
  exitTasks.push(task)
}

function cleanUp() {
  killAll()
  for (const task of exitTasks.splice(0)) {
    try {
      task()
    } catch (error) {
      console.error(`bench: clean-up failed: ${error.message}`)
    }
  }
}

/** Makes sure no child outlives the benchmark, whatever way it ends. */
export function installCleanup() {
  if (installed) return
  installed = true
  process.on('exit', cleanUp)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal} received, stopping child processes`)
      cleanUp()
      process.exit(signal === 'SIGINT' ? 130 : 143)
    })
  }
}

/**
 * Runs a benchmark's `main` and exits when it is done (with the exit code it set), which stops the
 * children left (the 'exit' handler); a failure is printed and exits 1.
 */
export function runBench(main) {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error) => {
      console.error(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`)
      process.exit(1)
    },
  )
}
