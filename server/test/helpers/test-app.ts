// Starts the real app on a fresh database (SQLite always, MariaDB when HBNB_TEST_MYSQL_URL is set),
// listening on a loopback port, and drives it over HTTP.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createConnection } from 'mysql2/promise'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { type App, createApp, createServices } from '../../src/app.js'
import { seedEssentials } from '../../src/cli/seed.js'
import { loadConfig } from '../../src/config.js'
import { createDatabase } from '../../src/db/database.js'
import { migrateUp } from '../../src/db/migrate.js'
import { type LiveEvents, noLiveEvents } from '../../src/domain/live.js'
import { uuidv7 } from '../../src/ids.js'
import { MemorySessionStore } from '../../src/infra/sessions/memory.js'
import { createLogger } from '../../src/logger.js'
import { EmailTokenRepository } from '../../src/modules/auth/email-token-repository.js'
import { hashRefreshToken } from '../../src/modules/auth/tokens.js'

export type Driver = 'sqlite' | 'mysql'

export const MYSQL_URL = process.env.HBNB_TEST_MYSQL_URL
/** RabbitMQ for the production queue driver's tests (it runs on loopback wherever tests run). */
export const AMQP_URL = process.env.HBNB_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'
const IN_CI = process.env.CI === 'true'

export const ADMIN = {
  id: '36c9050e-ddd3-4c3b-9731-9f487208bbc1',
  email: 'admin@hbnb.io',
  password: 'admin1234',
}

export interface Response<T = any> {
  status: number
  body: T
  headers: Record<string, string | string[] | number | undefined>
  /** Header names as sent (case kept), in order; over real HTTP only. */
  headerNames?: string[]
  text: string
}

export interface RequestOptions {
  token?: string
  headers?: Record<string, string>
  body?: unknown
  /** Raw payload sent as is (with headers given by the caller). */
  payload?: string | Buffer
  /** The client's address: any 127.x.y.z (loopback answers them all). */
  localAddress?: string
}

export class TestApp {
  private adminTokenCache?: string
  private counter = 0
  private readonly agent = new Agent({ keepAlive: true })

  constructor(
    readonly app: App,
    readonly driver: Driver,
    private readonly dropDatabase: () => Promise<void>,
    /** Where the app listens: `http://127.0.0.1:<port>`. */
    readonly baseUrl: string,
    /** The administrator's password (production refuses the default one). */
    readonly adminPassword = ADMIN.password,
  ) {}

  /** Starts `app` listening on a free loopback port. */
  static async listen(
    app: App,
    driver: Driver,
    dropDatabase: () => Promise<void>,
    adminPassword?: string,
  ): Promise<TestApp> {
    await app.http.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.http.server.address() as { port: number }
    return new TestApp(app, driver, dropDatabase, `http://127.0.0.1:${port}`, adminPassword)
  }

  async request<T = any>(method: string, url: string, options: RequestOptions = {}): Promise<Response<T>> {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    let payload = options.payload
    if (payload === undefined && options.body !== undefined) {
      payload = JSON.stringify(options.body)
      headers['content-type'] ??= 'application/json'
    }
    const { status, responseHeaders, headerNames, text } = await new Promise<{
      status: number
      responseHeaders: Response['headers']
      headerNames: string[]
      text: string
    }>((resolve, reject) => {
      const outgoing = httpRequest(
        new URL(url, this.baseUrl),
        { method, headers, agent: this.agent, localAddress: options.localAddress },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              responseHeaders: res.headers,
              headerNames: res.rawHeaders.filter((_, i) => i % 2 === 0),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          )
          res.on('error', reject)
        },
      )
      outgoing.on('error', reject)
      outgoing.end(payload)
    })
    let body: unknown = text
    if (String(responseHeaders['content-type'] ?? '').includes('json') && text) body = JSON.parse(text)
    return { status, body: body as T, headers: responseHeaders, headerNames, text }
  }

  get = <T = any>(url: string, options?: RequestOptions) => this.request<T>('GET', url, options)
  post = <T = any>(url: string, body?: unknown, options?: RequestOptions) =>
    this.request<T>('POST', url, { ...options, body })
  put = <T = any>(url: string, body?: unknown, options?: RequestOptions) =>
    this.request<T>('PUT', url, { ...options, body })
  delete = <T = any>(url: string, options?: RequestOptions) => this.request<T>('DELETE', url, options)

  async login(email: string, password: string): Promise<string> {
    const response = await this.post('/api/v1/auth/login', { email, password })
    if (response.status !== 200)
      throw new Error(`login of ${email} failed: ${response.status} ${response.text}`)
    return response.body.access_token
  }

  async adminToken(): Promise<string> {
    this.adminTokenCache ??= await this.login(ADMIN.email, this.adminPassword)
    return this.adminTokenCache
  }

  /** A password reset link's token for the user, as if it had been emailed. */
  async passwordResetToken(user: { id: string; email: string }): Promise<string> {
    const token = randomBytes(32).toString('base64url')
    const now = Date.now()
    await new EmailTokenRepository(this.app.database).insert({
      id: uuidv7(),
      user_id: user.id,
      purpose: 'reset_password',
      token_hash: hashRefreshToken(token),
      email: user.email,
      expires_at: new Date(now + 600_000).toISOString(),
      used_at: null,
      created_at: new Date(now).toISOString(),
    })
    return token
  }

  /** A fresh user created through the admin endpoint, logged in. */
  async user(overrides: Record<string, unknown> = {}) {
    const n = ++this.counter
    const input = {
      first_name: `First${n}`,
      last_name: `Last${n}`,
      email: `user${n}-${randomBytes(3).toString('hex')}@example.com`,
      // Passes the password policy, which production applies to admin-created users too.
      password: 'amber-otter-2931',
      ...overrides,
    }
    const created = await this.post('/api/v1/users/', input, { token: await this.adminToken() })
    if (created.status !== 201) throw new Error(`user creation failed: ${created.status} ${created.text}`)
    const token = await this.login(String(input.email), String(input.password))
    return {
      id: created.body.id as string,
      email: String(input.email),
      password: String(input.password),
      token,
    }
  }

  /** A place created by the given token's user. */
  async place(token: string, overrides: Record<string, unknown> = {}) {
    const response = await this.post(
      '/api/v1/places/',
      {
        title: 'Test place',
        description: 'A place for tests',
        price: 100,
        latitude: 10,
        longitude: 20,
        ...overrides,
      },
      { token },
    )
    if (response.status !== 201) throw new Error(`place creation failed: ${response.status} ${response.text}`)
    return response.body as { id: string; owner_id: string; [key: string]: unknown }
  }

  /**
   * The app's services with their clock at `now`: to run what falls due later (expiries, completions).
   * `live` receives the live events they publish (a recording double, in tests of those events).
   */
  servicesAt(now: number, live: LiveEvents = noLiveEvents) {
    const { app } = this
    return createServices({
      config: app.config,
      database: app.database,
      logger: app.logger,
      mail: app.mail,
      sms: app.sms,
      sessionStore: new MemorySessionStore(),
      cache: app.cache,
      now: () => now,
      live,
      storage: app.storage,
    }).services
  }

  async close() {
    this.agent.destroy()
    await this.app.close()
    await this.dropDatabase()
  }
}

export async function freshDatabase(driver: Driver): Promise<{ url: string; drop: () => Promise<void> }> {
  if (driver === 'sqlite') return { url: 'sqlite::memory:', drop: async () => {} }
  const base = new URL(MYSQL_URL!)
  const name = `${base.pathname.slice(1) || 'hbnb_test'}_${randomBytes(4).toString('hex')}`
  const connect = () =>
    createConnection({
      host: base.hostname,
      port: Number(base.port || 3306),
      user: decodeURIComponent(base.username),
      password: decodeURIComponent(base.password),
    })
  const admin = await connect()
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
  await admin.end()
  const url = new URL(MYSQL_URL!)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const connection = await connect()
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``)
      await connection.end()
    },
  }
}

export interface TestAppOptions {
  /** Where the app publishes live events (a recording double in tests of what is published). */
  live?: LiveEvents
}

export async function startTestApp(
  driver: Driver,
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const { url, drop: dropDatabase } = await freshDatabase(driver)
  // Each app keeps its media files in a directory of its own, removed with its database.
  const storageDir = mkdtempSync(join(tmpdir(), 'hbnb-test-storage-'))
  const drop = async () => {
    await dropDatabase()
    rmSync(storageDir, { recursive: true, force: true })
  }
  const config = loadConfig(
    {
      HBNB_ENV: 'test',
      HBNB_DATABASE_URL: url,
      HBNB_STORAGE_DIR: storageDir,
      HBNB_AUTH_RATE_LIMIT: '100000',
      HBNB_RATE_LIMIT_ACCOUNT: '100000',
      HBNB_RATE_LIMIT_IP: '10000000',
      HBNB_RATE_LIMIT_USER: '10000000',
      HBNB_LOG_LEVEL: 'silent',
      ...env,
    },
    false,
  )
  const logger = createLogger(config)
  const database = createDatabase(config.databaseUrl, logger)
  await migrateUp(database)
  await seedEssentials(database, config)
  const app = await createApp(config, logger, database, options.live)
  return TestApp.listen(app, driver, drop, env.HBNB_ADMIN_PASSWORD)
}

/**
 * Runs a suite once per database driver against its own fresh database. Without
 * HBNB_TEST_MYSQL_URL the MariaDB run fails under CI=true and is skipped, saying why, elsewhere.
 */
/**
 * A suite on one driver. Without HBNB_TEST_MYSQL_URL, a MariaDB suite fails under CI=true and is
 * skipped elsewhere, its title saying how to run it.
 */
export function describeOnDriver(driver: Driver, title: string, body: () => void) {
  if (driver === 'mysql' && !MYSQL_URL) {
    if (IN_CI) {
      describe(`${title} [mysql]`, () => {
        it('needs HBNB_TEST_MYSQL_URL (CI must run every suite on MariaDB)', () => {
          throw new Error('HBNB_TEST_MYSQL_URL is not set under CI=true')
        })
      })
    } else {
      describe.skipIf(true)(`${title} [mysql] SKIPPED: set HBNB_TEST_MYSQL_URL to run it on MariaDB`, () => {
        it('runs on MariaDB', () => {})
      })
    }
    return
  }
  describe(`${title} [${driver}]`, body)
}

export function describeEachDriver(
  title: string,
  body: (t: () => TestApp) => void,
  env: Record<string, string> = {},
  options: TestAppOptions = {},
) {
  for (const driver of ['sqlite', 'mysql'] as const) {
    describeOnDriver(driver, title, () => {
      let testApp: TestApp | undefined
      beforeAll(async () => {
        testApp = await startTestApp(driver, env, options)
      })
      afterAll(async () => {
        await testApp?.close()
      })
      body(() => testApp!)
    })
  }
}
