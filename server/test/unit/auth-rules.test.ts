import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hash } from '@node-rs/argon2'
import bcrypt from 'bcryptjs'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { createDatabase, type Database } from '../../src/db/database.js'
import { migrateUp } from '../../src/db/migrate.js'
import { noLiveEvents } from '../../src/domain/live.js'
import { AppError } from '../../src/errors.js'
import { nowIso, uuidv7 } from '../../src/ids.js'
import { ResponseCache } from '../../src/infra/cache/index.js'
import { createMailSender } from '../../src/infra/mail/index.js'
import { MemorySessionStore } from '../../src/infra/sessions/memory.js'
import { createSmsSender } from '../../src/infra/sms/index.js'
import { FileObjectStorage } from '../../src/infra/storage/file.js'
import { createLogger } from '../../src/logger.js'
import type { AuthService } from '../../src/modules/auth/service.js'
import { AccessTokens } from '../../src/modules/auth/tokens.js'

const config = loadConfig({ HBNB_ENV: 'test', HBNB_DATABASE_URL: 'sqlite::memory:' }, false)
let database: Database
let wiring: ReturnType<typeof createServices>
let clock = Date.now()

function authAt(): AuthService {
  return wiring.services.auth
}

async function addUser(passwordHash: string) {
  const id = uuidv7()
  const email = `${id}@example.com`
  const now = nowIso()
  await database.write
    .insertInto('users')
    .values({
      id,
      email,
      email_key: email,
      first_name: 'Ada',
      last_name: 'L',
      password_hash: passwordHash,
      created_at: now,
      updated_at: now,
    })
    .execute()
  return { id, email }
}

function signedUpUser() {
  return wiring.services.users.create(
    { first_name: 'R', last_name: 'T', email: `${uuidv7()}@example.com`, password: 'password-1' },
    { asAdmin: false, minPasswordLength: 8 },
  )
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AppError)
  return error as AppError
}

beforeAll(async () => {
  database = createDatabase(config.databaseUrl)
  await migrateUp(database)
  wiring = createServices({
    config,
    database,
    logger: createLogger({ logLevel: 'silent', logFormat: 'json' }),
    mail: createMailSender(config),
    sms: createSmsSender(config),
    sessionStore: new MemorySessionStore(),
    cache: ResponseCache.off,
    now: () => clock,
    live: noLiveEvents,
    storage: new FileObjectStorage(join(tmpdir(), 'hbnb-auth-rules-storage')),
  })
})
afterAll(() => database.close())

describe('passwords', () => {
  it('accepts a bcrypt hash imported from an HBnB database and upgrades it to argon2id', async () => {
    const user = await addUser(bcrypt.hashSync('imported-secret', 10))
    const session = await authAt().login(user.email, 'imported-secret')
    expect(session.user.id).toBe(user.id)
    const row = await wiring.repositories.users.findById(user.id)
    expect(row?.password_hash).toMatch(/^\$argon2id\$/)
    expect((await authAt().login(user.email, 'imported-secret')).user.id).toBe(user.id)
  })

  it('refuses a wrong password against a bcrypt hash and keeps the hash', async () => {
    const hash = bcrypt.hashSync('imported-secret', 10)
    const user = await addUser(hash)
    expect((await rejection(authAt().login(user.email, 'wrong'))).message).toBe('Invalid credentials')
    expect((await wiring.repositories.users.findById(user.id))?.password_hash).toBe(hash)
  })

  it('hashes with argon2id at m=7 MiB, t=5, and upgrades a hash made with the old settings at login', async () => {
    const user = await signedUpUser()
    const made = (await wiring.repositories.users.findById(user.id))?.password_hash
    expect(made).toMatch(/^\$argon2id\$v=19\$m=7168,t=5,p=1\$/)
    const old = await hash('older-secret', { algorithm: 2 }) // the library's default, m=19 MiB, t=2
    expect(old).toMatch(/\$m=19456,t=2,p=1\$/)
    const upgraded = await addUser(old)
    expect((await authAt().login(upgraded.email, 'older-secret')).user.id).toBe(upgraded.id)
    const stored = (await wiring.repositories.users.findById(upgraded.id))?.password_hash
    expect(stored).toMatch(/\$m=7168,t=5,p=1\$/)
    expect((await authAt().login(upgraded.email, 'older-secret')).user.id).toBe(upgraded.id)
    expect((await wiring.repositories.users.findById(upgraded.id))?.password_hash).toBe(stored)
  })

  it('keeps an old-settings hash when the password is wrong', async () => {
    const old = await hash('older-secret', { algorithm: 2 })
    const user = await addUser(old)
    expect((await rejection(authAt().login(user.email, 'wrong'))).message).toBe('Invalid credentials')
    expect((await wiring.repositories.users.findById(user.id))?.password_hash).toBe(old)
  })

  it('gives the same answer for an unknown email as for a wrong password', async () => {
    expect((await rejection(authAt().login('nobody@example.com', 'x'))).message).toBe('Invalid credentials')
  })
})

describe('refresh tokens', () => {
  it('rotate on each use', async () => {
    const user = await signedUpUser()
    const first = await authAt().login(user.email, 'password-1')
    const second = await authAt().refresh(first.refresh_token)
    expect(second.refresh_token).not.toBe(first.refresh_token)
    const third = await authAt().refresh(second.refresh_token)
    expect(third.user.id).toBe(user.id)
  })

  it('revoke the whole family when a used token is presented again', async () => {
    const user = await signedUpUser()
    const login = await authAt().login(user.email, 'password-1')
    const rotated = await authAt().refresh(login.refresh_token)
    const reuse = await rejection(authAt().refresh(login.refresh_token))
    expect(reuse.code).toBe('refresh_token_reused')
    expect((await rejection(authAt().refresh(rotated.refresh_token))).code).toBe('refresh_token_reused')
    const other = await authAt().login(user.email, 'password-1')
    expect((await authAt().refresh(other.refresh_token)).user.id).toBe(user.id)
  })

  it('expire after their lifetime', async () => {
    const user = await signedUpUser()
    clock = Date.now()
    const login = await authAt().login(user.email, 'password-1')
    clock += config.refreshTokenTtlSeconds * 1000 + 1
    expect((await rejection(authAt().refresh(login.refresh_token))).code).toBe('refresh_token_expired')
    clock = Date.now()
  })

  it('stop working after logout', async () => {
    const user = await signedUpUser()
    const login = await authAt().login(user.email, 'password-1')
    await authAt().logout(login.refresh_token)
    expect((await rejection(authAt().refresh(login.refresh_token))).status).toBe(401)
  })

  it('are stored only as hashes', async () => {
    const user = await signedUpUser()
    const login = await authAt().login(user.email, 'password-1')
    const rows = await database.read
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('user_id', '=', user.id)
      .execute()
    expect(rows).toHaveLength(1)
    expect(JSON.stringify(rows)).not.toContain(login.refresh_token)
  })
})

describe('access tokens', () => {
  const tokens = new AccessTokens(config.jwtSecret, 60)

  it('carry sub, is_admin, the login (sid) and the expiry, and verify', async () => {
    const now = Date.now()
    const token = await tokens.sign({ id: 'u-1', isAdmin: true }, 'login-1', now)
    expect(await tokens.verify(token)).toEqual({
      id: 'u-1',
      isAdmin: true,
      sessionId: 'login-1',
      expiresAt: (Math.floor(now / 1000) + tokens.ttlSeconds) * 1000,
    })
  })

  it('are refused once expired', async () => {
    const token = await tokens.sign({ id: 'u-1', isAdmin: false }, 'login-1', Date.now() - 120_000)
    const error = await rejection(tokens.verify(token))
    expect([error.status, error.message]).toEqual([401, 'Token has expired'])
  })

  it('are refused when signed with another secret, or with alg none', async () => {
    const forged = await new SignJWT({ is_admin: true, type: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u-1')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-of-sufficient-length-000'))
    expect((await rejection(tokens.verify(forged))).status).toBe(401)
    const [, payload] = (await tokens.sign({ id: 'u-1', isAdmin: false }, 'login-1')).split('.')
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`
    expect((await rejection(tokens.verify(unsigned))).status).toBe(401)
  })
})
