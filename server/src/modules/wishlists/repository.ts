import type { Database } from '../../db/database.js'
import type { PlaceRow, WishlistRow } from '../../db/schema.js'

export interface WishlistWithCount extends WishlistRow {
  place_count: number
}

export class WishlistRepository {
  constructor(private readonly db: Database) {}

  findById(id: string): Promise<WishlistRow | undefined> {
    return this.db.write.selectFrom('wishlists').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async listOfUser(userId: string): Promise<WishlistWithCount[]> {
    const rows = await this.db.write
      .selectFrom('wishlists')
      .leftJoin('wishlist_places', 'wishlist_places.wishlist_id', 'wishlists.id')
      .selectAll('wishlists')
      .select((eb) => eb.fn.count<number>('wishlist_places.place_id').as('place_count'))
      .where('wishlists.user_id', '=', userId)
      .groupBy([
        'wishlists.id',
        'wishlists.user_id',
        'wishlists.name',
        'wishlists.created_at',
        'wishlists.updated_at',
      ])
      .orderBy('wishlists.id')
      .execute()
    return rows.map((row) => ({ ...row, place_count: Number(row.place_count) }))
  }

  /** The published places saved in a user's lists, most recently saved first. */
  savedPlaces(userId: string): Promise<{ wishlist_id: string; place_id: string }[]> {
    return this.db.write
      .selectFrom('wishlist_places')
      .innerJoin('wishlists', 'wishlists.id', 'wishlist_places.wishlist_id')
      .innerJoin('places', 'places.id', 'wishlist_places.place_id')
      .select(['wishlist_places.wishlist_id', 'wishlist_places.place_id'])
      .where('wishlists.user_id', '=', userId)
      .where('places.status', '=', 'published')
      .orderBy('wishlist_places.created_at', 'desc')
      .orderBy('wishlist_places.place_id')
      .execute()
  }

  /** The published places of a list, most recently saved first. */
  places(wishlistId: string): Promise<PlaceRow[]> {
    return this.db.write
      .selectFrom('wishlist_places')
      .innerJoin('places', 'places.id', 'wishlist_places.place_id')
      .selectAll('places')
      .where('wishlist_places.wishlist_id', '=', wishlistId)
      .where('places.status', '=', 'published')
      .orderBy('wishlist_places.created_at', 'desc')
      .orderBy('places.id')
      .execute()
  }

  async insert(row: WishlistRow): Promise<void> {
    await this.db.write.insertInto('wishlists').values(row).execute()
  }

  async rename(id: string, name: string, at: string): Promise<void> {
    await this.db.write.updateTable('wishlists').set({ name, updated_at: at }).where('id', '=', id).execute()
  }

  async delete(id: string): Promise<void> {
    await this.db.write.deleteFrom('wishlists').where('id', '=', id).execute()
  }

  async contains(wishlistId: string, placeId: string): Promise<boolean> {
    const row = await this.db.write
      .selectFrom('wishlist_places')
      .select('place_id')
      .where('wishlist_id', '=', wishlistId)
      .where('place_id', '=', placeId)
      .executeTakeFirst()
    return row !== undefined
  }

  async addPlace(wishlistId: string, placeId: string, at: string): Promise<void> {
    await this.db.write
      .insertInto('wishlist_places')
      .values({ wishlist_id: wishlistId, place_id: placeId, created_at: at })
      .execute()
  }

  async removePlace(wishlistId: string, placeId: string): Promise<void> {
    await this.db.write
      .deleteFrom('wishlist_places')
      .where('wishlist_id', '=', wishlistId)
      .where('place_id', '=', placeId)
      .execute()
  }
}
