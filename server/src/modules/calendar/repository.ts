import type { ExpressionBuilder, Kysely, Transaction } from 'kysely'
import { addDays } from '../../dates.js'
import { type Database, isDeadlock } from '../../db/database.js'
import { rewritingNightRecord } from '../../db/night-records.js'
import type { DB, NightKind, OutboxRow, PlaceNightsTable } from '../../db/schema.js'

export interface OccupiedNight {
  night: string
  kind: NightKind
  booking_id: string | null
  /** For a hold: the hold's id (never shown to anyone but its holder). */
  source: string
  /** For a hold: when it ends. */
  expires_at: string | null
}

export type Executor = Kysely<DB> | Transaction<DB>

/**
 * Rows holding nights: for a booking, blocked by a source ('host' or an iCal feed's id), or held
 * for a checkout until `expires_at`.
 */
export function nightRows(
  placeId: string,
  nights: string[],
  holder: { booking_id: string } | { source: string } | { hold_id: string; expires_at: string },
  at: string,
): PlaceNightsTable[] {
  const fields =
    'booking_id' in holder
      ? { kind: 'booking' as const, booking_id: holder.booking_id, source: 'booking', expires_at: null }
      : 'hold_id' in holder
        ? { kind: 'hold' as const, booking_id: null, source: holder.hold_id, expires_at: holder.expires_at }
        : { kind: 'blocked' as const, booking_id: null, source: holder.source, expires_at: null }
  return nights.map((night) => ({ place_id: placeId, night, ...fields, created_at: at }))
}

/** A place-night row that takes its night at `now`: anything but a hold past its end. */
export function takesNight(eb: ExpressionBuilder<DB, 'place_nights'>, now: string) {
  return eb.or([eb('place_nights.expires_at', 'is', null), eb('place_nights.expires_at', '>', now)])
}

/**
 * Deletes the rows of holds that ended, in [from, to): to run in the transaction that writes
 * those nights, so an ended hold never stands in anyone's way even before the sweep removes it.
 * They are found by a plain read first and deleted by key, so a range with none (the usual case)
 * takes no lock on MariaDB (a range delete would lock the gaps, where concurrent inserts deadlock).
 */
export async function dropEndedHolds(
  executor: Executor,
  placeId: string,
  from: string,
  to: string,
  now: string,
): Promise<void> {
  const ended = await executor
    .selectFrom('place_nights')
    .select('night')
    .where('place_id', '=', placeId)
    .where('night', '>=', from)
    .where('night', '<', to)
    .where('kind', '=', 'hold')
    .where('expires_at', '<=', now)
    .execute()
  if (ended.length === 0) return
  await executor
    .deleteFrom('place_nights')
    .where('place_id', '=', placeId)
    .where(
      'night',
      'in',
      ended.map((row) => row.night),
    )
    .where('kind', '=', 'hold')
    .where('expires_at', '<=', now)
    .execute()
}

/** Tries of a statement that MariaDB chose as a deadlock's victim. */
const DEADLOCK_TRIES = 3

/** Place-night rows: the unique (place_id, night) key is the calendar's one source of truth. */
export class CalendarRepository {
  constructor(private readonly db: Database) {}

  /**
   * Occupied nights in [from, to) at `now` (holds past their end occupy nothing), read from the
   * primary: availability must be current.
   */
  occupied(
    placeId: string,
    from: string,
    to: string,
    now: string,
    executor: Executor = this.db.write,
  ): Promise<OccupiedNight[]> {
    return executor
      .selectFrom('place_nights')
      .select(['night', 'kind', 'booking_id', 'source', 'expires_at'])
      .where('place_id', '=', placeId)
      .where('night', '>=', from)
      .where('night', '<', to)
      .where((eb) => takesNight(eb, now))
      .orderBy('night')
      .execute()
  }

  prices(placeId: string, from: string, to: string): Promise<{ night: string; price_minor: number }[]> {
    return this.db.write
      .selectFrom('night_prices')
      .select(['night', 'price_minor'])
      .where('place_id', '=', placeId)
      .where('night', '>=', from)
      .where('night', '<', to)
      .execute()
  }

  /**
   * Blocks the given nights for `source`, inside one transaction. Nights already blocked by the
   * same source are left as they are; a night taken by anything else makes the insert fail on the
   * unique key, which the caller turns into a conflict.
   */
  async block(placeId: string, nights: string[], source: string, at: string): Promise<number> {
    if (nights.length === 0) return 0
    return this.db.write.transaction().execute((trx) =>
      rewritingNightRecord(trx, placeId, async () => {
        const end = addDays(nights[nights.length - 1]!, 1)
        await dropEndedHolds(trx, placeId, nights[0]!, end, at)
        const taken = await this.occupied(placeId, nights[0]!, end, at, trx)
        const mine = new Set(
          taken.filter((n) => n.kind === 'blocked' && n.source === source).map((n) => n.night),
        )
        const fresh = nights.filter((night) => !mine.has(night))
        if (fresh.length) {
          await trx
            .insertInto('place_nights')
            .values(nightRows(placeId, fresh, { source }, at))
            .execute()
        }
        return fresh.length
      }),
    )
  }

  /** Removes the blocks of `source` in [from, to); when there were some, writes `freed` with them. */
  async unblock(
    placeId: string,
    from: string,
    to: string,
    source: string,
    freed: OutboxRow,
  ): Promise<number> {
    return this.db.write.transaction().execute(async (trx) => {
      const result = await rewritingNightRecord(trx, placeId, () =>
        trx
          .deleteFrom('place_nights')
          .where('place_id', '=', placeId)
          .where('kind', '=', 'blocked')
          .where('source', '=', source)
          .where('night', '>=', from)
          .where('night', '<', to)
          .executeTakeFirst(),
      )
      const unblocked = Number(result.numDeletedRows)
      if (unblocked) await trx.insertInto('outbox').values(freed).execute()
      return unblocked
    })
  }

  /**
   * Replaces the blocks of one source (an iCal feed) by `nights`, skipping nights taken by others.
   * `changed`: the nights blocked or freed by the replacement, sorted.
   */
  async replaceBlocks(
    placeId: string,
    source: string,
    nights: string[],
    at: string,
  ): Promise<{ blocked: number; skipped: string[]; changed: string[] }> {
    return this.db.write.transaction().execute((trx) =>
      rewritingNightRecord(trx, placeId, async () => {
        const before = await trx
          .selectFrom('place_nights')
          .select('night')
          .where('place_id', '=', placeId)
          .where('source', '=', source)
          .execute()
        await trx
          .deleteFrom('place_nights')
          .where('place_id', '=', placeId)
          .where('source', '=', source)
          .execute()
        const previous = new Set(before.map((row) => row.night))
        const changedFrom = (after: string[]) => {
          const now = new Set(after)
          const changed = [...previous].filter((night) => !now.has(night))
          for (const night of now) if (!previous.has(night)) changed.push(night)
          return changed.sort()
        }
        if (nights.length === 0) return { blocked: 0, skipped: [], changed: changedFrom([]) }
        const sorted = [...nights].sort()
        await dropEndedHolds(trx, placeId, sorted[0]!, addDays(sorted[sorted.length - 1]!, 1), at)
        const takenRows = await trx
          .selectFrom('place_nights')
          .select('night')
          .where('place_id', '=', placeId)
          .where('night', 'in', nights)
          .execute()
        const taken = new Set(takenRows.map((r) => r.night))
        const free = nights.filter((night) => !taken.has(night))
        for (let i = 0; i < free.length; i += 500) {
          await trx
            .insertInto('place_nights')
            .values(nightRows(placeId, free.slice(i, i + 500), { source }, at))
            .execute()
        }
        return { blocked: free.length, skipped: [...taken], changed: changedFrom(free) }
      }),
    )
  }

  /**
   * Sets (or, with null, clears) the price of each of `nights`. An upsert, not a delete and insert:
   * on MariaDB two of those at once on the same nights took gap locks and deadlocked (the fuzz test
   * found a 500). A deadlock that still happens is retried.
   */
  async setPrices(placeId: string, nights: string[], priceMinor: number | null): Promise<void> {
    const sorted = [...nights].sort()
    for (let attempt = 1; ; attempt++) {
      try {
        if (priceMinor === null) {
          await this.db.write
            .deleteFrom('night_prices')
            .where('place_id', '=', placeId)
            .where('night', 'in', sorted)
            .execute()
          return
        }
        const rows = sorted.map((night) => ({ place_id: placeId, night, price_minor: priceMinor }))
        const insert = this.db.write.insertInto('night_prices').values(rows)
        await (this.db.dialect === 'mysql'
          ? insert.onDuplicateKeyUpdate({ price_minor: priceMinor })
          : insert.onConflict((conflict) =>
              conflict.columns(['place_id', 'night']).doUpdateSet({ price_minor: priceMinor }),
            )
        ).execute()
        return
      } catch (error) {
        if (attempt >= DEADLOCK_TRIES || !isDeadlock(error)) throw error
      }
    }
  }
}
