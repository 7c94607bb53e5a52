import { isUniqueViolation } from '../../db/database.js'
import type { WishlistRow } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import { notFound } from '../../errors.js'
import { nowIso, uuidv7 } from '../../ids.js'
import { type CoversOf, type PhotoCoverView, withCovers } from '../photos/service.js'
import { findVisiblePlace } from '../places/access.js'
import type { PlaceRepository } from '../places/repository.js'
import { toPlaceSummary } from '../places/service.js'
import { requiredText } from '../validation.js'
import type { WishlistRepository } from './repository.js'
import type { WishlistDetailView, WishlistView } from './schemas.js'

const NAME_MAX = 100

const view = (row: WishlistRow, placeCount: number, cover: PhotoCoverView | null): WishlistView => ({
  id: row.id,
  name: row.name,
  place_count: placeCount,
  cover_photo: cover,
  created_at: row.created_at,
  updated_at: row.updated_at,
})

export interface WishlistServiceDeps {
  wishlists: WishlistRepository
  places: PlaceRepository
  covers: CoversOf
}

/** Named lists of saved places. A list is private: others get a 404, as if it did not exist. */
export class WishlistService {
  constructor(private readonly deps: WishlistServiceDeps) {}

  async list(actor: Actor): Promise<WishlistView[]> {
    const [rows, saved] = await Promise.all([
      this.deps.wishlists.listOfUser(actor.id),
      this.deps.wishlists.savedPlaces(actor.id),
    ])
    const covers = await this.deps.covers([...new Set(saved.map((entry) => entry.place_id))])
    const coverOf = new Map<string, PhotoCoverView>()
    for (const { wishlist_id, place_id } of saved) {
      const cover = covers.get(place_id)
      if (cover && !coverOf.has(wishlist_id)) coverOf.set(wishlist_id, cover)
    }
    return rows.map((row) => view(row, row.place_count, coverOf.get(row.id) ?? null))
  }

  async create(input: { name: unknown }, actor: Actor): Promise<WishlistView> {
    const now = nowIso()
    const row: WishlistRow = {
      id: uuidv7(),
      user_id: actor.id,
      name: requiredText('name', input.name, NAME_MAX),
      created_at: now,
      updated_at: now,
    }
    await this.deps.wishlists.insert(row)
    return view(row, 0, null)
  }

  async get(id: string, actor: Actor): Promise<WishlistDetailView> {
    const row = await this.owned(id, actor)
    const places = await withCovers(
      (await this.deps.wishlists.places(row.id)).map(toPlaceSummary),
      this.deps.covers,
    )
    return {
      ...view(row, places.length, places.find((place) => place.cover_photo)?.cover_photo ?? null),
      places,
    }
  }

  async rename(id: string, input: { name: unknown }, actor: Actor): Promise<WishlistDetailView> {
    const row = await this.owned(id, actor)
    await this.deps.wishlists.rename(row.id, requiredText('name', input.name, NAME_MAX), nowIso())
    return this.get(id, actor)
  }

  async delete(id: string, actor: Actor): Promise<void> {
    await this.deps.wishlists.delete((await this.owned(id, actor)).id)
  }

  /** Saves a place; false when it was already in the list. */
  async addPlace(id: string, placeId: string, actor: Actor): Promise<boolean> {
    const row = await this.owned(id, actor)
    const place = await findVisiblePlace(this.deps.places, placeId, actor)
    if (await this.deps.wishlists.contains(row.id, place.id)) return false
    try {
      await this.deps.wishlists.addPlace(row.id, place.id, nowIso())
      return true
    } catch (error) {
      if (isUniqueViolation(error)) return false
      throw error
    }
  }

  async removePlace(id: string, placeId: string, actor: Actor): Promise<void> {
    const row = await this.owned(id, actor)
    await this.deps.wishlists.removePlace(row.id, placeId)
  }

  private async owned(id: string, actor: Actor): Promise<WishlistRow> {
    const row = await this.deps.wishlists.findById(id)
    if (!row || row.user_id !== actor.id) throw notFound('Wishlist not found')
    return row
  }
}
