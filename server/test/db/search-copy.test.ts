import { join } from 'node:path'
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { addDays, localDate } from '../../src/dates.js'
import { uuidv7 } from '../../src/ids.js'
import { SearchCopyFeeder } from '../../src/modules/search/copy-feeder.js'
import { capturedLogger } from '../helpers/captured-logger.js'
import { countsBy } from '../helpers/metrics.js'
import { describeWithReplicas, startReplicatedApp } from '../helpers/replication.js'
import { appWithCopy, type FedCopy, feedCopy } from '../helpers/search-copy.js'
import { describeOnDriver, startTestApp, type TestApp } from '../helpers/test-app.js'

/** The tables the copy keeps, with their keys (for a stable order). */
const COPIED: Record<string, string> = {
  places: 'id',
  place_amenities: 'place_id, amenity_id',
  night_prices: 'place_id, night',
  photos: 'id',
  place_nights: 'place_id, night',
  amenities: 'id',
  amenity_bits: 'amenity_id',
}
const ONLY: Record<string, string> = {
  photos: `status = 'ready'`,
  place_nights: 'expires_at is not null',
  place_amenities:
    'exists (select 1 from places p where p.id = place_amenities.place_id and p.amenity_mask is null)',
}

const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)

function plain(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, Buffer.isBuffer(value) ? value.toString('hex') : value]),
  )
}

/** Every row the copy keeps is MariaDB's, column for column, and no other. */
async function expectCopyEqual(t: TestApp, copy: FedCopy) {
  await copy.caughtUp()
  for (const [table, key] of Object.entries(COPIED)) {
    const columns = copy
      .rows(`select name from pragma_table_info('${table}')`)
      .map((c) => String(c.name))
      .filter((name) => name !== 'row_version')
    const where = ONLY[table] ? ` where ${ONLY[table]}` : ''
    const select = `select ${columns.join(', ')} from ${table}${where} order by ${key}`
    const { rows } = await sql.raw<Record<string, unknown>>(select).execute(t.app.database.write)
    expect(copy.rows(select).map(plain), table).toEqual(rows.map(plain))
  }
}

const copyOutcomes = (t: TestApp) => countsBy(t, 'hbnb_search_copy_total', 'outcome')

/** The search's outcome (hbnb_search_copy_total's label that grew) and its answer. */
async function searchOnce(t: TestApp, url: string, token?: string) {
  const before = await copyOutcomes(t)
  const response = await t.get(url, { token })
  expect(response.status, response.text).toBe(200)
  const after = await copyOutcomes(t)
  const outcome = Object.keys(after).find((k) => after[k]! > (before[k] ?? 0))
  return { outcome, body: response.body as { results: { id: string; title: string; price: number }[] } }
}

describeOnDriver('mysql', 'search copy', () => {
  const suite = appWithCopy((env) => startTestApp('mysql', env), 300)
  let t: TestApp
  let copy: FedCopy
  let path: string
  beforeAll(() => {
    ;({ t, copy, path } = suite)
  })

  it('follows every kind of change a search reads: listings, amenities, prices, covers, holds, deletions', async () => {
    const host = await t.user()
    const guest = await t.user()
    const admin = await t.adminToken()
    const db = t.app.database.write
    const places = [
      await t.place(host.token, { title: 'Copy one', latitude: 41.1, longitude: 2.1 }),
      await t.place(host.token, { title: 'Copy two', latitude: 41.2, longitude: 2.2 }),
    ]
    await expectCopyEqual(t, copy)

    const amenity = await t.post('/api/v1/amenities/', { name: `Copy sauna ${uuidv7()}` }, { token: admin })
    expect(amenity.status, amenity.text).toBe(201)
    const linked = await t.post(`/api/v1/places/${places[0]!.id}/amenities/${amenity.body.id}`, undefined, {
      token: host.token,
    })
    expect(linked.status, linked.text).toBeLessThan(300)
    // The copy keeps place_amenities only for places whose amenity mask is not known.
    const linkedToo = await t.post(
      `/api/v1/places/${places[1]!.id}/amenities/${amenity.body.id}`,
      undefined,
      {
        token: host.token,
      },
    )
    expect(linkedToo.status, linkedToo.text).toBeLessThan(300)
    await sql`update places set amenity_mask = null where id = ${places[1]!.id}`.execute(db)
    await copy.caughtUp()
    const amenityRows = copy.rows(
      'select place_id from place_amenities where amenity_id = ?',
      amenity.body.id,
    )
    expect(amenityRows.map((row) => row.place_id)).toEqual([places[1]!.id])
    const priced = await t.put(
      `/api/v1/places/${places[0]!.id}/calendar/prices`,
      { from: day(3), to: day(6), price: 155 },
      { token: host.token },
    )
    expect(priced.status, priced.text).toBe(200)
    const updated = await t.put(`/api/v1/places/${places[1]!.id}`, { price: 321 }, { token: host.token })
    expect(updated.status, updated.text).toBe(200)
    const held = await t.post(
      `/api/v1/places/${places[1]!.id}/holds`,
      { check_in: day(10), check_out: day(12), guests: 1 },
      { token: guest.token },
    )
    expect(held.status, held.text).toBeLessThan(300)
    const booked = await t.post(
      '/api/v1/bookings',
      { place_id: places[0]!.id, check_in: day(20), check_out: day(23), guests: 1 },
      { token: guest.token },
    )
    expect(booked.status, booked.text).toBe(201)
    const now = new Date().toISOString()
    await db
      .insertInto('photos')
      .values({
        id: uuidv7(),
        owner_id: host.id,
        place_id: places[1]!.id,
        status: 'ready',
        position: 0,
        alt_text: 'A room',
        created_at: now,
        updated_at: now,
      } as never)
      .execute()
    await expectCopyEqual(t, copy)

    const renamed = await t.put(
      `/api/v1/amenities/${amenity.body.id}`,
      { name: `Renamed ${uuidv7()}` },
      { token: admin },
    )
    expect(renamed.status, renamed.text).toBe(200)
    const unbooked = await t.place(host.token, { title: 'Copy three', latitude: 41.3, longitude: 2.3 })
    await copy.caughtUp()
    expect(copy.rows('select id from places where id = ?', unbooked.id)).toHaveLength(1)
    const deleted = await t.delete(`/api/v1/places/${unbooked.id}`, { token: host.token })
    expect(deleted.status, deleted.text).toBe(200)
    await expectCopyEqual(t, copy)

    // A deleted user's places go by MariaDB's cascade, which fires no trigger.
    await sql`delete from users where id = ${host.id}`.execute(db)
    await expectCopyEqual(t, copy)
    expect(copy.rows('select id from places where owner_id = ?', host.id)).toEqual([])
  })

  it('applies a change whose transaction commits after later ones', async () => {
    const host = await t.user()
    const early = await t.place(host.token, { title: 'Early', latitude: 42.1, longitude: 3.1 })
    const late = await t.place(host.token, { title: 'Late', latitude: 42.2, longitude: 3.2 })
    await copy.caughtUp()
    const title = (id: string) => copy.rows('select title from places where id = ?', id)[0]?.title
    await t.app.database.write.transaction().execute(async (trx) => {
      await sql`update places set title = 'Early, renamed' where id = ${early.id}`.execute(trx)
      // A later change commits and is applied while the first one's transaction is open.
      await sql`update places set title = 'Late, renamed' where id = ${late.id}`.execute(t.app.database.write)
      await copy.caughtUp()
      expect(title(late.id)).toBe('Late, renamed')
      expect(title(early.id)).toBe('Early')
    })
    await copy.caughtUp()
    expect(title(early.id)).toBe('Early, renamed')
    await expectCopyEqual(t, copy)
  })

  it('searches MariaDB while the copy lags or cannot decide, and the copy again once it has caught up', async () => {
    const host = await t.user()
    const place = await t.place(host.token, { title: 'Lagging', latitude: 43.15, longitude: 4.15, price: 90 })
    const url = '/api/v1/search?bbox=4.1,43.1,4.2,43.2'
    await copy.caughtUp()
    expect((await searchOnce(t, url)).outcome).toBe('answered')

    await copy.stop()
    await new Promise((resolve) => setTimeout(resolve, 600))
    const moved = await t.put(`/api/v1/places/${place.id}`, { price: 95 }, { token: host.token })
    expect(moved.status, moved.text).toBe(200)
    const lagging = await searchOnce(t, url)
    expect(lagging.outcome).toBe('lagging')
    expect(lagging.body.results.map((r) => r.price)).toEqual([95])

    // A new feeder loads a new file; the API process opens it in its place.
    copy = suite.copy = await feedCopy(t.app.database, path)
    await new Promise((resolve) => setTimeout(resolve, 600))
    const caughtUp = await searchOnce(t, url)
    expect(caughtUp.outcome).toBe('answered')
    expect(caughtUp.body.results.map((r) => r.price)).toEqual([95])

    // A place whose record of taken nights is not known: only MariaDB has its nights.
    await sql`update places set taken_nights = null where id = ${place.id}`.execute(t.app.database.write)
    await copy.caughtUp()
    const dated = await searchOnce(t, `${url}&check_in=${day(5)}&check_out=${day(7)}`)
    expect(dated.outcome).toBe('not_in_copy')
    expect(dated.body.results.map((r) => r.title)).toEqual(['Lagging'])
  })

  it('is fed by one process at a time, and loads everything again after a bulk load', async () => {
    const second = await feedSecond(path)
    expect(second.lines.join('\n')).toContain('search copy: another process feeds it')
    await t.app.database.write.insertInto('search_changes').values({ kind: 'all' }).execute()
    await waitFor(() =>
      copy.lines.some((line) => line.includes('loading again (a bulk load changed every place)')),
    )
    await copy.caughtUp()
    await expectCopyEqual(t, copy)
    // The first feeder stops: the second takes the file over (it tries every 5 s).
    await copy.stop()
    await waitFor(() => second.lines.some((line) => line.includes('search copy: loaded')), 20_000)
    copy = suite.copy = second
    await expectCopyEqual(t, copy)
  }, 30_000)

  it('says what to do, and leaves searches to MariaDB, when the copy cannot be written where it is set', async () => {
    // Under a file: no directory can be made there.
    const feeder = await feedSecond(join(path, 'copy.sqlite'))
    await waitFor(() =>
      feeder.lines.some((line) => line.includes('set HBNB_SEARCH_COPY to a writable local path')),
    )
    await feeder.stop()
  })

  /** A second feeder (of the same file, or another), started without waiting for a load it may not make. */
  async function feedSecond(file: string): Promise<FedCopy> {
    const captured = capturedLogger()
    const feeder = new SearchCopyFeeder({
      source: t.app.database,
      path: file,
      pollMs: 5,
      logger: captured.logger,
    })
    feeder.start()
    await waitFor(() => captured.lines.length > 0)
    return { ...copy, feeder, lines: captured.lines, stop: () => feeder.stop() }
  }
})

async function waitFor(check: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describeWithReplicas('search copy with read replicas: a client that wrote searches MariaDB', () => {
  // The copy answers however far behind it is: only the client's own write sends it to MariaDB.
  const suite = appWithCopy(startReplicatedApp, 600_000)
  let t: TestApp
  let copy: FedCopy
  beforeAll(() => {
    ;({ t, copy } = suite)
  })

  it("sees its own change at once; other clients get the copy's answer", async () => {
    const host = await t.user()
    const place = await t.place(host.token, {
      title: 'Replicated copy',
      latitude: 44.15,
      longitude: 5.15,
      price: 80,
    })
    await copy.caughtUp()
    await copy.stop()
    const url = '/api/v1/search?bbox=5.1,44.1,5.2,44.2'
    const changed = await t.put(`/api/v1/places/${place.id}`, { price: 85 }, { token: host.token })
    expect(changed.status, changed.text).toBe(200)

    const own = await searchOnce(t, url, host.token)
    expect(own.outcome).toBe('client_wrote')
    expect(own.body.results.map((r) => r.price)).toEqual([85])
    // Another client, from another address: the copy answers, without the change it has not had.
    const other = await t.app.http.inject({ method: 'GET', url, remoteAddress: '10.0.0.9' })
    expect(other.statusCode).toBe(200)
    expect(other.json().results.map((r: { price: number }) => r.price)).toEqual([80])
  })
})
