// Two `hbnb serve` processes sharing one MariaDB database and one Redis: a logout through one is
// refused by the other at once, rate limits count the requests of both, and with Redis stopped
// both keep answering while revocations still hold (the database answers).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedEssentials } from '../../src/cli/seed.js'
import { loadConfig } from '../../src/config.js'
import { createDatabase } from '../../src/db/database.js'
import { migrateUp } from '../../src/db/migrate.js'
import { type ApiProcess, type RedisProcess, startApiProcess, startRedis } from '../helpers/processes.js'
import { ADMIN, freshDatabase, MYSQL_URL } from '../helpers/test-app.js'

const IN_CI = process.env.CI === 'true'
const AUTH_PER_ADDRESS = 5

interface Call {
  token?: string
  body?: unknown
  /** The client address, as the trusted proxy (loopback) forwards it. */
  client: string
}

async function call(api: ApiProcess, method: string, path: string, options: Call) {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      'x-forwarded-for': options.client,
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body ? JSON.stringify(options.body) : undefined,
  })
  return { status: response.status, headers: response.headers, body: (await response.json()) as any }
}

async function eventually(check: () => Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const redisReady = (api: ApiProcess) =>
  eventually(
    async () => ((await (await fetch(`${api.url}/readyz`)).json()) as any).status === 'ok',
    `redis ready in ${api.url}`,
  )

let clients = 0
const freshClient = () => `192.0.2.${++clients}`

describe.skipIf(!MYSQL_URL && !IN_CI)('two API processes sharing sessions and rate limits [mysql]', () => {
  let redis: RedisProcess
  let a: ApiProcess
  let b: ApiProcess
  let drop = async () => {}

  beforeAll(async () => {
    if (!MYSQL_URL) throw new Error('HBNB_TEST_MYSQL_URL is not set under CI=true')
    const database = await freshDatabase('mysql')
    drop = database.drop
    const env = {
      HBNB_DATABASE_URL: database.url,
      HBNB_DATA_DIR: mkdtempSync(join(tmpdir(), 'hbnb-multi-auth-')),
      HBNB_WEB_DIR: 'none',
      HBNB_TRUST_PROXY: 'loopback',
      HBNB_AUTH_RATE_LIMIT: String(AUTH_PER_ADDRESS),
      HBNB_RATE_LIMIT_ACCOUNT: '1000',
    }
    const setup = createDatabase(database.url)
    try {
      await migrateUp(setup)
      await seedEssentials(setup, loadConfig({ ...env, HBNB_ENV: 'test' }, false))
    } finally {
      await setup.close()
    }
    redis = await startRedis()
    // One after the other: two processes starting at once on a busy machine can miss the start timeout.
    a = await startApiProcess({ ...env, HBNB_REDIS_URL: redis.url })
    b = await startApiProcess({ ...env, HBNB_REDIS_URL: redis.url })
    await Promise.all([redisReady(a), redisReady(b)])
  }, 120_000)

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    await redis?.stop()
    await drop()
  })

  const login = async (api: ApiProcess) => {
    const response = await call(api, 'POST', '/api/v1/auth/login', { client: freshClient(), body: ADMIN })
    expect(response.status).toBe(200)
    return response.body as { access_token: string; refresh_token: string }
  }
  const me = (api: ApiProcess, token: string) =>
    call(api, 'GET', '/api/v1/auth/me', { client: freshClient(), token })

  it('a logout through one process is refused by the other at once', async () => {
    const ended = await login(a)
    const kept = await login(b)
    expect((await me(b, ended.access_token)).status).toBe(200)
    const logout = await call(a, 'POST', '/api/v1/auth/logout', {
      client: freshClient(),
      body: { refresh_token: ended.refresh_token },
    })
    expect(logout.status).toBe(200)
    const refused = await me(b, ended.access_token)
    expect(refused.status).toBe(401)
    expect(refused.body.code).toBe('token_revoked')
    expect((await me(a, ended.access_token)).status).toBe(401)
    expect((await me(b, kept.access_token)).status).toBe(200)

    expect(
      (await call(b, 'POST', '/api/v1/auth/logout-all', { client: freshClient(), token: kept.access_token }))
        .status,
    ).toBe(200)
    expect((await me(a, kept.access_token)).status).toBe(401)
  })

  it('a login rate limit counts the attempts made through both processes', async () => {
    const client = freshClient()
    const attempt = (api: ApiProcess) =>
      call(api, 'POST', '/api/v1/auth/login', {
        client,
        body: { email: ADMIN.email, password: 'wrong-password' },
      })
    const statuses: number[] = []
    for (const api of [a, b, a, b, a, b]) statuses.push((await attempt(api)).status)
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429])
    const limited = await attempt(a)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited.headers.get('ratelimit-remaining')).toBe('0')
    expect((await call(b, 'POST', '/api/v1/auth/login', { client: freshClient(), body: ADMIN })).status).toBe(
      200,
    )
  })

  it('with Redis stopped, both processes keep answering and revocations still hold', async () => {
    const ended = await login(a)
    const kept = await login(a)
    expect((await me(b, ended.access_token)).status).toBe(200)
    await redis.stop()
    try {
      for (const api of [a, b]) {
        expect((await call(api, 'GET', '/api/v1/places/', { client: freshClient() })).status).toBe(200)
        expect((await me(api, kept.access_token)).status).toBe(200)
      }
      const logout = await call(a, 'POST', '/api/v1/auth/logout', {
        client: freshClient(),
        body: { refresh_token: ended.refresh_token },
      })
      expect(logout.status).toBe(200)
      expect((await me(b, ended.access_token)).status).toBe(401)
      expect((await me(a, ended.access_token)).status).toBe(401)
      const fresh = await login(b)
      expect((await me(a, fresh.access_token)).status).toBe(200)
      // Rate limits degrade to each process's memory: still enforced, per process.
      const client = freshClient()
      const statuses: number[] = []
      for (let n = 0; n <= AUTH_PER_ADDRESS; n++) {
        const response = await call(b, 'POST', '/api/v1/auth/login', {
          client,
          body: { email: ADMIN.email, password: 'wrong-password' },
        })
        statuses.push(response.status)
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429])
    } finally {
      await redis.start()
    }
    await Promise.all([redisReady(a), redisReady(b)])
    expect((await me(b, ended.access_token)).status).toBe(401)
    expect((await me(b, kept.access_token)).status).toBe(200)
  })
})
