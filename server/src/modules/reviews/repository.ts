import type { Database } from '../../db/database.js'
import type { ReviewRow } from '../../db/schema.js'
import type { PageRequest } from '../../http/pagination.js'

export interface ReviewWithAuthor extends ReviewRow {
  author_first_name: string
  author_last_name: string
}

export class ReviewRepository {
  constructor(private readonly db: Database) {}

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

  listPage(page: PageRequest): Promise<ReviewRow[]> {
    let query = this.db.read
      .selectFrom('reviews')
      .selectAll()
      .orderBy('id')
      .limit(page.limit + 1)
    if (page.after) query = query.where('id', '>', page.after)
    return query.execute()
  }

  async count(): Promise<number> {
    const row = await this.db.read
      .selectFrom('reviews')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** A place's reviews with their authors' names, oldest first. */
  forPlace(placeId: string, page: PageRequest): Promise<ReviewWithAuthor[]> {
    let query = this.db.read
      .selectFrom('reviews')
      .innerJoin('users', 'users.id', 'reviews.user_id')
      .selectAll('reviews')
      .select(['users.first_name as author_first_name', 'users.last_name as author_last_name'])
      .where('reviews.place_id', '=', placeId)
      .orderBy('reviews.id')
      .limit(page.limit + 1)
    if (page.after) query = query.where('reviews.id', '>', page.after)
    return query.execute()
  }

  async countForPlace(placeId: string): Promise<number> {
    const row = await this.db.read
      .selectFrom('reviews')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('place_id', '=', placeId)
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
}
