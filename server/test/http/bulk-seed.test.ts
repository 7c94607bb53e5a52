// `hbnb seed --places N --bookings M --seed S`: exactly N places and M taken nights, the same for the same seed.
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { bulkSeed, checkBulkOptions } from '../../src/cli/bulk-seed.js'
import { createProgress } from '../../src/cli/progress.js'
import { bulkWriter, dropSecondaryIndexes, RowBuffer } from '../../src/db/bulk-load.js'
import { createDatabase, type Database } from '../../src/db/database.js'
import { migrateUp } from '../../src/db/migrate.js'
import { offerLocalFile } from '../../src/db/mysql-pool.js'
import { expectRecordsAgree } from '../helpers/night-records.js'
import { describeEachDriver, describeOnDriver, freshDatabase } from '../helpers/test-app.js'

const fees = { serviceFeePercent: 12, taxPercent: 5 }

describeEachDriver('bulk seed', (t) => {
  const count = async (table: 'places' | 'place_nights' | 'bookings' | 'reviews' | 'night_prices') =>
    Number(
      (
        await t()
          .app.database.write.selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  /** Every index (with its columns) and trigger of the database. */
  const schema = async () => {
    const db = t().app.database.write
    const rows =
      t().app.database.dialect === 'sqlite'
        ? await sql<{
            item: string
          }>`select type || ' ' || name || ' ' || coalesce(sql, '') as item from sqlite_master
            where type in ('index', 'trigger') order by 1`.execute(db)
        : await sql<{
            item: string
          }>`select concat(table_name, ' ', index_name, ' ', group_concat(column_name order by seq_in_index)) as item
            from information_schema.statistics where table_schema = database()
            group by table_name, index_name order by 1`.execute(db)
    return rows.rows.map((r) => r.item)
  }

  it('--places 200 --bookings 1000 adds exactly 200 places and 1000 taken nights', async () => {
    const before = { places: await count('places'), nights: await count('place_nights') }
    let reported = 0
    const summary = await bulkSeed(t().app.database, {
      places: 200,
      nights: 1000,
      seed: 7,
      fees,
      batchPlaces: 64,
      onProgress: (n) => {
        reported += n
      },
    })
    expect(reported).toBe(200)
    expect(summary).toMatchObject({ places: 200, nights: 1000 })
    expect(await count('places')).toBe(before.places + 200)
    expect(await count('place_nights')).toBe(before.nights + 1000)
    expect(await count('bookings')).toBe(summary.bookings)
    expect(await count('reviews')).toBe(summary.reviews)
    expect(await count('night_prices')).toBe(summary.nightPrices)
    expect(summary.bookings).toBeGreaterThan(0)
    expect(summary.blockedNights).toBeGreaterThan(0)

    // Every booked night belongs to a booking of the same place covering it.
    const orphans = await t()
      .app.database.write.selectFrom('place_nights')
      .leftJoin('bookings', 'bookings.id', 'place_nights.booking_id')
      .select('place_nights.night')
      .where('place_nights.kind', '=', 'booking')
      .where((eb) =>
        eb.or([
          eb('bookings.id', 'is', null),
          eb('bookings.place_id', '!=', eb.ref('place_nights.place_id')),
          eb('place_nights.night', '<', eb.ref('bookings.check_in')),
          eb('place_nights.night', '>=', eb.ref('bookings.check_out')),
        ]),
      )
      .execute()
    expect(orphans).toEqual([])

    // Every place has its record of taken nights, as place_nights says.
    const records = await expectRecordsAgree(t(), 'after the bulk seed')
    expect(records.known).toBe(records.places)
    expect(records.withNights).toBeGreaterThan(100)

    // The listings are searchable, and the API serves them.
    const search = await t().get('/api/v1/search?limit=5')
    expect(search.status).toBe(200)
    expect(search.body.total).toBeGreaterThan(150)
  })

  it('gives the same rows for the same seed, on any database, generated in a worker thread or not, and refuses to add a seed twice', async () => {
    const options = { places: 40, nights: 300, seed: 99, fees, anchor: '2030-01-01' }
    const snapshot = async (database: Database) => ({
      places: await database.write
        .selectFrom('places')
        .select([
          'id',
          'title',
          'price_minor',
          'currency',
          'latitude',
          'longitude',
          'min_nights',
          'rating_avg',
        ])
        .select(['created_at', 'status', 'owner_id'])
        .where('created_at', '<', '2030-01-01')
        .where('id', 'in', (eb) =>
          eb.selectFrom('place_nights').select('place_id').where('night', '>=', '2029-10-01'),
        )
        .orderBy('id')
        .execute(),
      nights: await database.write
        .selectFrom('place_nights')
        .select(['place_id', 'night', 'kind', 'booking_id'])
        .where('night', '>=', '2029-10-01')
        .orderBy('place_id')
        .orderBy('night')
        .execute(),
    })
    await bulkSeed(t().app.database, options)
    await expect(bulkSeed(t().app.database, options)).rejects.toThrow(/--seed 99/)

    const elsewhere = createDatabase('sqlite::memory:')
    try {
      await migrateUp(elsewhere)
      // Here in this thread; above in the worker thread of the built code (`npm run build` first).
      await bulkSeed(elsewhere, { ...options, inline: true })
      const here = await snapshot(t().app.database)
      expect(here.nights).toHaveLength(300)
      expect(here.places.length).toBeGreaterThan(30)
      expect(await snapshot(elsewhere)).toEqual(here)
      // Another seed gives other data.
      const other = createDatabase('sqlite::memory:')
      await migrateUp(other)
      await bulkSeed(other, { ...options, seed: 100 })
      expect((await snapshot(other)).places.map((p) => p.title)).not.toEqual(here.places.map((p) => p.title))
      await other.close()
    } finally {
      await elsewhere.close()
    }
  })

  it('builds the indexes (and SQLite triggers) it drops for the load again, and mends a load cut short', async () => {
    const before = await schema()
    const sqlite = t().app.database.sqlite
    const settings = () =>
      sqlite && {
        journal: sqlite.pragma('journal_mode', { simple: true }),
        synchronous: sqlite.pragma('synchronous', { simple: true }),
        foreignKeys: sqlite.pragma('foreign_keys', { simple: true }),
      }
    const settingsBefore = settings()
    await bulkSeed(t().app.database, { places: 50, nights: 200, seed: 11, fees, batchPlaces: 16 })
    expect(await schema()).toEqual(before)
    // SQLite's settings for the load (no journal, no sync, no foreign key checks) are put back.
    expect(settings()).toEqual(settingsBefore)
    if (sqlite) expect(settingsBefore).toMatchObject({ foreignKeys: 1 })
    // A load that stopped after dropping them: the next one builds them first.
    await dropSecondaryIndexes(t().app.database, ['places', 'place_nights'])
    expect((await schema()).length).toBeLessThan(before.length)
    await bulkSeed(t().app.database, { places: 10, nights: 20, seed: 12, fees })
    expect(await schema()).toEqual(before)
  }, 60_000)

  it('loads any text as it was given, and changes nothing when a row cannot be stored', async () => {
    const database = t().app.database
    const days = { firstDay: 0, dates: [] }
    const rows = (entries: [string, string][]) => {
      const buffer = new RowBuffer('app_meta', ['key', 'value'])
      for (const [key, value] of entries) buffer.push(key, value)
      // MariaDB's rows as tab-separated bytes (LOAD DATA LOCAL), SQLite's as JSON.
      return buffer.take(database.dialect === 'mysql' ? days : undefined)
    }
    const texts: [string, string][] = [
      ['bulk-text:1', 'tab\there, line\nend, carriage\rreturn, back\\slash \\N and \\t'],
      ['bulk-text:2', 'Zürich, 東京, 🏖️, NUL \u0000 byte'],
      ['bulk-text:3', '\\N'],
      ['bulk-text:4', ''],
    ]
    const writer = bulkWriter(database, days)
    await writer.write([rows(texts)])
    const stored = await database.write
      .selectFrom('app_meta')
      .select(['key', 'value'])
      .where('key', 'like', 'bulk-text:%')
      .orderBy('key')
      .execute()
    expect(stored.map((row) => [row.key, row.value])).toEqual(texts)

    // A key already there: the whole batch is refused (a local load would skip the row silently).
    await expect(
      writer.write([
        rows([
          ['bulk-text:5', 'new'],
          ['bulk-text:1', 'again'],
        ]),
      ]),
    ).rejects.toThrow(database.dialect === 'mysql' ? /app_meta: 1 of 2 rows loaded/ : /UNIQUE/)
    const after = await database.write
      .selectFrom('app_meta')
      .select('key')
      .where('key', 'like', 'bulk-text:%')
      .execute()
    expect(after).toHaveLength(texts.length)
  })

  it('checks its options', () => {
    expect(() => checkBulkOptions({ places: 0, nights: 0, seed: 1 })).toThrow(/--places/)
    expect(() => checkBulkOptions({ places: 10, nights: 3001, seed: 1 })).toThrow(/--bookings/)
    expect(() => checkBulkOptions({ places: 10, nights: 5, seed: -1 })).toThrow(/--seed/)
    expect(() => checkBulkOptions({ places: 10, nights: 3000, seed: 1 })).not.toThrow()
  })
})

describeOnDriver('mysql', 'bulk load files', () => {
  it('lets MariaDB read the bytes a bulk load offers, and no file of this machine', async () => {
    const fresh = await freshDatabase('mysql')
    const database = createDatabase(fresh.url)
    try {
      await database.write.connection().execute(async (db) => {
        await sql`create temporary table offered (line varchar(100))`.execute(db)
        await expect(
          sql`load data local infile '/etc/hostname' into table offered (line)`.execute(db),
        ).rejects.toThrow(/did not offer/)
        const file = offerLocalFile(new TextEncoder().encode('one\ntwo\n'))
        try {
          await sql`load data local infile ${sql.lit(file.name)} into table offered (line)`.execute(db)
        } finally {
          file.release()
        }
        expect(
          (await sql<{ line: string }>`select line from offered order by line`.execute(db)).rows,
        ).toEqual([{ line: 'one' }, { line: 'two' }])
        await sql`drop temporary table offered`.execute(db)
      })
    } finally {
      await database.close()
      await fresh.drop()
    }
  })
})

it('draws a progress bar: redrawn with \\r on a terminal, plain lines elsewhere', () => {
  let clock = 0
  const tty: string[] = []
  const bar = createProgress(
    'seeding',
    1000,
    'places',
    { isTTY: true, write: (s) => tty.push(s) },
    () => clock,
  )
  for (let i = 0; i < 10; i++) {
    clock += 1000
    bar.tick(100)
  }
  bar.done()
  expect(tty.every((line) => line.startsWith('\r'))).toBe(true)
  expect(tty[0]).toContain('10.0% 100/1,000 places, 100/s, ETA 0:09')
  expect(tty.at(-1)?.endsWith('100% 1,000/1,000 places, 100/s, took 0:10\x1b[K\n')).toBe(true)

  clock = 0
  const plain: string[] = []
  const log = createProgress(
    'seeding',
    100,
    'places',
    { isTTY: false, write: (s) => plain.push(s) },
    () => clock,
  )
  for (let i = 0; i < 100; i++) {
    clock += 10
    log.tick(1)
  }
  log.done()
  expect(plain).toHaveLength(10)
  expect(plain.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true)
})
