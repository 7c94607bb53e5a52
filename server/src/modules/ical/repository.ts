import type { Database } from '../../db/database.js'
import { rewritingNightRecord } from '../../db/night-records.js'
import type { IcalFeedRow, NightKind } from '../../db/schema.js'

export interface ExportNight {
  night: string
  kind: Exclude<NightKind, 'hold'>
  created_at: string
}

export interface SyncRecord {
  last_sync_at: string
  last_status: 'ok' | 'error'
  last_error: string | null
  last_event_count: number | null
}

/** iCal feeds of places, the export token of places, and the nights an export shows. */
export class IcalRepository {
  constructor(private readonly db: Database) {}

  /** The place's export token; sets `fresh` first when it has none (the first caller wins a race). */
  async ensureToken(placeId: string, fresh: string): Promise<string> {
    await this.db.write
      .updateTable('places')
      .set({ ical_token: fresh })
      .where('id', '=', placeId)
      .where('ical_token', '=', '')
      .execute()
    const row = await this.db.write
      .selectFrom('places')
      .select('ical_token')
      .where('id', '=', placeId)
      .executeTakeFirstOrThrow()
    return row.ical_token
  }

  async setToken(placeId: string, token: string): Promise<void> {
    await this.db.write.updateTable('places').set({ ical_token: token }).where('id', '=', placeId).execute()
  }

  /**
   * Booked and blocked nights in [from, to), in date order, with when each was taken. Checkout
   * holds last minutes: other calendars are not told about them.
   */
  exportNights(placeId: string, from: string, to: string): Promise<ExportNight[]> {
    return this.db.write
      .selectFrom('place_nights')
      .select(['night', 'kind', 'created_at'])
      .where('place_id', '=', placeId)
      .where('kind', '!=', 'hold')
      .$narrowType<{ kind: ExportNight['kind'] }>()
      .where('night', '>=', from)
      .where('night', '<', to)
      .orderBy('night')
      .execute()
  }

  listForPlace(placeId: string): Promise<IcalFeedRow[]> {
    return this.db.write
      .selectFrom('ical_feeds')
      .selectAll()
      .where('place_id', '=', placeId)
      .orderBy('id')
      .execute()
  }

  /** Every feed of every place, for the scheduled sync. */
  listAll(): Promise<IcalFeedRow[]> {
    return this.db.write.selectFrom('ical_feeds').selectAll().orderBy('id').execute()
  }

  findForPlace(placeId: string, feedId: string): Promise<IcalFeedRow | undefined> {
    return this.db.write
      .selectFrom('ical_feeds')
      .selectAll()
      .where('place_id', '=', placeId)
      .where('id', '=', feedId)
      .executeTakeFirst()
  }

  async insert(row: IcalFeedRow): Promise<void> {
    await this.db.write.insertInto('ical_feeds').values(row).execute()
  }

  /** Deletes the feed and the nights it blocked, together. */
  async delete(placeId: string, feedId: string): Promise<void> {
    await this.db.write.transaction().execute(async (trx) => {
      await rewritingNightRecord(trx, placeId, () =>
        trx
          .deleteFrom('place_nights')
          .where('place_id', '=', placeId)
          .where('kind', '=', 'blocked')
          .where('source', '=', feedId)
          .execute(),
      )
      await trx.deleteFrom('ical_feeds').where('place_id', '=', placeId).where('id', '=', feedId).execute()
    })
  }

  /** Stores a sync's outcome; false when the feed no longer exists. */
  async recordSync(feedId: string, record: SyncRecord): Promise<boolean> {
    const result = await this.db.write
      .updateTable('ical_feeds')
      .set({ ...record, updated_at: record.last_sync_at })
      .where('id', '=', feedId)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) > 0
  }
}
