import type { Kysely } from 'kysely'
import type { Database } from '../../db/database.js'
import { prepare } from '../../db/prepared.js'
import type { DB, GuestReviewRow, ReviewRow } from '../../db/schema.js'
import type { PageRequest } from '../../domain/pages.js'

export interface ReviewWithAuthor extends ReviewRow {
  author_first_name: string
  author_last_name: string
}

/** A place's visible reviews with their authors' names, oldest first. */
export function placeReviewsQuery(read: Kysely<DB>, placeId: string) {
  return read
    .selectFrom('reviews')
    .innerJoin('users', 'users.id', 'reviews.user_id')
    .selectAll('reviews')
    .select(['users.first_name as author_first_name', 'users.last_name as author_last_name'])
    .where('reviews.place_id', '=', placeId)
    .where('reviews.hidden_until', 'is', null)
    .orderBy('reviews.id')
}

export class ReviewRepository {
  /** `forPlace` from the first review on. */
  private readonly firstForPlace
  private readonly visible

  constructor(private readonly db: Database) {
    const read = db.read
    this.firstForPlace = prepare(read, 2, (placeId: string, limit: number) =>
      placeReviewsQuery(this.db.read, placeId).limit(limit),
    )
    // Visible reviews of published places (the others belong to places only their owners see).
    const visibleQuery = () =>
      read
        .selectFrom('reviews')
        .innerJoin('places', 'places.id', 'reviews.place_id')
        .where('reviews.hidden_until', 'is', null)
        .where('places.status', '=', 'published')
    this.visible = {
      first: prepare(read, 1, (limit: number) =>
        visibleQuery().selectAll('reviews').orderBy('reviews.id').limit(limit),
      ),
      after: prepare(read, 2, (after: string, limit: number) =>
        visibleQuery()
          .selectAll('reviews')
          .where('reviews.id', '>', after)
          .orderBy('reviews.id')
          .limit(limit),
      ),
      count: prepare(read, 0, () => visibleQuery().select((eb) => eb.fn.countAll<number>().as('n'))),
    }
  }

  findById(id: string): Promise<ReviewRow | undefined> {
    return this.db.read.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst()
  }

  /** The user's open (HBnB) review of a place, if any. */
  findOpenReview(placeId: string, userId: string): Promise<ReviewRow | undefined> {
    return this.db.write
      .selectFrom('reviews')
      .selectAll()
      .where('place_id', '=', placeId)
      .where('user_id', '=', userId)
      .where('booking_id', '=', '')
      .executeTakeFirst()
  }

  /** Visible reviews (a stay review is hidden until both sides reviewed) of published places. */
  listPage(page: PageRequest): Promise<ReviewRow[]> {
    return page.after
      ? this.visible.after.all(page.after, page.limit + 1)
      : this.visible.first.all(page.limit + 1)
  }

  async count(): Promise<number> {
    return Number((await this.visible.count.first())?.n ?? 0)
  }

  /** A place's reviews with their authors' names, oldest first. */
  forPlace(placeId: string, page: PageRequest): Promise<ReviewWithAuthor[]> {
    if (!page.after) return this.firstForPlace.all(placeId, page.limit + 1)
    return placeReviewsQuery(this.db.read, placeId)
      .where('reviews.id', '>', page.after)
      .limit(page.limit + 1)
      .execute()
  }

  async countForPlace(placeId: string): Promise<number> {
    const row = await this.db.read
      .selectFrom('reviews')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('place_id', '=', placeId)
      .where('hidden_until', 'is', null)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  async insert(row: ReviewRow): Promise<void> {
    await this.db.write.insertInto('reviews').values(row).execute()
  }

  async update(
    id: string,
    changes: Partial<Pick<ReviewRow, 'text' | 'rating' | 'updated_at'>>,
  ): Promise<void> {
    await this.db.write.updateTable('reviews').set(changes).where('id', '=', id).execute()
  }

  async delete(id: string): Promise<void> {
    await this.db.write.deleteFrom('reviews').where('id', '=', id).execute()
  }

  findStayReview(bookingId: string): Promise<ReviewRow | undefined> {
    return this.db.write
      .selectFrom('reviews')
      .selectAll()
      .where('booking_id', '=', bookingId)
      .executeTakeFirst()
  }

  findGuestReview(bookingId: string): Promise<GuestReviewRow | undefined> {
    return this.db.write
      .selectFrom('guest_reviews')
      .selectAll()
      .where('booking_id', '=', bookingId)
      .executeTakeFirst()
  }

  async insertGuestReview(row: GuestReviewRow): Promise<void> {
    await this.db.write.insertInto('guest_reviews').values(row).execute()
  }

  /** Shows both reviews of a stay. */
  async revealStay(bookingId: string): Promise<void> {
    await this.db.write.transaction().execute(async (trx) => {
      await trx
        .updateTable('reviews')
        .set({ hidden_until: null })
        .where('booking_id', '=', bookingId)
        .execute()
      await trx
        .updateTable('guest_reviews')
        .set({ hidden_until: null })
        .where('booking_id', '=', bookingId)
        .execute()
    })
  }

  /** Shows the reviews whose review window closed; returns the places whose rating changed. */
  async revealDue(now: string): Promise<string[]> {
    return this.db.write.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('reviews')
        .select('place_id')
        .distinct()
        .where('hidden_until', '<=', now)
        .execute()
      await trx.updateTable('reviews').set({ hidden_until: null }).where('hidden_until', '<=', now).execute()
      await trx
        .updateTable('guest_reviews')
        .set({ hidden_until: null })
        .where('hidden_until', '<=', now)
        .execute()
      return due.map((r) => r.place_id)
    })
  }

  /** Visible reviews others wrote about a guest. */
  aboutGuest(guestId: string, page: PageRequest) {
    let query = this.db.read
      .selectFrom('guest_reviews')
      .innerJoin('users', 'users.id', 'guest_reviews.host_id')
      .selectAll('guest_reviews')
      .select(['users.first_name as author_first_name', 'users.last_name as author_last_name'])
      .where('guest_reviews.guest_id', '=', guestId)
      .where('guest_reviews.hidden_until', 'is', null)
      .orderBy('guest_reviews.id')
      .limit(page.limit + 1)
    if (page.after) query = query.where('guest_reviews.id', '>', page.after)
    return query.execute()
  }
}
