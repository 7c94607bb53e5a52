// Each place's amenities as one integer on its row (`places.amenity_mask`), so search reads them from
// its index instead of looking up place_amenities for every matching place. Every amenity gets a bit
// once (`amenity_bits`), never changed nor reused; the mask is the sum of 2^bit over the place's
// amenities, or NULL when not known (then search reads place_amenities for that place). Whoever
// writes place_amenities calls `refreshAmenityMask` in the same transaction, or leaves the mask NULL.
import { type Kysely, sql } from 'kysely'
import { isUniqueViolation } from '../../db/database.js'
import type { DB } from '../../db/schema.js'

/** Bits 0 to 52: every mask is an exact integer in JavaScript. */
export const MASK_BITS = 53

/** The mask of the row of `places` in the enclosing statement; NULL when one of its amenities has no bit below MASK_BITS. */
const maskOfPlace = sql<
  number | null
>`(select case when count(*) = count(ab.bit) and coalesce(max(ab.bit), 0) < ${sql.lit(MASK_BITS)}
  then coalesce(sum(1 << ab.bit), 0) end
  from place_amenities pa left join amenity_bits ab on ab.amenity_id = pa.amenity_id
  where pa.place_id = places.id)`

/**
 * Gives a bit to each of these amenities that exists and has none yet. Runs on its own (not in the
 * caller's transaction): two writers choosing the same bit collide on the unique key and try again;
 * if they keep colliding, the amenity stays without a bit, which only means NULL masks (slower, exact).
 */
export async function assignAmenityBits(db: Kysely<DB>, amenityIds: readonly string[]): Promise<void> {
  const ids = [...new Set(amenityIds)]
  if (ids.length === 0) return
  for (let attempt = 0; attempt < 3; attempt++) {
    const missing = await db
      .selectFrom('amenities')
      .leftJoin('amenity_bits', 'amenity_bits.amenity_id', 'amenities.id')
      .select('amenities.id')
      .where('amenities.id', 'in', ids)
      .where('amenity_bits.amenity_id', 'is', null)
      .orderBy('amenities.id')
      .execute()
    if (missing.length === 0) return
    try {
      await db.transaction().execute(async (trx) => {
        const top = await trx
          .selectFrom('amenity_bits')
          .select((eb) => eb.fn.max('bit').as('bit'))
          .executeTakeFirst()
        const first = top?.bit === null || top?.bit === undefined ? 0 : Number(top.bit) + 1
        await trx
          .insertInto('amenity_bits')
          .values(missing.map((row, i) => ({ amenity_id: row.id, bit: first + i })))
          .execute()
      })
      return
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
    }
  }
}

/** Sets the place's mask from its amenities; call it in the transaction that changed them, after the change. */
export async function refreshAmenityMask(db: Kysely<DB>, placeId: string): Promise<void> {
  await sql`update places set amenity_mask = ${maskOfPlace} where id = ${placeId}`.execute(db)
}

/** Marks the place's mask as not known and locks its row until the transaction ends (writers of one place's amenities queue). */
export async function clearAmenityMask(db: Kysely<DB>, placeId: string): Promise<void> {
  await sql`update places set amenity_mask = null where id = ${placeId}`.execute(db)
}

/** Every amenity's bit, by amenity id. */
export async function amenityBits(db: Kysely<DB>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('amenity_bits').select(['amenity_id', 'bit']).execute()
  return new Map(rows.map((row) => [row.amenity_id, Number(row.bit)]))
}

/** The mask of a set of amenity bits (each below MASK_BITS). */
export function maskOf(bits: Iterable<number>): number {
  let mask = 0
  for (const bit of new Set(bits)) mask += 2 ** bit
  return mask
}

/** The bits set in a mask, lowest first. */
export function bitsOf(mask: number): number[] {
  const bits: number[] = []
  let low = (mask % 2 ** 32) >>> 0
  let high = Math.floor(mask / 2 ** 32)
  for (let base = 0; low !== 0 || high !== 0; base += 32) {
    while (low !== 0) {
      const lowest = low & -low
      bits.push(base + 31 - Math.clz32(lowest))
      low = (low ^ lowest) >>> 0
    }
    low = high >>> 0
    high = 0
  }
  return bits
}
