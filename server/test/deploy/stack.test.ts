// scripts/stack.sh: the production topology on one machine (NGINX with a local CA, two hbnb serve,
// worker, beat, MariaDB, Redis, RabbitMQ) comes up, answers over HTTPS, reports its state, is left
// alone by a second `up`, and `down` stops exactly the processes it started.
import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/processes.js'

const STACK = join(import.meta.dirname, '../../../scripts/stack.sh')
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].some((path) => existsSync(path))
const MYSQL = process.env.HBNB_TEST_MYSQL_URL

describe.runIf(MYSQL && (NGINX || process.env.CI === 'true'))('scripts/stack.sh', () => {
  let dir: string
  let env: NodeJS.ProcessEnv
  const database = `hbnb_ci_stack_${process.pid}`
  let httpsPort: number

  function stack(command: string): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
      execFile(STACK, [command], { env, timeout: 240_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr }),
      )
    })
  }

  function pidOf(file: string): number {
    return Number(readFileSync(join(dir, file), 'utf8'))
  }

  function runs(pid: number): boolean {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }

  beforeAll(async () => {
    if (!NGINX) throw new Error('CI=true but Debian nginx is not installed: scripts/stack.sh is untested')
    dir = mkdtempSync(join(tmpdir(), 'hbnb-stack-'))
    httpsPort = await freePort()
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HBNB_STACK_DIR: dir,
      HBNB_STACK_HTTPS_PORT: String(httpsPort),
      HBNB_STACK_HTTP_PORT: String(await freePort()),
      HBNB_STACK_API_PORTS: `${await freePort()} ${await freePort()}`,
      HBNB_STACK_REDIS_PORT: String(await freePort()),
      HBNB_STACK_DATABASE: database,
    }
  })

  afterAll(async () => {
    if (dir) {
      await stack('down')
      rmSync(dir, { recursive: true, force: true })
    }
    execFileSync('mariadb', [
      '--host=127.0.0.1',
      '--user=root',
      '-e',
      `DROP DATABASE IF EXISTS \`${database}\``,
    ])
  }, 120_000)

  it('comes up, answers over HTTPS through NGINX, and goes down', async () => {
    const up = await stack('up')
    expect(up.code, up.out).toBe(0)
    expect(up.out).not.toContain(readFileSync(join(dir, 'secrets.env'), 'utf8').split('\n')[1]?.split('=')[1])

    const status = await stack('status')
    for (const role of ['nginx', 'serve1', 'serve2', 'worker', 'beat', 'redis', 'mariadb', 'rabbitmq']) {
      expect(status.out, status.out).toMatch(new RegExp(`^${role}\\s+running`, 'm'))
    }
    expect(status.out).toMatch(/readyz -> 200/)

    const ca = readFileSync(join(dir, 'tls', 'ca.pem'))
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      request({ host: 'localhost', port: httpsPort, path: '/api/v1/amenities', ca }, (response) => {
        let body = ''
        response.on('data', (chunk) => {
          body += chunk
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      })
        .once('error', reject)
        .end()
    })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body).length).toBeGreaterThan(0)

    // A second `up` starts nothing new.
    const pids = ['serve1.pid', 'serve2.pid', 'worker.pid', 'beat.pid', 'redis.pid', 'nginx/nginx.pid'].map(
      pidOf,
    )
    const again = await stack('up')
    expect(again.code, again.out).toBe(0)
    expect(
      ['serve1.pid', 'serve2.pid', 'worker.pid', 'beat.pid', 'redis.pid', 'nginx/nginx.pid'].map(pidOf),
    ).toEqual(pids)

    const down = await stack('down')
    expect(down.code, down.out).toBe(0)
    for (const pid of pids) expect(runs(pid), `pid ${pid}`).toBe(false)
    const after = await stack('status')
    expect(after.out).toMatch(/^nginx\s+stopped/m)
    expect(after.out).toMatch(/^serve1\s+stopped/m)
    // The machine's MariaDB and RabbitMQ were running before: the stack leaves them running.
    expect(after.out).toMatch(/^mariadb\s+running/m)
  }, 240_000)
})
