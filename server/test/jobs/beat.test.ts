import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { backupDatabase, pruneBackups, restoreDatabase } from '../../src/db/backup.js'
import { createDatabase, type Database } from '../../src/db/database.js'
import { beatJobs } from '../../src/jobs/beat.js'
import { type ScheduledJob, Scheduler, slotAt } from '../../src/jobs/schedule.js'
import { fakeClock } from '../helpers/fake-clock.js'
import { describeEachDriver, freshDatabase } from '../helpers/test-app.js'

const START = Date.parse('2030-01-01T00:00:00.000Z')
const MINUTE = 60_000

async function runsOf(database: Database, jobs: string[]) {
  return database.write
    .selectFrom('scheduler_runs')
    .selectAll()
    .where('job', 'in', jobs)
    .orderBy('job')
    .orderBy('slot')
    .execute()
}

async function allRows(database: Database) {
  const tables =
    database.dialect === 'sqlite'
      ? await database.write
          .selectFrom('sqlite_master' as never)
          .select('name' as never)
          .where('type' as never, '=', 'table' as never)
          .execute()
      : await database.write
          .selectFrom('information_schema.tables' as never)
          .select('table_name as name' as never)
          .where('table_schema' as never, '=', database.write.fn('database' as never) as never)
          .execute()
  const result: Record<string, string[]> = {}
  for (const { name } of tables as { name: string }[]) {
    // The search copies' change log is not backed up: a restored database starts its own.
    if (name.startsWith('sqlite_') || name === 'kysely_migration_lock' || name === 'search_changes') continue
    const rows = await database.write
      .selectFrom(name as never)
      .selectAll()
      .execute()
    result[name] =
      name === 'kysely_migration'
        ? rows.map((r) => String((r as { name: string }).name)).sort()
        : rows.map((r) => JSON.stringify(r)).sort()
  }
  return result
}

describeEachDriver('hbnb beat', (t) => {
  it('fires each slot once when two schedulers share the database and the clock', async () => {
    const database = t().app.database
    const fired = new Map<string, number>()
    const job = (name: string, schedule: ScheduledJob['schedule']): ScheduledJob => ({
      name,
      schedule,
      run: async (slot) => {
        const key = `${name}@${slot.toISOString()}`
        fired.set(key, (fired.get(key) ?? 0) + 1)
      },
    })
    const jobs = () => [
      job('twice.minutely', { everySeconds: 60 }),
      job('twice.five', { everySeconds: 300 }),
      job('twice.daily', { dailyAt: '00:05' }),
    ]
    const end = START + 10 * MINUTE
    const a: Scheduler = new Scheduler(database, jobs(), {
      owner: 'a',
      clock: fakeClock(START, end, () => a),
    })
    const b: Scheduler = new Scheduler(database, jobs(), {
      owner: 'b',
      clock: fakeClock(START, end, () => b),
    })
    await Promise.all([a.start(), b.start()])
    await Promise.all([a.stop(), b.stop()])

    // 11 minutes (00:00..00:10), 3 five-minute slots, and yesterday's 00:05 plus today's.
    expect(fired.size).toBe(11 + 3 + 2)
    expect([...fired.values()].every((count) => count === 1)).toBe(true)
    expect(fired.has('twice.daily@2029-12-31T00:05:00.000Z')).toBe(true)
    const runs = await runsOf(database, ['twice.minutely', 'twice.five', 'twice.daily'])
    expect(runs).toHaveLength(16)
    expect(runs.every((run) => run.finished_at && run.error === null)).toBe(true)
  })

  it('records a failing job and keeps running the others', async () => {
    const database = t().app.database
    let ok = 0
    const scheduler = new Scheduler(database, [
      {
        name: 'fail.broken',
        schedule: { everySeconds: 60 },
        run: async () => {
          throw new Error('boom')
        },
      },
      { name: 'fail.fine', schedule: { everySeconds: 60 }, run: async () => ok++ },
    ])
    await scheduler.tick(START)
    await scheduler.tick(START + MINUTE)
    expect(ok).toBe(2)
    const runs = await runsOf(database, ['fail.broken', 'fail.fine'])
    expect(runs.map((r) => [r.job, r.error])).toEqual([
      ['fail.broken', 'boom'],
      ['fail.broken', 'boom'],
      ['fail.fine', null],
      ['fail.fine', null],
    ])
    expect(runs.every((r) => r.finished_at !== null)).toBe(true)
  })

  it('deletes expired refresh tokens in the cleanup job', async () => {
    const database = t().app.database
    const user = await t().user()
    const row = (id: string, expires: string) => ({
      id,
      user_id: user.id,
      family_id: id,
      token_hash: `hash-${id}`,
      expires_at: expires,
      used_at: null,
      revoked_at: null,
      created_at: '2020-01-01T00:00:00.000Z',
    })
    await database.write
      .insertInto('refresh_tokens')
      .values([
        row('cleanup-old', '2020-01-02T00:00:00.000Z'),
        row('cleanup-live', '2999-01-01T00:00:00.000Z'),
      ])
      .execute()
    const cleanup = beatJobs({ config: t().app.config, database, services: t().app.services }).find(
      (job) => job.name === 'cleanup',
    )!
    await cleanup.run(new Date())
    const left = await database.write
      .selectFrom('refresh_tokens')
      .select('id')
      .where('id', 'like', 'cleanup-%')
      .execute()
    expect(left.map((r) => r.id)).toEqual(['cleanup-live'])
  })

  it('backs up and restores into an empty database only', async () => {
    const app = t()
    const host = await app.user()
    await app.place(host.token, { title: 'Backed up' })
    const dir = mkdtempSync(join(tmpdir(), 'hbnb-backup-'))
    try {
      const file = await backupDatabase(app.app.database, dir, new Date(START))
      expect(readdirSync(dir)).toEqual([
        `hbnb-20300101T000000000Z.${app.driver === 'sqlite' ? 'sqlite' : 'jsonl'}`,
      ])
      const target =
        app.driver === 'sqlite'
          ? { url: `sqlite:${join(dir, 'restored.sqlite')}`, drop: async () => {} }
          : await freshDatabase('mysql')
      try {
        expect(await restoreDatabase(target.url, file)).toMatch(/^restored /)
        const restored = createDatabase(target.url)
        try {
          expect(await allRows(restored)).toEqual(await allRows(app.app.database))
        } finally {
          await restored.close()
        }
        await expect(restoreDatabase(target.url, file)).rejects.toThrow(
          /refusing to restore: the target database is not empty/,
        )
      } finally {
        await target.drop()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('backup retention', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hbnb-retention-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps the newest N backups and nothing else is touched', async () => {
    const names = [
      'hbnb-20300101T030000000Z.sqlite',
      'hbnb-20300103T030000000Z.sqlite',
      'hbnb-20300102T030000000Z.jsonl',
      'hbnb-20300104T030000000Z.sqlite',
      'notes.txt',
      'hbnb-20300105T030000000Z.sqlite.partial',
    ]
    for (const name of names) writeFileSync(join(dir, name), 'x')
    const deleted = await pruneBackups(dir, 2)
    expect(deleted.map((p) => p.slice(dir.length + 1))).toEqual([
      'hbnb-20300101T030000000Z.sqlite',
      'hbnb-20300102T030000000Z.jsonl',
    ])
    expect(readdirSync(dir).sort()).toEqual([
      'hbnb-20300103T030000000Z.sqlite',
      'hbnb-20300104T030000000Z.sqlite',
      'hbnb-20300105T030000000Z.sqlite.partial',
      'notes.txt',
    ])
  })
})

describe('schedules', () => {
  it('places slots on multiples of the period and at the daily time (UTC)', () => {
    const at = Date.parse('2030-06-15T10:17:42.000Z')
    expect(new Date(slotAt({ everySeconds: 3600 }, at)).toISOString()).toBe('2030-06-15T10:00:00.000Z')
    expect(new Date(slotAt({ dailyAt: '03:00' }, at)).toISOString()).toBe('2030-06-15T03:00:00.000Z')
    expect(new Date(slotAt({ dailyAt: '23:30' }, at)).toISOString()).toBe('2030-06-14T23:30:00.000Z')
  })
})
