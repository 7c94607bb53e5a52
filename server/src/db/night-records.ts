// Each place's taken nights over the bookable horizon as one small record on its row
// (`places.taken_from_day`, `places.taken_nights`, left out of PlacesTable like `amenity_mask`: 512
// nights from day `taken_from_day` (days since 1970-01-01), one bit each, set when a row of
// place_nights without an expiry takes the night), so that search checks "free every night of the
// stay" on the candidate's own index entry instead of seeking place_nights for every candidate.
// place_nights stays the source of truth and the double-booking guard. Whoever writes place_nights
// does it inside `rewritingNightRecord`, in the same transaction. Checkout holds (rows with an expiry) are never in the record:
// search asks place_nights for them. A record is right for its own 512 nights whatever its age;
// stays outside them, and places whose record is NULL, are checked on place_nights.
import { CompiledQuery, type Kysely, MysqlAdapter, type RawBuilder, sql } from 'kysely'
import { dateOfDay, dayNumber, utcDayNumber } from '../dates.js'
import type { DB } from './schema.js'

export const RECORD_NIGHTS = 512
const RECORD_BYTES = RECORD_NIGHTS / 8
/** Records start on a multiple of this many days, so few distinct starts exist at once. */
const START_STEP = 64

/**
 * The first day of a record written at `instant`: at least two days before UTC's date (a local
 * date can be a day behind it) and at most 66 days before, so the record reaches 446 nights ahead.
 */
export function recordFirstDay(instant: number): number {
  const twoDaysBack = utcDayNumber(instant) - 2
  return Math.floor(twoDaysBack / START_STEP) * START_STEP
}

/** The record of these nights (those outside its 512 nights from `firstDay` are left out). */
export function encodeNights(firstDay: number, nights: Iterable<string>): Buffer {
  return encodeDays(firstDay, Array.from(nights, dayNumber))
}

/** The record of the nights of these day numbers (days since 1970-01-01), as `encodeNights`. */
export function encodeDays(firstDay: number, days: Iterable<number>): Buffer {
  const bits = Buffer.alloc(RECORD_BYTES)
  for (const day of days) {
    const i = day - firstDay
    if (i >= 0 && i < RECORD_NIGHTS) bits[i >> 3]! |= 1 << (i & 7)
  }
  return bits
}

/**
 * For the row of `places` in the enclosing statement and a stay of `nights` nights from day
 * `checkInDay`: NULL when its record is not known or does not cover the stay; '' when the record's
 * bytes that hold the stay's nights are all zero (free, the usual answer, which costs no allocation
 * in Node); otherwise those bytes in hex, from the one that holds check-in, for `hexShowsTaken`.
 * The same SQL on SQLite and MariaDB.
 */
export function stayInRecord(checkInDay: number, nights: number): RawBuilder<string | null> {
  const offset = sql`(${checkInDay} - places.taken_from_day)`
  const bytes = sql`substr(places.taken_nights, (${offset} >> 3) + 1,
    ((${offset} + ${nights - 1}) >> 3) - (${offset} >> 3) + 1)`
  return sql<string | null>`case
    when places.taken_nights is null or ${offset} < 0 or ${offset} > ${RECORD_NIGHTS - nights} then null
    when replace(hex(${bytes}), '0', '') = '' then ''
    else hex(${bytes}) end`
}

/**
 * For the row of `places` in the enclosing statement and a stay of `nights` nights from day
 * `checkInDay`: 1 when its record shows every night of the stay free, 0 when one is taken, NULL when
 * the record is not known or does not cover the stay. Records start on a multiple of 8 days, so the
 * stay's nights are the same bits of its bytes in every record: each byte is tested against its
 * mask by looking it up among the byte values that leave the mask's bits clear. The same SQL on
 * SQLite and MariaDB.
 */
export function stayFreeInRecord(checkInDay: number, nights: number): RawBuilder<number | null> {
  const offset = sql`(${checkInDay} - places.taken_from_day)`
  const firstByte = sql`((${offset} >> 3) + 1)`
  const firstBit = checkInDay & 7
  const bytes = ((firstBit + nights - 1) >> 3) + 1
  const clear = Array.from({ length: bytes }, (_, j) => {
    const allowed = bytesClearOf(stayMask(firstBit, nights, j))
    return sql`instr(${allowed}, substr(places.taken_nights, ${firstByte} + ${j}, 1)) > 0`
  })
  return sql<number | null>`case
    when not ${recordDecides(checkInDay, nights)} then null
    when substr(places.taken_nights, ${firstByte}, ${bytes}) = ${Buffer.alloc(bytes)} then 1
    when ${sql.join(clear, sql` and `)} then 1
    else 0 end`
}

const clearBytes = new Map<number, Buffer>()

/** The byte values that leave every bit of `mask` clear. */
function bytesClearOf(mask: number): Buffer {
  let bytes = clearBytes.get(mask)
  if (!bytes) {
    bytes = Buffer.from(Array.from({ length: 256 }, (_, v) => v).filter((v) => (v & mask) === 0))
    clearBytes.set(mask, bytes)
  }
  return bytes
}

/** Whether the record of the row of `places` decides `stayFreeInRecord`: it is known, and covers the stay. */
export function recordDecides(checkInDay: number, nights: number): RawBuilder<boolean> {
  const offset = sql`(${checkInDay} - places.taken_from_day)`
  return sql<boolean>`(places.taken_nights is not null and places.taken_from_day is not null
    and (places.taken_from_day & 7) = 0
    and ${offset} >= 0 and ${offset} <= ${RECORD_NIGHTS - nights})`
}

/** The bits of byte `j` of a stay's bytes that hold its nights, its first night at bit `firstBit` of byte 0. */
function stayMask(firstBit: number, nights: number, j: number): number {
  let mask = 0
  for (let bit = Math.max(firstBit, 8 * j); bit < Math.min(firstBit + nights, 8 * j + 8); bit++)
    mask |= 1 << (bit - 8 * j)
  return mask
}

/** Whether the bytes of `stayInRecord` show a night of the stay taken (`offset`: check-in's day in the record). */
export function hexShowsTaken(hex: string, offset: number, nights: number): boolean {
  const first = offset & 7
  for (let i = first; i < first + nights; i++) {
    const byte = Number.parseInt(hex.slice((i >> 3) * 2, (i >> 3) * 2 + 2), 16)
    if (byte & (1 << (i & 7))) return true
  }
  return false
}

const isMysql = (db: Kysely<DB>) => db.getExecutor().adapter instanceof MysqlAdapter

/**
 * Runs `write`, which changes the nights of place `placeId`, in the caller's transaction `trx`,
 * between marking the place's record as not known (which locks its row until the transaction ends,
 * so the writers of one place's nights queue on MariaDB) and writing the record again from
 * place_nights. What `write` returns is returned; if it throws, the transaction rolls both back.
 */
export async function rewritingNightRecord<T>(
  trx: Kysely<DB>,
  placeId: string,
  write: () => Promise<T>,
): Promise<T> {
  await sql`update places set taken_nights = null where id = ${placeId}`.execute(trx)
  const result = await write()
  await refreshNightRecord(trx, placeId)
  return result
}

/**
 * Writes the places' records from place_nights, in the transaction that changed their nights, after
 * the change (a new place, a deleted one, a seed); other writers use `rewritingNightRecord`.
 */
export async function refreshNightRecord(
  db: Kysely<DB>,
  placeIds: string | string[],
  instant = Date.now(),
): Promise<void> {
  const firstDay = recordFirstDay(instant)
  const [from, to] = [dateOfDay(firstDay), dateOfDay(firstDay + RECORD_NIGHTS)]
  for (const id of new Set(typeof placeIds === 'string' ? [placeIds] : placeIds)) {
    // MariaDB: the latest committed nights, not the transaction's snapshot, read on the table's key
    // (another index, say on expires_at, would lock other places' nights). Every writer holds the
    // place's row, so this does not wait on them.
    const nights = isMysql(db)
      ? sql<{ night: string }>`select night from place_nights force index (primary)
          where place_id = ${id} and night >= ${from} and night < ${to} and expires_at is null
          lock in share mode`
      : sql<{ night: string }>`select night from place_nights
          where place_id = ${id} and night >= ${from} and night < ${to} and expires_at is null`
    const bits = encodeNights(
      firstDay,
      (await nights.execute(db)).rows.map((row) => row.night),
    )
    await sql`update places set taken_from_day = ${firstDay}, taken_nights = ${bits} where id = ${id}`.execute(
      db,
    )
  }
}

const UPDATE_RECORD = 'update places set taken_nights = ? where id = ?'

/** MariaDB: records written by one statement of `rebuildNightRecords`. */
const RECORDS_PER_UPDATE = 500

/** How many places a step of `rebuildNightRecords` reads the nights of. */
const REBUILD_STEP = 2000

/**
 * Writes every place's record from place_nights (migration 0020's backfill; a bulk seed writes
 * each record with its row instead), in steps of REBUILD_STEP places by id. For databases no one
 * writes to meanwhile.
 */
export async function rebuildNightRecords(db: Kysely<DB>, instant = Date.now()): Promise<number> {
  const firstDay = recordFirstDay(instant)
  const [from, to] = [dateOfDay(firstDay), dateOfDay(firstDay + RECORD_NIGHTS)]
  const empty = encodeNights(firstDay, [])
  const mysql = isMysql(db)
  if (!mysql) await sql`update places set taken_from_day = ${firstDay}, taken_nights = ${empty}`.execute(db)
  let written = 0
  const steps = inIdSteps((after) =>
    db.selectFrom('places').select('id').where('id', '>', after).orderBy('id').limit(REBUILD_STEP).execute(),
  )
  for await (const { rows: ids, after } of steps) {
    const last = ids[ids.length - 1]!.id
    const rows = await db
      .selectFrom('place_nights')
      .select(['place_id', 'night'])
      .where('place_id', '>', after)
      .where('place_id', '<=', last)
      .where('expires_at', 'is', null)
      .where('night', '>=', from)
      .where('night', '<', to)
      .execute()
    const byPlace = new Map<string, string[]>()
    for (const row of rows) {
      const nights = byPlace.get(row.place_id)
      if (nights) nights.push(row.night)
      else byPlace.set(row.place_id, [row.night])
    }
    const write = async (trx: Kysely<DB>) => {
      if (mysql) {
        // Every place of the step, RECORDS_PER_UPDATE a statement, those without nights given the
        // empty record: a round trip per place took 27 s for 100,000 places, and a first update of
        // the whole table more time again.
        for (let i = 0; i < ids.length; i += RECORDS_PER_UPDATE) {
          const some = ids.slice(i, i + RECORDS_PER_UPDATE).map((row) => row.id)
          const whens = some.flatMap((id) => {
            const nights = byPlace.get(id)
            return nights ? [sql`when ${id} then ${encodeNights(firstDay, nights)}`] : []
          })
          const record = whens.length
            ? sql`case id ${sql.join(whens, sql` `)} else ${empty} end`
            : sql`${empty}`
          await sql`update places set taken_from_day = ${firstDay}, taken_nights = ${record}
            where id in (${sql.join(some)})`.execute(trx)
        }
        return
      }
      // One SQL text for every place (no query building per row; SQLite's driver reuses its statement).
      for (const [id, nights] of byPlace)
        await trx.executeQuery(CompiledQuery.raw(UPDATE_RECORD, [encodeNights(firstDay, nights), id]))
    }
    await (db.isTransaction ? write(db) : db.transaction().execute(write))
    written += byPlace.size
  }
  return written
}

/**
 * The rows `read(after)` gives, step by step: `after` is '' first, then the id of the last row of
 * the step before (a keyset walk of `places` by id); ends at the first empty step.
 */
async function* inIdSteps<Row extends { id: string }>(
  read: (after: string) => Promise<Row[]>,
): AsyncGenerator<{ rows: Row[]; after: string }> {
  for (let after = ''; ; ) {
    const rows = await read(after)
    if (rows.length === 0) return
    yield { rows, after }
    after = rows[rows.length - 1]!.id
  }
}

/** Places read per step of `refreshAgingRecords`, and written per transaction. */
const AGING_STEP = 2000
const AGING_WRITES = 100

/**
 * Writes again every record that is not known or starts more than one step (64 days) before the
 * first day of a record written now: a record stays right, but covers fewer of the coming nights as
 * it ages (after about 446 days, none), and a search then checks its place on place_nights in Node.
 * Walks the places by id, AGING_STEP at a time, and rewrites them AGING_WRITES per transaction
 * (locking their rows as every writer of their nights does). How many it wrote.
 */
export async function refreshAgingRecords(db: Kysely<DB>, instant = Date.now()): Promise<number> {
  const oldest = recordFirstDay(instant) - START_STEP
  let written = 0
  const steps = inIdSteps((after) =>
    db
      .selectFrom('places')
      .select('id')
      .select(
        sql<number>`case when taken_nights is null or taken_from_day is null or taken_from_day < ${oldest}
          then 1 else 0 end`.as('aging'),
      )
      .where('id', '>', after)
      .orderBy('id')
      .limit(AGING_STEP)
      .execute(),
  )
  for await (const { rows } of steps) {
    const aging = rows.filter((row) => Number(row.aging) === 1).map((row) => row.id)
    for (let i = 0; i < aging.length; i += AGING_WRITES) {
      const ids = aging.slice(i, i + AGING_WRITES)
      await db.transaction().execute(async (trx) => {
        await sql`update places set taken_nights = null where id in (${sql.join(ids)})`.execute(trx)
        await refreshNightRecord(trx, ids, instant)
      })
    }
    written += aging.length
  }
  return written
}
