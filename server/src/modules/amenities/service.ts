import { isUniqueViolation } from '../../db/database.js'
import type { AmenityRow } from '../../db/schema.js'
import { mapPage, type Page, type PageRequest } from '../../domain/pages.js'
import { badRequest, Messages, notFound } from '../../errors.js'
import { nowIso, uuidv7 } from '../../ids.js'
import type { CachedResponse, ResponseCache, Serialize } from '../../infra/cache/index.js'
import { Changes, Tags } from '../cache-scopes.js'
import { requiredText } from '../validation.js'
import type { AmenityRepository } from './repository.js'
import type { AmenityView } from './schemas.js'

const NAME_MAX = 50

export function toAmenityView(row: AmenityRow): AmenityView {
  return { id: row.id, name: row.name, created_at: row.created_at, updated_at: row.updated_at }
}

const nameTaken = (name: string) => badRequest(`Amenity "${name}" already exists`, 'amenity_exists')

export interface AmenityServiceDeps {
  amenities: AmenityRepository
  cache: ResponseCache
}

export class AmenityService {
  constructor(private readonly deps: AmenityServiceDeps) {}

  async create(input: { name: unknown }): Promise<AmenityView> {
    const name = requiredText('name', input.name, NAME_MAX)
    if (await this.deps.amenities.findByName(name)) throw nameTaken(name)
    const now = nowIso()
    const row: AmenityRow = {
      id: uuidv7(),
      name,
      name_key: name.toLowerCase(),
      created_at: now,
      updated_at: now,
    }
    try {
      await this.deps.amenities.insert(row)
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(name)
      throw error
    }
    await this.deps.cache.invalidate(Changes.amenities())
    return toAmenityView(row)
  }

  async get(id: string): Promise<AmenityView> {
    const row = await this.deps.amenities.findById(id)
    if (!row) throw notFound(Messages.amenityNotFound)
    return toAmenityView(row)
  }

  /** `get` serialized, from the cache. */
  getResponse(id: string, serialize?: Serialize): Promise<CachedResponse> {
    const build = async () => ({ value: await this.get(id) })
    return this.deps.cache.get('amenities', `amenity:${id}`, Tags.amenities(), build, { serialize })
  }

  /** `list` serialized, from the cache. */
  listResponse(page: PageRequest, serialize?: Serialize): Promise<CachedResponse> {
    const build = async () => {
      const built = await this.list(page)
      return { value: built.items, total: built.total, next: built.nextCursor }
    }
    const key = `amenities:${page.limit}:${page.after ?? ''}`
    return this.deps.cache.get('amenities', key, Tags.amenities(), build, { serialize })
  }

  async list(page: PageRequest): Promise<Page<AmenityView>> {
    const [rows, total] = await Promise.all([this.deps.amenities.listPage(page), this.deps.amenities.count()])
    return mapPage(rows, toAmenityView, total)
  }

  async rename(id: string, input: { name: unknown }): Promise<AmenityView> {
    const current = await this.deps.amenities.findById(id)
    if (!current) throw notFound(Messages.amenityNotFound)
    const name = requiredText('name', input.name, NAME_MAX)
    const holder = await this.deps.amenities.findByName(name)
    if (holder && holder.id !== id) throw nameTaken(name)
    const now = nowIso()
    try {
      await this.deps.amenities.rename(id, name, now)
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(name)
      throw error
    }
    await this.deps.cache.invalidate(Changes.amenities())
    return toAmenityView({ ...current, name, updated_at: now })
  }
}
