// Compiled reads (db/prepared.ts) on SQLite run on the connection directly, outside Kysely's queue,
// except while a transaction holds it: then they wait for it and never see its uncommitted rows.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrateUp } from '../../src/db/migrate.js'
import { prepare } from '../../src/db/prepared.js'
import { createSqliteDatabase } from '../../src/db/sqlite.js'

const dir = mkdtempSync(join(tmpdir(), 'hbnb-prepared-'))
const database = createSqliteDatabase(join(dir, 'hbnb.sqlite'))
afterAll(async () => {
  await database.close()
  rmSync(dir, { recursive: true, force: true })
})

const amenity = (id: string, name: string) => ({
  id,
  name,
  name_key: name.toLowerCase(),
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
})

describe('prepared reads on SQLite', () => {
  it('read at once, and wait for an open transaction instead of reading its uncommitted rows', async () => {
    await migrateUp(database)
    const read = database.read
    const byName = prepare(read, 1, (name: string) =>
      read.selectFrom('amenities').select(['id', 'name']).where('name', '=', name),
    )
    await database.write.insertInto('amenities').values(amenity('a-1', 'Sauna')).execute()
    expect(await byName.all('Sauna')).toEqual([{ id: 'a-1', name: 'Sauna' }])

    let readDuringTransaction: Promise<unknown[]> | undefined
    await database.write.transaction().execute(async (trx) => {
      await trx.insertInto('amenities').values(amenity('a-2', 'Hammam')).execute()
      readDuringTransaction = byName.all('Hammam')
      // Give the read every chance to run before the transaction ends.
      await new Promise((resolve) => setTimeout(resolve, 20))
      await trx.deleteFrom('amenities').where('id', '=', 'a-2').execute()
      await trx.insertInto('amenities').values(amenity('a-3', 'Hammam')).execute()
    })
    // The read ran after the commit: it sees the committed row, not the one the transaction removed.
    expect(await readDuringTransaction).toEqual([{ id: 'a-3', name: 'Hammam' }])
  })
})
