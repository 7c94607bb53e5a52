import { sql } from 'kysely'
import type { Database } from '../../db/database.js'
import type { OutboxRow, PhotoRow } from '../../db/schema.js'

/** The columns a cover is made of. */
const COVER_COLUMNS = [
  'id',
  'place_id',
  'owner_id',
  'alt_text',
  'width',
  'height',
  'placeholder',
  'variants',
  'updated_at',
] as const

export type CoverRow = Pick<PhotoRow, (typeof COVER_COLUMNS)[number]>

/**
 * For the row of `places` in the enclosing statement: its cover's version (`id@updated_at` of its
 * first ready photo), or NULL; so that a page of listings reads its covers without another query.
 */
export const placeCoverVersion = sql<string | null>`(select concat(cp.id, '@', cp.updated_at) from photos cp
  where cp.place_id = places.id and cp.status = 'ready' order by cp.position, cp.id limit 1)`

/** A listing's cover photo and its version. */
export type CoverId = Pick<PhotoRow, 'id' | 'updated_at'> & { place_id: string }

export class PhotoRepository {
  constructor(private readonly db: Database) {}

  findById(id: string): Promise<PhotoRow | undefined> {
    return this.db.write.selectFrom('photos').selectAll().where('id', '=', id).executeTakeFirst()
  }

  /** A listing's photos in their order (the cover first). */
  ofPlace(placeId: string): Promise<PhotoRow[]> {
    return this.db.write
      .selectFrom('photos')
      .selectAll()
      .where('place_id', '=', placeId)
      .orderBy('position')
      .orderBy('id')
      .execute()
  }

  /** The cover of each of these listings that has one (its first ready photo): which photo and its version. */
  coverIdsOf(placeIds: string[]): Promise<CoverId[]> {
    if (placeIds.length === 0) return Promise.resolve([])
    // 'ready' as a literal: SQLite plans a grouped or ordered statement again at every run when
    // one of its equalities is a bound parameter.
    const firsts = this.db.write
      .selectFrom('photos')
      .select(({ fn }) => ['place_id', fn.min('position').as('first')])
      .where('place_id', 'in', placeIds)
      .where('status', '=', sql.lit('ready'))
      .groupBy('place_id')
      .as('f')
    return this.db.write
      .selectFrom('photos as p')
      .innerJoin(firsts, (join) =>
        join.onRef('f.place_id', '=', 'p.place_id').onRef('f.first', '=', 'p.position'),
      )
      .select(['p.id', 'p.place_id', 'p.updated_at'])
      .where('p.status', '=', sql.lit('ready'))
      .execute() as Promise<CoverId[]>
  }

  /** What covers show of these photos. */
  coverRows(ids: string[]): Promise<CoverRow[]> {
    if (ids.length === 0) return Promise.resolve([])
    return this.db.write.selectFrom('photos').select(COVER_COLUMNS).where('id', 'in', ids).execute()
  }

  async countOfPlace(placeId: string): Promise<number> {
    const row = await this.db.write
      .selectFrom('photos')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('place_id', '=', placeId)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** A user's profile photos (one is current; an older one lives until the new one is ready). */
  profileOf(userId: string): Promise<PhotoRow[]> {
    return this.db.write
      .selectFrom('photos')
      .selectAll()
      .where('owner_id', '=', userId)
      .where('place_id', 'is', null)
      .orderBy('id', 'desc')
      .execute()
  }

  /** The ready profile photos of these users, each user's newest first. */
  readyProfilesOf(userIds: string[]): Promise<PhotoRow[]> {
    if (userIds.length === 0) return Promise.resolve([])
    return this.db.write
      .selectFrom('photos')
      .selectAll()
      .where('owner_id', 'in', userIds)
      .where('place_id', 'is', null)
      .where('status', '=', 'ready')
      .orderBy('owner_id')
      .orderBy('id', 'desc')
      .execute()
  }

  /** Inserts the photo (last in its listing) and its processing task, in one transaction. */
  async insert(row: Omit<PhotoRow, 'position'>, task: OutboxRow): Promise<PhotoRow> {
    return this.db.write.transaction().execute(async (trx) => {
      let position = 0
      if (row.place_id) {
        const last = await trx
          .selectFrom('photos')
          .select((eb) => eb.fn.max<number | null>('position').as('last'))
          .where('place_id', '=', row.place_id)
          .executeTakeFirst()
        position = last?.last === null || last?.last === undefined ? 0 : Number(last.last) + 1
      }
      const photo = { ...row, position }
      await trx.insertInto('photos').values(photo).execute()
      await trx.insertInto('outbox').values(task).execute()
      return photo
    })
  }

  async update(id: string, changes: Partial<Omit<PhotoRow, 'id'>>): Promise<void> {
    await this.db.write.updateTable('photos').set(changes).where('id', '=', id).execute()
  }

  /** Renumbers a listing's photos in the order given (ids not of the listing are ignored). */
  async reorder(placeId: string, ids: string[], at: string): Promise<void> {
    await this.db.write.transaction().execute(async (trx) => {
      for (const [position, id] of ids.entries()) {
        await trx
          .updateTable('photos')
          .set({ position, updated_at: at })
          .where('id', '=', id)
          .where('place_id', '=', placeId)
          .execute()
      }
    })
  }

  async delete(id: string): Promise<void> {
    await this.db.write.deleteFrom('photos').where('id', '=', id).execute()
  }

  /** Whether any photo still uses this variant key (identical images share their variants). */
  async variantInUse(key: string): Promise<boolean> {
    const row = await this.db.write
      .selectFrom('photos')
      .select('id')
      .where('variants', 'like', `%"${key}"%`)
      .limit(1)
      .executeTakeFirst()
    return row !== undefined
  }

  /** Whether a photo row points at this upload. */
  async originalInUse(key: string): Promise<boolean> {
    const row = await this.db.write
      .selectFrom('photos')
      .select('id')
      .where('original_key', '=', key)
      .limit(1)
      .executeTakeFirst()
    return row !== undefined
  }
}
