// scripts/stack.sh: the production topology on one machine (NGINX with a local CA, two hbnb serve,
// worker, beat, a MariaDB primary and replica, Redis, a RabbitMQ node, all of its own) comes up,
// answers over HTTPS, reads from its replica, reports its state, is left alone by a second `up`,
// `down --keep-data` stops it and a new `up` finds its data again, and `down` stops exactly the
// processes it started and deletes their data; the machine's MariaDB and RabbitMQ are left alone.
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
  let httpsPort: number
  let apiPorts: number[]
  let mariadbPorts: number[]

  function stack(...args: string[]): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
      execFile(STACK, args, { env, timeout: 240_000 }, (error, stdout, stderr) =>
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

  /** A request through the stack's NGINX over HTTPS, trusting the stack's own CA. */
  function https(
    method: string,
    path: string,
    { body, token }: { body?: unknown; token?: string } = {},
  ): Promise<{ status: number; body: string }> {
    const ca = readFileSync(join(dir, 'tls', 'ca.pem'))
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' }
    if (token) headers.authorization = `Bearer ${token}`
    return new Promise((resolve, reject) => {
      request({ host: 'localhost', port: httpsPort, method, path, ca, headers }, (response) => {
        let text = ''
        response.on('data', (chunk) => {
          text += chunk
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }))
      })
        .once('error', reject)
        .end(body === undefined ? undefined : JSON.stringify(body))
    })
  }

  beforeAll(async () => {
    if (!NGINX) throw new Error('CI=true but Debian nginx is not installed: scripts/stack.sh is untested')
    dir = mkdtempSync(join(tmpdir(), 'hbnb-stack-'))
    httpsPort = await freePort()
    apiPorts = [await freePort(), await freePort()]
    mariadbPorts = [await freePort(), await freePort()]
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HBNB_STACK_DIR: dir,
      HBNB_STACK_HTTPS_PORT: String(httpsPort),
      HBNB_STACK_HTTP_PORT: String(await freePort()),
      HBNB_STACK_API_PORTS: apiPorts.join(' '),
      HBNB_STACK_REDIS_PORT: String(await freePort()),
      HBNB_STACK_MARIADB_PORTS: mariadbPorts.join(' '),
      HBNB_STACK_AMQP_PORT: String(await freePort()),
      HBNB_STACK_RABBITMQ_DIST_PORT: String(await freePort()),
    }
  })

  afterAll(async () => {
    if (dir) {
      await stack('down')
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  /** Whether the machine's own MariaDB (3306) and RabbitMQ (rabbit@localhost) answer. */
  function machineServices() {
    const answers = (command: string, args: string[]) => {
      try {
        execFileSync(command, args, { stdio: 'ignore', timeout: 30_000 })
        return true
      } catch {
        return false
      }
    }
    return {
      mariadb: answers('mariadb-admin', ['--host=127.0.0.1', '--port=3306', '--user=root', 'ping']),
      rabbitmq: answers('rabbitmq-diagnostics', ['-q', 'ping']),
    }
  }

  it('comes up, answers over HTTPS through NGINX, keeps its data over `down --keep-data`, and goes down', async () => {
    const machine = machineServices()
    const up = await stack('up')
    expect(up.code, up.out).toBe(0)
    expect(up.out).not.toContain(readFileSync(join(dir, 'secrets.env'), 'utf8').split('\n')[1]?.split('=')[1])

    const status = await stack('status')
    for (const role of [
      'nginx',
      'serve1',
      'serve2',
      'worker',
      'beat',
      'redis',
      'mariadb',
      'replica',
      'rabbitmq',
    ]) {
      expect(status.out, status.out).toMatch(new RegExp(`^${role}\\s+running`, 'm'))
    }
    expect(status.out).toMatch(/readyz -> 200/)
    // A real replica of the stack's own primary, and the API reading from it.
    expect(status.out).toMatch(
      new RegExp(
        `^replica\\s+running\\s+127\\.0\\.0\\.1:${mariadbPorts[1]}, Slave_IO_Running: Yes Slave_SQL_Running: Yes`,
        'm',
      ),
    )
    const settings = readFileSync(join(dir, 'hbnb.env'), 'utf8')
    expect(settings).toContain(`HBNB_DATABASE_URL=mysql://root@127.0.0.1:${mariadbPorts[0]}/hbnb_stack`)
    expect(settings).toContain(
      `HBNB_DATABASE_REPLICA_URLS=mysql://root@127.0.0.1:${mariadbPorts[1]}/hbnb_stack`,
    )
    expect(settings).toContain(`HBNB_AMQP_URL=amqp://guest:guest@127.0.0.1:${env.HBNB_STACK_AMQP_PORT}`)
    for (const port of apiPorts) {
      const readiness = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as {
        checks: Record<string, { status: string }>
      }
      expect(readiness.checks[`database replica 127.0.0.1:${mariadbPorts[1]}`]).toEqual({ status: 'ok' })
    }
    // Its own RabbitMQ node: no management (15672) or Prometheus (15692) listener of its own.
    expect(status.out).toMatch(
      new RegExp(`^rabbitmq\\s+running\\s+node hbnb_stack_${env.HBNB_STACK_AMQP_PORT}@localhost`, 'm'),
    )
    expect(readFileSync(join(dir, 'rabbitmq', 'enabled_plugins'), 'utf8').trim()).toBe('[].')

    const answer = await https('GET', '/api/v1/amenities')
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body).length).toBeGreaterThan(0)

    // A second `up` starts nothing new.
    const pidFiles = [
      'serve1.pid',
      'serve2.pid',
      'worker.pid',
      'beat.pid',
      'redis.pid',
      'nginx/nginx.pid',
      'rabbitmq/rabbitmq.pid',
      'mariadb/primary/mariadb.pid',
      'mariadb/replica1/mariadb.pid',
    ]
    const pids = pidFiles.map(pidOf)
    const again = await stack('up')
    expect(again.code, again.out).toBe(0)
    expect(pidFiles.map(pidOf)).toEqual(pids)

    // `down --keep-data`, then `up`: new processes, the same databases.
    const password = /^HBNB_ADMIN_PASSWORD=(.*)$/m.exec(readFileSync(join(dir, 'secrets.env'), 'utf8'))?.[1]
    const login = await https('POST', '/api/v1/auth/login', { body: { email: 'admin@hbnb.io', password } })
    expect(login.status, login.body).toBe(200)
    const token = JSON.parse(login.body).access_token as string
    const kept = await https('POST', '/api/v1/amenities/', { body: { name: 'Kept across restarts' }, token })
    expect(kept.status, kept.body).toBe(201)
    const pause = await stack('down', '--keep-data')
    expect(pause.code, pause.out).toBe(0)
    for (const pid of pids) expect(runs(pid), `pid ${pid}`).toBe(false)
    expect(existsSync(join(dir, 'mariadb', 'primary'))).toBe(true)
    const resumed = await stack('up')
    expect(resumed.code, resumed.out).toBe(0)
    const newPids = pidFiles.map(pidOf)
    for (const pid of newPids) expect(pids).not.toContain(pid)
    const amenities = await https('GET', '/api/v1/amenities/')
    expect(JSON.parse(amenities.body)).toContainEqual(
      expect.objectContaining({ id: JSON.parse(kept.body).id, name: 'Kept across restarts' }),
    )

    const down = await stack('down')
    expect(down.code, down.out).toBe(0)
    for (const pid of newPids) expect(runs(pid), `pid ${pid}`).toBe(false)
    const after = await stack('status')
    for (const role of ['nginx', 'serve1', 'mariadb', 'replica', 'rabbitmq']) {
      expect(after.out, after.out).toMatch(new RegExp(`^${role}\\s+stopped`, 'm'))
    }
    // Their data is gone; the certificates and secrets stay.
    expect(existsSync(join(dir, 'mariadb'))).toBe(false)
    expect(existsSync(join(dir, 'rabbitmq'))).toBe(false)
    expect(existsSync(join(dir, 'tls', 'ca.pem'))).toBe(true)
    // The machine's MariaDB and RabbitMQ are as they were.
    expect(machineServices()).toEqual(machine)
  }, 480_000)
})
