// `hbnb serve --workers 2` in real processes under a steady request loop: a worker killed with
// SIGKILL is replaced, SIGHUP replaces every worker without a failed request, SIGTERM drains.
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, runHbnb, spawnHbnb } from '../helpers/processes.js'

type Pool = ReturnType<typeof spawnHbnb> & { port: number }

/** The pids of the primary's workers. */
function workersOf(pool: Pool): number[] {
  try {
    const out = execFileSync('pgrep', ['-P', String(pool.child.pid)], { encoding: 'utf8' })
    return out.trim().split('\n').filter(Boolean).map(Number).sort()
  } catch {
    return []
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 1200; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/**
 * One GET on a fresh connection: its status, or why it had none: the connection's error code, or
 * `timeout` when no answer came in 5 s (a connection the primary handed to a worker as it was killed
 * is never answered).
 */
function status(port: number, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      response.resume()
      response.once('end', () => resolve(response.statusCode ?? 0))
    })
    let timedOut = false
    request.setTimeout(5000, () => {
      timedOut = true
      request.destroy()
    })
    request.once('error', (error: NodeJS.ErrnoException) =>
      resolve(timedOut ? 'timeout' : (error.code ?? 'error')),
    )
  })
}

/** Requests one after another until `stop()`: how many were sent, how many failed, and how. */
function requestLoop(port: number) {
  let running = true
  const tally = { sent: 0, failed: 0, failures: {} as Record<string, number> }
  const done = (async () => {
    while (running) {
      const code = await status(port, '/api/v1/places?limit=5')
      tally.sent++
      if (code !== 200) {
        tally.failed++
        tally.failures[code] = (tally.failures[code] ?? 0) + 1
      }
    }
  })()
  return {
    tally,
    async stop() {
      running = false
      await done
      return tally
    },
  }
}

describe('hbnb serve --workers 2', () => {
  let dataDir: string
  let pool: Pool

  beforeAll(async () => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'hbnb-pool-')), 'data')
    const migrated = await runHbnb(['migrate', 'up'], { HBNB_DATA_DIR: dataDir })
    expect(migrated.code).toBe(0)
    const port = await freePort()
    pool = {
      // The request loops come from one address, thousands a minute when the machine is fast: the
      // per-address limit (1,200 a minute) would answer 429 and measure itself, not the pool.
      ...spawnHbnb(['serve', '--workers', '2'], {
        HBNB_DATA_DIR: dataDir,
        HBNB_PORT: String(port),
        HBNB_RATE_LIMIT_ALLOW: 'loopback',
      }),
      port,
    }
    await until(
      async () => workersOf(pool).length === 2 && (await status(port, '/healthz')) === 200,
      `two workers on port ${port}\n${pool.output.join('')}`,
    )
  }, 120_000)

  afterAll(() => {
    pool?.child.kill('SIGKILL')
  })

  it('adds up the metrics of both workers on /metrics', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.1', port: pool.port, path: '/metrics', agent: false }, (response) => {
        let body = ''
        response.on('data', (chunk) => {
          body += chunk
        })
        response.once('end', () => resolve(body))
      }).once('error', reject)
    })
    expect(text).toMatch(/^hbnb_process_cpu_user_seconds_total \d/m)
    // The default metrics of two processes, summed: one line per metric, no per-worker label.
    expect(text.match(/^hbnb_nodejs_heap_size_total_bytes /gm)).toHaveLength(1)
  })

  it('replaces a worker killed with SIGKILL; requests fail only while it dies', async () => {
    const before = workersOf(pool)
    const loop = requestLoop(pool.port)
    await until(() => loop.tally.sent >= 20, 'requests before the kill')
    process.kill(before[0]!, 'SIGKILL')
    await until(
      () => {
        const now = workersOf(pool)
        return now.length === 2 && !now.includes(before[0]!)
      },
      `a new worker\n${pool.output.join('')}`,
    )
    const sentAfterRespawn = loop.tally.sent
    await until(() => loop.tally.sent >= sentAfterRespawn + 20, 'requests after the respawn')
    const tally = await loop.stop()
    expect(tally.failed, `${JSON.stringify(tally)}\n${pool.output.join('')}`).toBeLessThanOrEqual(3)
    expect(workersOf(pool)).toContain(before[1]!)
  }, 120_000)

  it('replaces every worker on SIGHUP without a failed request', async () => {
    const before = workersOf(pool)
    const loop = requestLoop(pool.port)
    await until(() => loop.tally.sent >= 20, 'requests before SIGHUP')
    pool.child.kill('SIGHUP')
    await until(() => {
      const now = workersOf(pool)
      return now.length === 2 && now.every((pid) => !before.includes(pid))
    }, 'two new workers')
    const sentAfterRoll = loop.tally.sent
    await until(() => loop.tally.sent >= sentAfterRoll + 20, 'requests after the roll')
    const tally = await loop.stop()
    expect(tally).toEqual({ sent: tally.sent, failed: 0, failures: {} })
  }, 120_000)

  it('drains the workers and exits 0 on SIGTERM', async () => {
    const workers = workersOf(pool)
    const exit = new Promise<number | null>((resolve) => pool.child.once('exit', (code) => resolve(code)))
    pool.child.kill('SIGTERM')
    expect(await exit).toBe(0)
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow()
  }, 60_000)
})
