// Each place's record of taken nights (db/night-records.ts) checked against place_nights, its source.
import { sql } from 'kysely'
import { expect } from 'vitest'
import { encodeNights } from '../../src/db/night-records.js'
import type { TestApp } from './test-app.js'

/**
 * Expects every place's record that is known (not NULL) to hold exactly the nights place_nights
 * says are taken (checkout holds aside); `where` names the moment in failure messages.
 */
export async function expectRecordsAgree(
  t: TestApp,
  where: string,
): Promise<{ places: number; known: number; withNights: number }> {
  const db = t.app.database.write
  const { rows } = await sql<{ id: string; taken_from_day: number | null; taken_nights: Uint8Array | null }>`
    select id, taken_from_day, taken_nights from places`.execute(db)
  const nights = new Map<string, string[]>()
  for (const row of await db
    .selectFrom('place_nights')
    .select(['place_id', 'night'])
    .where('expires_at', 'is', null)
    .execute()) {
    nights.set(row.place_id, [...(nights.get(row.place_id) ?? []), row.night])
  }
  let known = 0
  let withNights = 0
  for (const row of rows) {
    if (row.taken_nights === null) continue
    known++
    const expected = encodeNights(Number(row.taken_from_day), nights.get(row.id) ?? [])
    expect(Buffer.from(row.taken_nights).equals(expected), `${where}: record of ${row.id}`).toBe(true)
    if (expected.some((byte) => byte !== 0)) withNights++
  }
  return { places: rows.length, known, withNights }
}
