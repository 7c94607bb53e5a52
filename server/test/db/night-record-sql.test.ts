// The SQL that decides a stay from a place's record of taken nights (db/night-records.ts), against
// a model of the record, on both databases: every stay length up to 20 nights and some longer, at
// every bit of a byte, near the record's ends, in records that start early or late.
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { dateOfDay } from '../../src/dates.js'
import { encodeNights, RECORD_NIGHTS, recordDecides, stayFreeInRecord } from '../../src/db/night-records.js'
import { describeEachDriver } from '../helpers/test-app.js'

function mulberry32(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describeEachDriver('night records in SQL', (t) => {
  const db = () => t().app.database.read
  const firstDay = 20_800 // a multiple of 64, as records start

  /** The model: null when the record does not cover the stay, 1 when every night is free, else 0. */
  function expected(taken: Set<number>, start: number | null, checkInDay: number, nights: number) {
    if (start === null || start % 8 !== 0) return null
    const offset = checkInDay - start
    if (offset < 0 || offset + nights > RECORD_NIGHTS) return null
    for (let day = checkInDay; day < checkInDay + nights; day++) if (taken.has(day)) return 0
    return 1
  }

  async function decide(record: Buffer | null, start: number | null, checkInDay: number, nights: number) {
    const places = sql`(select ${start} as taken_from_day, ${record} as taken_nights)`
    const { rows } = await sql<{ free: number | null; decides: number }>`select
        ${stayFreeInRecord(checkInDay, nights)} as free,
        case when ${recordDecides(checkInDay, nights)} then 1 else 0 end as decides
      from ${places} as places`.execute(db())
    return { free: rows[0]!.free === null ? null : Number(rows[0]!.free), decides: Number(rows[0]!.decides) }
  }

  it('answers free, taken or not decided exactly as the model, for every stay it is asked', async () => {
    const random = mulberry32(20261206)
    let checked = 0
    const answers = new Map<string, number>()
    for (let round = 0; round < 12; round++) {
      // A record with runs of taken nights, some single nights, and some bytes left clear.
      const taken = new Set<number>()
      for (let i = 0; i < 40; i++) {
        const from = firstDay + Math.floor(random() * RECORD_NIGHTS)
        const length = 1 + Math.floor(random() * (random() < 0.5 ? 2 : 9))
        for (let day = from; day < from + length; day++) taken.add(day)
      }
      const record = encodeNights(
        firstDay,
        [...taken].map((day) => dateOfDay(day)),
      )
      const start = round === 11 ? firstDay + 4 : round === 10 ? null : firstDay
      for (let i = 0; i < 60; i++) {
        const nights = random() < 0.9 ? 1 + Math.floor(random() * 20) : 21 + Math.floor(random() * 500)
        const checkInDay = firstDay - 3 + Math.floor(random() * (RECORD_NIGHTS + 6))
        const want = expected(taken, start, checkInDay, nights)
        const got = await decide(start === null ? null : record, start, checkInDay, nights)
        const where = `round ${round}, check-in day ${checkInDay - firstDay} of the record, ${nights} nights`
        expect(got.free, where).toBe(want)
        expect(got.decides, where).toBe(want === null ? 0 : 1)
        answers.set(String(want), (answers.get(String(want)) ?? 0) + 1)
        checked++
      }
    }
    expect(checked).toBe(720)
    // The three answers, each many times.
    for (const answer of ['0', '1', 'null']) expect(answers.get(answer) ?? 0, answer).toBeGreaterThan(40)
  })
})
