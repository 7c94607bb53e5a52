import type { Kysely } from 'kysely'
import type { Database } from '../../db/database.js'
import {
  countRows,
  idOrder,
  type KeysetRequest,
  keysetRows,
  preparedCount,
  preparedKeysetRows,
} from '../../db/keyset.js'
import type { DB, GuestReviewRow, ReviewRow } from '../../db/schema.js'

export interface ReviewWithAuthor extends ReviewRow {
  author_first_name: string
  author_last_name: string
}

const byReviewId = idOrder('reviews.id')

/** A place's visible reviews with their authors' names. */
function placeReviews(read: Kysely<DB>, placeId: string) {
  return read
    .selectFrom('reviews')
    .innerJoin('users', 'users.id', 'reviews.user_id')
    .selectAll('reviews')
    .select(['users.first_name as author_first_name', 'users.last_name as author_last_name'])
    .where('reviews.place_id', '=', placeId)
    .where('reviews.hidden_until', 'is', null)
}

/** A place's visible reviews with their authors' names, oldest first. */
export function placeReviewsQuery(read: Kysely<DB>, placeId: string) {
  return placeReviews(read, placeId).orderBy('reviews.id')
}

export class ReviewRepository {
  /** Visible reviews (a stay review is hidden until both sides reviewed) of published places. */
  readonly listPage
  readonly count
  /** A place's reviews with their authors' names, oldest first. */
  readonly forPlace

  constructor(private readonly db: Database) {
    const read = db.read
    this.forPlace = preparedKeysetRows(read, 1, (placeId: string) => placeReviews(read, placeId), byReviewId)
    // Visible reviews of published places (the others belong to places only their owners see).
    const visibleQuery = () =>
      read
        .selectFrom('reviews')
        .innerJoin('places', 'places.id', 'reviews.place_id')
        .where('reviews.hidden_until', 'is', null)
        .where('places.status', '=', 'published')
    this.listPage = preparedKeysetRows(read, 0, () => visibleQuery().selectAll('reviews'), byReviewId)
    this.count = preparedCount(read, 0, visibleQuery)
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

  countForPlace(placeId: string): Promise<number> {
    return countRows(
      this.db.read.selectFrom('reviews').where('place_id', '=', placeId).where('hidden_until', 'is', null),
    )
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
  aboutGuest(guestId: string, page: KeysetRequest) {
    const query = this.db.read
      .selectFrom('guest_reviews')
      .innerJoin('users', 'users.id', 'guest_reviews.host_id')
      .selectAll('guest_reviews')
      .select(['users.first_name as author_first_name', 'users.last_name as author_last_name'])
      .where('guest_reviews.guest_id', '=', guestId)
      .where('guest_reviews.hidden_until', 'is', null)
    return keysetRows(query, idOrder('guest_reviews.id'), page)
  }
}
