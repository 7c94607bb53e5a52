import { sql } from 'kysely'
import type { Database } from '../../db/database.js'
import {
  countRows,
  idOrder,
  type KeysetPage,
  type KeysetRequest,
  keysetRows,
  preparedCount,
  preparedKeysetRows,
} from '../../db/keyset.js'
import { refreshNightRecord } from '../../db/night-records.js'
import { prepare } from '../../db/prepared.js'
import type { AmenityRow, NewPlace, PlaceRow, PlaceStatus, PlaceUpdate } from '../../db/schema.js'
import { assignAmenityBits, clearAmenityMask, refreshAmenityMask } from '../search/amenity-bits-repository.js'
import { detailRowsReader, type PlaceDetailRows } from './place-detail-repository.js'

export interface PlaceFilter {
  /** Default: published only. */
  statuses?: PlaceStatus[]
  ownerId?: string
  cities?: string[]
  countries?: string[]
  /** Places having every one of these amenities. */
  amenityIds?: string[]
}

const byPlaceId = idOrder('places.id')

/** A place's id and the version of its row (migration 0018: equal versions, equal rows). */
export interface PlaceVersion {
  id: string
  version: string
}

const versionColumns = ['places.id', sql<string>`cast(places.row_version as char)`.as('version')] as const

/** Ids bound in one `in (...)` list, well under every engine's limit on parameters. */
const IDS_PER_QUERY = 500

/** True for the filter of every published place. */
function publishedOnly(filter: PlaceFilter): boolean {
  const { statuses } = filter
  return (
    (statuses === undefined || (statuses.length === 1 && statuses[0] === 'published')) &&
    !filter.ownerId &&
    !filter.cities?.length &&
    !filter.countries?.length &&
    !filter.amenityIds?.length
  )
}

export class PlaceRepository {
  private readonly byId
  private readonly amenitiesByPlace
  private readonly published
  private readonly detailReaders = new Map<number, ReturnType<typeof detailRowsReader>>()
  private readonly detailVersions

  constructor(private readonly db: Database) {
    const read = db.read
    this.byId = prepare(read, 1, (id: string) =>
      read.selectFrom('places').selectAll().where('id', '=', id).where('deleted_at', 'is', null),
    )
    this.amenitiesByPlace = prepare(read, 1, (placeId: string) =>
      read
        .selectFrom('place_amenities')
        .innerJoin('amenities', 'amenities.id', 'place_amenities.amenity_id')
        .selectAll('amenities')
        .where('place_amenities.place_id', '=', placeId)
        .orderBy('amenities.name'),
    )
    if (db.dialect === 'sqlite') {
      this.detailVersions = prepare(read, 1, (id: string) =>
        read
          .selectFrom('places')
          .select(versionColumns[1])
          .where('id', '=', id)
          .where('deleted_at', 'is', null),
      )
    }
    // Published places, every filter unset: the public listing and the empty places_search.
    const publishedQuery = () => read.selectFrom('places').where('places.status', '=', 'published')
    this.published = {
      list: preparedKeysetRows(read, 0, () => publishedQuery().selectAll(), byPlaceId),
      versions: preparedKeysetRows(read, 0, () => publishedQuery().select(versionColumns), byPlaceId),
      count: preparedCount(read, 0, publishedQuery),
    }
  }

  /**
   * A version of the place that changes with anything its detail shows (its row, its owner's name,
   * its amenities, its reviews and their authors' names), where the database keeps one: SQLite, by
   * migration 0018's triggers. Undefined on MariaDB, and for a missing or deleted place.
   */
  async detailVersion(id: string): Promise<string | undefined> {
    return (await this.detailVersions?.first(id))?.version
  }

  /** The place, unless it does not exist or was deleted. */
  findById(id: string): Promise<PlaceRow | undefined> {
    return this.byId.first(id)
  }

  /** What the place's detail shows, with at most `reviewLimit` reviews; undefined when it is missing. */
  findDetail(id: string, reviewLimit: number): Promise<PlaceDetailRows | undefined> {
    let read = this.detailReaders.get(reviewLimit)
    if (!read) {
      read = detailRowsReader(this.db, reviewLimit)
      this.detailReaders.set(reviewLimit, read)
    }
    return read(id)
  }

  private matching(filter: PlaceFilter) {
    const statuses = filter.statuses ?? ['published']
    let query = this.db.read.selectFrom('places').where('places.status', 'in', statuses)
    // A deleted place is never published (deleting unpublishes it), so published-only reads need no check.
    if (statuses.some((status) => status !== 'published'))
      query = query.where('places.deleted_at', 'is', null)
    if (filter.ownerId) query = query.where('places.owner_id', '=', filter.ownerId)
    if (filter.cities?.length) {
      query = query.where(
        (eb) => eb.fn('lower', ['places.city']),
        'in',
        filter.cities.map((c) => c.toLowerCase()),
      )
    }
    if (filter.countries?.length) {
      query = query.where(
        'places.country',
        'in',
        filter.countries.map((c) => c.toUpperCase()),
      )
    }
    const amenityIds = [...new Set(filter.amenityIds ?? [])]
    if (amenityIds.length) {
      query = query.where('places.id', 'in', (eb) =>
        eb
          .selectFrom('place_amenities')
          .select('place_id')
          .where('amenity_id', 'in', amenityIds)
          .groupBy('place_id')
          .having((h) => h.fn.countAll(), '=', amenityIds.length),
      )
    }
    return query
  }

  list(page: KeysetRequest, filter: PlaceFilter = {}): Promise<KeysetPage<PlaceRow>> {
    if (publishedOnly(filter)) return this.published.list(page)
    return keysetRows(this.matching(filter).selectAll(), byPlaceId, page)
  }

  /**
   * `list` without the rows: each place's id and row version (which changes with anything in its row),
   * so that a caller holding a place's serialized form for that version need not read it again.
   */
  listVersions(page: KeysetRequest, filter: PlaceFilter = {}): Promise<KeysetPage<PlaceVersion>> {
    if (publishedOnly(filter)) return this.published.versions(page)
    return keysetRows(this.matching(filter).select(versionColumns), byPlaceId, page)
  }

  /** The places of `ids` that exist (deleted ones included) with their row versions, in no order. */
  async findByIds(ids: readonly string[]): Promise<(PlaceRow & { version: string })[]> {
    const rows: (PlaceRow & { version: string })[] = []
    for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
      const chunk = ids.slice(start, start + IDS_PER_QUERY)
      const query = this.db.read.selectFrom('places').selectAll().select(versionColumns[1])
      rows.push(...(await query.where('id', 'in', chunk).execute()))
    }
    return rows
  }

  /** Ids and change times of published places, by id: what a sitemap lists. */
  publishedPages(limit: number): Promise<{ id: string; updated_at: string }[]> {
    return this.db.read
      .selectFrom('places')
      .select(['id', 'updated_at'])
      .where('status', '=', 'published')
      .orderBy('id')
      .limit(limit)
      .execute()
  }

  count(filter: PlaceFilter = {}): Promise<number> {
    if (publishedOnly(filter)) return this.published.count()
    return countRows(this.matching(filter))
  }

  // Every write of place_amenities also sets the place's amenity_mask (search reads it), in the
  // same transaction; the amenities get their bits first (see search/amenity-bits-repository.ts).

  async insert(place: NewPlace, amenityIds: string[]): Promise<void> {
    await assignAmenityBits(this.db.write, amenityIds)
    await this.db.write.transaction().execute(async (trx) => {
      await trx.insertInto('places').values(place).execute()
      if (amenityIds.length) {
        await trx
          .insertInto('place_amenities')
          .values(amenityIds.map((amenity_id) => ({ place_id: place.id, amenity_id })))
          .execute()
      }
      await refreshAmenityMask(trx, place.id)
      await refreshNightRecord(trx, place.id)
    })
  }

  /** Applies changes and, when `amenityIds` is given, replaces the place's amenities. */
  async update(id: string, changes: PlaceUpdate, amenityIds?: string[]): Promise<void> {
    if (amenityIds) await assignAmenityBits(this.db.write, amenityIds)
    await this.db.write.transaction().execute(async (trx) => {
      await trx.updateTable('places').set(changes).where('id', '=', id).execute()
      if (amenityIds) {
        await clearAmenityMask(trx, id)
        await trx.deleteFrom('place_amenities').where('place_id', '=', id).execute()
        if (amenityIds.length) {
          await trx
            .insertInto('place_amenities')
            .values(amenityIds.map((amenity_id) => ({ place_id: id, amenity_id })))
            .execute()
        }
        await refreshAmenityMask(trx, id)
      }
    })
  }

  /**
   * Deletes a place, unless it has live bookings (pending or confirmed): then nothing changes and
   * this returns 'live_bookings'. A place that never had a booking is deleted with everything that
   * hangs off it ('deleted'). A place with bookings on record (past, cancelled, declined...) keeps
   * its row, unpublished and marked `deleted_at`, so those bookings, refunds and stay reviews stay
   * readable; its calendar, prices, amenity links, wishlist entries, iCal feeds, photos and export
   * secret go ('retired'). The photos' files are then orphans, which the photos' cleanup job removes. The place's row is locked first: a booking being made meanwhile (which locks it
   * too) either is seen here or finds the place gone.
   */
  async delete(id: string, at: string): Promise<'deleted' | 'retired' | 'live_bookings'> {
    const mysql = this.db.dialect === 'mysql'
    return this.db.write.transaction().execute(async (trx) => {
      let place = trx.selectFrom('places').select('id').where('id', '=', id).where('deleted_at', 'is', null)
      if (mysql) place = place.forUpdate()
      if (!(await place.executeTakeFirst())) return 'deleted'
      let bookings = trx.selectFrom('bookings').select('status').where('place_id', '=', id)
      if (mysql) bookings = bookings.forUpdate()
      const statuses = (await bookings.execute()).map((b) => b.status)
      if (statuses.some((status) => status === 'pending' || status === 'confirmed')) return 'live_bookings'
      if (statuses.length === 0) {
        await trx.deleteFrom('places').where('id', '=', id).execute()
        return 'deleted'
      }
      for (const table of [
        'place_amenities',
        'place_nights',
        'night_prices',
        'wishlist_places',
        'ical_feeds',
        'photos',
      ] as const) {
        await trx.deleteFrom(table).where('place_id', '=', id).execute()
      }
      await refreshAmenityMask(trx, id)
      await refreshNightRecord(trx, id)
      await trx
        .updateTable('places')
        .set({ status: 'draft', deleted_at: at, ical_token: '', updated_at: at })
        .where('id', '=', id)
        .execute()
      return 'retired'
    })
  }

  amenitiesOf(placeId: string): Promise<AmenityRow[]> {
    return this.amenitiesByPlace.all(placeId)
  }

  /** Links an amenity; false when it was already linked. */
  async linkAmenity(placeId: string, amenityId: string): Promise<boolean> {
    await assignAmenityBits(this.db.write, [amenityId])
    return this.db.write.transaction().execute(async (trx) => {
      // Locks the place's row first, so concurrent links of one place queue instead of deadlocking.
      await clearAmenityMask(trx, placeId)
      const existing = await trx
        .selectFrom('place_amenities')
        .select('place_id')
        .where('place_id', '=', placeId)
        .where('amenity_id', '=', amenityId)
        .executeTakeFirst()
      if (!existing) {
        await trx.insertInto('place_amenities').values({ place_id: placeId, amenity_id: amenityId }).execute()
      }
      await refreshAmenityMask(trx, placeId)
      return !existing
    })
  }

  async unlinkAmenity(placeId: string, amenityId: string): Promise<void> {
    await this.db.write.transaction().execute(async (trx) => {
      await clearAmenityMask(trx, placeId)
      await trx
        .deleteFrom('place_amenities')
        .where('place_id', '=', placeId)
        .where('amenity_id', '=', amenityId)
        .execute()
      await refreshAmenityMask(trx, placeId)
    })
  }

  /** Recomputes a place's rating from its visible reviews, in one statement so concurrent writes cannot leave it stale. */
  async refreshRating(placeId: string): Promise<void> {
    const visible = sql`from reviews where place_id = ${placeId} and hidden_until is null`
    await sql`
      update places set
        rating_count = (select count(*) ${visible}),
        rating_avg = (select coalesce(round(avg(rating), 2), 0) ${visible})
      where id = ${placeId}`.execute(this.db.write)
  }
}
