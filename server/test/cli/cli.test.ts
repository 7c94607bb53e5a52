// The `hbnb` command as an operator meets it, in real processes (server/dist): what it says when it
// cannot start, and how a serving process stops on SIGTERM.
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createConnection } from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runHbnb, spawnHbnb, startApiProcess } from '../helpers/processes.js'
import { type Driver, freshDatabase, MYSQL_URL } from '../helpers/test-app.js'

const drivers: Driver[] = MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite']

/** Lines of a command's error output (a stack trace would add `    at ...` lines). */
const lines = (text: string) => text.trim().split('\n')

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 1800; i++) {
    if (check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/**
 * A login request sent up to its body: the server has parsed it and is waiting for the body once it
 * answers `100 Continue`. `finish()` sends the body; `response` is everything the server sent.
 */
async function requestWaitingForItsBody(port: number) {
  const body = JSON.stringify({ email: 'nobody@example.com', password: 'not-the-password' })
  const socket: Socket = tcpConnect(port, '127.0.0.1')
  let received = ''
  socket.on('data', (chunk) => {
    received += String(chunk)
  })
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.on('error', () => {})
  socket.write(
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
  )
  await until(() => received.includes('100 Continue'), 'HTTP/1.1 100 Continue')
  return {
    finish: () => socket.write(body),
    received: () => received,
    closed,
    destroy: () => socket.destroy(),
  }
}

describe('hbnb command line', () => {
  it('prints the usage and exits 2 when given no command, instead of starting a server', async () => {
    const { code, stdout, stderr } = await runHbnb([], {})
    expect(code).toBe(2)
    expect(stderr).toContain('hbnb: no command given')
    expect(stderr).toContain('Usage: hbnb <command>')
    expect(stdout).toBe('')
  })

  it('names a bad setting in one line, without a stack trace', async () => {
    const { code, stderr } = await runHbnb(['serve'], { HBNB_PORT: 'eighty' })
    expect(code).toBe(2)
    expect(lines(stderr)).toEqual([
      'hbnb: bad setting HBNB_PORT: expected an integer between 0 and 65535, got "eighty" (fix it in the environment or in .env)',
    ])
  })

  it('says "no database yet" for `migrate status` on an empty data dir, and creates nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbnb-cli-'))
    const dataDir = join(dir, 'data')
    const { code, stdout } = await runHbnb(['migrate', 'status'], { HBNB_DATA_DIR: dataDir })
    expect(code).toBe(0)
    expect(stdout).toContain(`no database yet (${join(dataDir, 'hbnb.sqlite')})`)
    expect(stdout).toMatch(/pending\s+0001_initial/)
    expect(existsSync(dataDir)).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })

  it('refuses `serve` without a database in one line, and creates none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbnb-cli-'))
    const { code, stderr } = await runHbnb(['serve'], { HBNB_DATA_DIR: join(dir, 'data') })
    expect(code).toBe(1)
    expect(lines(stderr)).toEqual([
      `hbnb: no database yet (${join(dir, 'data', 'hbnb.sqlite')}): run \`hbnb migrate up\` first`,
    ])
    expect(readdirSync(dir)).toEqual([])
  })
})

describe.each(drivers)('hbnb serve: start-up errors and stopping [%s]', { timeout: 180_000 }, (driver) => {
  let env: Record<string, string>
  let drop: () => Promise<void> = async () => {}

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbnb-cli-'))
    let url = `sqlite:${join(dir, 'hbnb.sqlite')}`
    if (driver === 'mysql') ({ url, drop } = await freshDatabase('mysql'))
    env = { HBNB_DATABASE_URL: url, HBNB_DATA_DIR: dir }
  })
  afterAll(() => drop())

  it('refuses to serve while migrations are pending, in one line', async () => {
    const migrated = await runHbnb(['migrate', 'up'], env)
    expect(migrated.code).toBe(0)
    const reverted = await runHbnb(['migrate', 'down'], env)
    expect(reverted.stdout).toMatch(/^reverted \d{4}_\w+$/m)
    const again = await runHbnb(['serve'], env)
    expect(again.code).toBe(1)
    expect(lines(again.stderr)).toEqual(['hbnb: 1 migration(s) pending: run `hbnb migrate up` first'])
    expect((await runHbnb(['migrate', 'up'], env)).code).toBe(0)
  })

  describe('on a migrated database', () => {
    let taken: Server

    beforeAll(async () => {
      expect((await runHbnb(['migrate', 'up'], env)).code).toBe(0)
      taken = createServer()
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    })
    afterAll(() => new Promise((resolve) => taken.close(resolve)))

    it('says in one line that the port is in use', async () => {
      const { port } = taken.address() as { port: number }
      const { code, stderr } = await runHbnb(['serve'], { ...env, HBNB_PORT: String(port) })
      expect(code).toBe(1)
      expect(lines(stderr)).toEqual([
        `hbnb: port ${port} on 127.0.0.1 is already in use: stop what listens there or set HBNB_PORT to a free port`,
      ])
    })

    it('on SIGTERM, finishes the request in flight, then exits 0', async () => {
      const api = await startApiProcess({
        ...env,
        HBNB_LOG_LEVEL: 'info',
        HBNB_SHUTDOWN_TIMEOUT_MS: '120000',
      })
      const request = await requestWaitingForItsBody(api.port)
      api.child.kill('SIGTERM')
      await until(() => api.output.join('').includes('SIGTERM received'), 'the SIGTERM log line')
      request.finish()
      await until(() => /\r\n\r\n\{.*\}/s.test(request.received()), 'the response')
      expect(request.received()).toContain('HTTP/1.1 401 Unauthorized')
      expect(await exited(api.child)).toBe(0)
      expect(api.output.join('')).toContain('hbnb serve stopped')
      await request.closed
      // Stopped: nothing answers on its port any more.
      const refused = await fetch(`${api.url}/healthz`).then(
        () => false,
        () => true,
      )
      expect(refused).toBe(true)
    })

    it('forces the exit after HBNB_SHUTDOWN_TIMEOUT_MS, saying what was still open', async () => {
      const api = await startApiProcess({ ...env, HBNB_SHUTDOWN_TIMEOUT_MS: '300' })
      const request = await requestWaitingForItsBody(api.port)
      api.child.kill('SIGTERM')
      expect(await exited(api.child)).toBe(1)
      const output = api.output.join('')
      expect(output).toContain('hbnb serve: still stopping after 300 ms (HBNB_SHUTDOWN_TIMEOUT_MS)')
      expect(output).toContain('1 HTTP request(s) unanswered (POST /api/v1/auth/login)')
      request.destroy()
    })

    it('stops `hbnb beat` on SIGTERM with status 0', async () => {
      const beat = spawnHbnb(['beat'], { ...env, HBNB_LOG_LEVEL: 'info' })
      await until(() => beat.output.join('').includes('HBNB beat is scheduling'), 'hbnb beat to start')
      beat.child.kill('SIGTERM')
      expect(await exited(beat.child)).toBe(0)
      expect(beat.output.join('')).toContain('hbnb beat stopped')
    })
  })
})

describe.runIf(MYSQL_URL)('hbnb migrate up after a Node upgrade changed currencies decimals [mysql]', () => {
  it("refuses to serve until `migrate up` has written the search index's scaled prices again", async () => {
    const { url, drop } = await freshDatabase('mysql')
    const env = { HBNB_DATABASE_URL: url }
    const connection = await createConnection(url)
    try {
      expect((await runHbnb(['migrate', 'up'], env)).code).toBe(0)
      const column = async () => {
        const [rows] = (await connection.query(
          `select generation_expression as expression from information_schema.columns
            where table_schema = database() and table_name = 'places' and column_name = 'price_scaled'`,
        )) as unknown as [{ expression: string }[]]
        const [index] = (await connection.query(
          `select group_concat(column_name order by seq_in_index) as columns from information_schema.statistics
            where table_schema = database() and table_name = 'places' and index_name = 'places_search_idx'`,
        )) as unknown as [{ columns: string }[]]
        return { expression: rows[0]?.expression, index: index[0]?.columns }
      }
      const written = await column()
      expect(written.index).toContain('currency,price_scaled,')
      // As a Node whose ICU data gives the Kuwaiti dinar two decimals would have written it.
      await connection.query(`alter table places drop index places_search_idx,
        modify column price_scaled bigint generated always as (price_minor * 100) virtual,
        add index places_search_idx (status, price_scaled)`)
      const older = JSON.parse(
        ((await connection.query("select value from app_meta where `key` = 'price_scales'")) as any)[0][0]
          .value,
      ) as { currencies: string[] }[]
      const withoutKwd = older.map((s) => ({ ...s, currencies: s.currencies.filter((c) => c !== 'KWD') }))
      await connection.query("update app_meta set value = ? where `key` = 'price_scales'", [
        JSON.stringify(withoutKwd),
      ])

      const refused = await runHbnb(['serve'], env)
      expect(refused.code).toBe(1)
      expect(lines(refused.stderr)).toEqual([
        "hbnb: the search index's prices were written with other currency decimals than this Node's: run `hbnb migrate up` first",
      ])
      const migrated = await runHbnb(['migrate', 'up'], env)
      expect(migrated.code).toBe(0)
      expect(lines(migrated.stdout)).toEqual([
        "rewrote places.price_scaled: this Node's currency decimals differ from those it was written with",
      ])
      expect(await column()).toEqual(written)
      expect(lines((await runHbnb(['migrate', 'up'], env)).stdout)).toEqual(['Already up to date'])
    } finally {
      await connection.end()
      await drop()
    }
  })
})
