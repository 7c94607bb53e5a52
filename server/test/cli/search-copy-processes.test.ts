// The search copy as `hbnb serve` runs it: two API processes of one machine share the file, one
// feeds it, both search it; a bulk seed makes it load again; when the feeding process dies, the
// other takes the file over.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type ApiProcess, runHbnb, startApiProcess } from '../helpers/processes.js'
import { describeOnDriver, freshDatabase } from '../helpers/test-app.js'

const FEEDS = 'search copy: loading'
const LOCKED = 'search copy: another process feeds it'
const LOADED = 'search copy: loaded'

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function answered(api: ApiProcess): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text()
  return Number(/^hbnb_search_copy_total\{outcome="answered"\} (\d+)/m.exec(text)?.[1] ?? 0)
}

/** A search of the whole map's first page, and whether the copy answered it. */
async function search(api: ApiProcess) {
  const before = await answered(api)
  const response = await fetch(`${api.url}/api/v1/search?limit=5`)
  expect(response.status).toBe(200)
  const body = (await response.json()) as { total: number; results: { id: string }[] }
  return { ...body, fromCopy: (await answered(api)) > before }
}

describeOnDriver('mysql', 'search copy in hbnb serve processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hbnb-search-copy-processes-'))
  let env: Record<string, string>
  let drop: () => Promise<void>
  let apis: ApiProcess[] = []

  beforeAll(async () => {
    const database = await freshDatabase('mysql')
    drop = database.drop
    env = {
      HBNB_DATABASE_URL: database.url,
      HBNB_SEARCH_COPY: join(dir, 'copy.sqlite'),
      HBNB_LOG_LEVEL: 'info',
      HBNB_LOG_FORMAT: 'json',
      HBNB_DATA_DIR: dir,
    }
    for (const args of [
      ['migrate', 'up'],
      ['seed', '--no-demo'],
    ]) {
      const run = await runHbnb(args, env)
      expect(run.code, run.stderr).toBe(0)
    }
    apis = [await startApiProcess(env), await startApiProcess(env)]
  }, 120_000)
  afterAll(async () => {
    for (const api of apis) await api.stop('SIGKILL')
    await drop?.()
    rmSync(dir, { recursive: true, force: true })
  })

  it('is fed by one process, searched by both, loaded again after a bulk seed and taken over when its feeder dies', async () => {
    const logs = () => apis.map((api) => api.output.join(''))
    await until(() => logs().some((log) => log.includes(LOADED)), 'a first load')
    await until(() => logs().some((log) => log.includes(LOCKED)), 'the other process to find the file taken')
    const feeder = apis.find((api) => api.output.join('').includes(FEEDS))!
    const other = apis.find((api) => api !== feeder)!
    expect(other.output.join('')).not.toContain(FEEDS)

    // A bulk seed writes no change per row: its "everything" change loads the copy again.
    const seeded = await runHbnb(['seed', '--no-demo', '--places', '300', '--bookings', '600'], env)
    expect(seeded.code, seeded.stderr).toBe(0)
    // Most of the generated listings are published.
    await until(async () => {
      const found = await search(other)
      return found.fromCopy && found.total >= 200
    }, 'the seeded places in searches the copy answers')
    const fromFeeder = await search(feeder)
    expect(fromFeeder.fromCopy).toBe(true)
    expect(fromFeeder.total).toBeGreaterThanOrEqual(200)

    // The feeding process dies: the other takes the file over and loads it.
    await feeder.stop('SIGKILL')
    apis = [other]
    await until(() => other.output.join('').includes(FEEDS), 'the other process to feed the copy', 30_000)
    await until(() => other.output.join('').split(LOADED).length > 1, 'its load')
    const after = await search(other)
    expect(after.total).toBe(fromFeeder.total)
  }, 180_000)
})
