import { isUniqueViolation } from '../../db/database.js'
import type { AmenityRow, PlaceRow, PlaceStatus, PlaceUpdate } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import { mapPage, type Page, type PageRequest } from '../../domain/pages.js'
import { AppError, badRequest, conflict, forbidden, Messages, notFound, unauthorized } from '../../errors.js'
import { nowIso, uuidv7 } from '../../ids.js'
import {
  type CachedResponse,
  type ResponseCache,
  type Serialize,
  toResponse,
} from '../../infra/cache/index.js'
import {
  itemBytesOf,
  listResponseOf,
  type SerializeItem,
  VersionedItems,
} from '../../infra/cache/item-bytes.js'
import { Lru } from '../../infra/cache/memory.js'
import type { AmenityRepository } from '../amenities/repository.js'
import { Changes, Tags } from '../cache-scopes.js'
import { type CoversOf, withCovers } from '../photos/service.js'
import { toPlaceReviewView } from '../reviews/service.js'
import { type EmailPrivacy, seesEmailOf } from '../users/privacy.js'
import type { UserRepository } from '../users/repository.js'
import { requiredText } from '../validation.js'
import { canSeePlace, findManagedPlace, findVisiblePlace } from './access.js'
import { currencyCode, toMajorUnits, toMinorUnits } from './money.js'
import type { PlaceFilter, PlaceRepository } from './repository.js'
import type { PlaceCreateInput, PlaceDetailView, PlaceSummaryView, PlaceUpdateInput } from './schemas.js'

const TITLE_MAX = 100

/** Booking terms of a new listing until its host changes them. */
export const DEFAULT_TERMS = {
  cleaning_fee_minor: 0,
  min_nights: 1,
  max_nights: 365,
  advance_notice_days: 0,
  booking_window_days: 365,
  check_in_time: '15:00',
  check_out_time: '11:00',
  instant_book: 0,
  cancellation_policy: 'moderate',
  rating_avg: 0,
  rating_count: 0,
  ical_token: '',
  deleted_at: null,
} as const
/** The time zones a listing can have. */
export const LISTING_TIME_ZONES: ReadonlySet<string> = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])
/** The place detail shows this many reviews; the full list is paginated at /places/<id>/reviews. */
const DETAIL_REVIEWS = 100
/** Serialized details kept, by place and version: about 10 MB of 3 kB details. */
const DETAILS_KEPT = 3000
/** URLs one sitemap file may hold (sitemaps.org). */
const SITEMAP_MAX = 50_000

export function toPlaceSummary(row: PlaceRow): PlaceSummaryView {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    price: toMajorUnits(row.price_minor, row.currency),
    currency: row.currency,
    price_minor: row.price_minor,
    latitude: row.latitude,
    longitude: row.longitude,
    owner_id: row.owner_id,
    address: row.address,
    city: row.city,
    country: row.country,
    timezone: row.timezone,
    max_guests: row.max_guests,
    bedrooms: row.bedrooms,
    bathrooms: row.bathrooms,
    status: row.status,
    cleaning_fee: toMajorUnits(row.cleaning_fee_minor, row.currency),
    cleaning_fee_minor: row.cleaning_fee_minor,
    min_nights: row.min_nights,
    max_nights: row.max_nights,
    advance_notice_days: row.advance_notice_days,
    booking_window_days: row.booking_window_days,
    check_in_time: row.check_in_time,
    check_out_time: row.check_out_time,
    instant_book: row.instant_book === 1,
    cancellation_policy: row.cancellation_policy,
    rating_avg: row.rating_avg,
    rating_count: row.rating_count,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

type Terms = Pick<
  PlaceRow,
  | 'cleaning_fee_minor'
  | 'min_nights'
  | 'max_nights'
  | 'advance_notice_days'
  | 'booking_window_days'
  | 'check_in_time'
  | 'check_out_time'
  | 'instant_book'
  | 'cancellation_policy'
>

/** The booking terms given in a create or update body, checked against the current ones. */
function termsFrom(input: PlaceUpdateInput, currency: string, current: Terms): Partial<Terms> {
  const terms: Partial<Terms> = {}
  if (input.cleaning_fee !== undefined) {
    terms.cleaning_fee_minor =
      input.cleaning_fee === 0 ? 0 : toMinorUnits(input.cleaning_fee, currency, 'cleaning_fee')
  }
  if (input.min_nights !== undefined) terms.min_nights = input.min_nights
  if (input.max_nights !== undefined) terms.max_nights = input.max_nights
  if (input.advance_notice_days !== undefined) terms.advance_notice_days = input.advance_notice_days
  if (input.booking_window_days !== undefined) terms.booking_window_days = input.booking_window_days
  if (input.check_in_time !== undefined) terms.check_in_time = input.check_in_time
  if (input.check_out_time !== undefined) terms.check_out_time = input.check_out_time
  if (input.instant_book !== undefined) terms.instant_book = input.instant_book ? 1 : 0
  if (input.cancellation_policy !== undefined) terms.cancellation_policy = input.cancellation_policy
  if ((terms.min_nights ?? current.min_nights) > (terms.max_nights ?? current.max_nights)) {
    throw badRequest('min_nights must not be larger than max_nights', 'validation_failed')
  }
  return terms
}

const amenityRef = (a: Pick<AmenityRow, 'id' | 'name'>) => ({ id: a.id, name: a.name })

function timezone(value: string): string {
  const zone = value.trim()
  if (!LISTING_TIME_ZONES.has(zone))
    throw badRequest(`timezone "${value}" is not an IANA time zone such as Europe/Paris`, 'validation_failed')
  return zone
}

/** Whose places a list shows: `owner_id` (`me`: the caller's) and a status other than published. */
export interface PlaceListQuery {
  owner_id?: string
  status?: PlaceStatus
}

/**
 * `filter` narrowed to what `actor` may list: published places for everyone; every status of their
 * own places for a host (`owner_id`) and of anyone's for an admin, who may also ask for one status.
 */
function scopeOf(filter: PlaceFilter, query: PlaceListQuery, actor: Actor | null): PlaceFilter {
  const ownerId = query.owner_id === 'me' ? actor?.id : query.owner_id
  if (query.owner_id === 'me' && !actor) throw unauthorized('Missing Authorization Header', 'missing_token')
  const manages = actor !== null && (actor.isAdmin || (ownerId !== undefined && ownerId === actor.id))
  if (query.status && query.status !== 'published' && !manages) {
    throw forbidden('Only the owner and administrators see places that are not published', 'not_owner')
  }
  const statuses: PlaceStatus[] = query.status
    ? [query.status]
    : manages && ownerId !== undefined
      ? ['draft', 'published', 'suspended']
      : ['published']
  return { ...filter, statuses, ...(ownerId ? { ownerId } : {}) }
}

export interface PlaceServiceDeps {
  places: PlaceRepository
  users: UserRepository
  amenities: AmenityRepository
  cache: ResponseCache
  privacy: EmailPrivacy
  covers: CoversOf
}

export class PlaceService {
  private readonly listItems = new WeakMap<SerializeItem, VersionedItems>()
  private readonly details = new Lru<CachedResponse>(DETAILS_KEPT)

  constructor(private readonly deps: PlaceServiceDeps) {}

  async create(input: PlaceCreateInput, actor: Actor) {
    const currency = currencyCode(input.currency ?? 'USD')
    const ownerId = await this.ownerFor(input.owner_id, actor)
    const amenityIds = await this.checkAmenities(input.amenities ?? [])
    const now = nowIso()
    const row: PlaceRow = {
      id: uuidv7(),
      owner_id: ownerId,
      title: requiredText('title', input.title, TITLE_MAX),
      description: input.description?.trim() ?? '',
      price_minor: toMinorUnits(input.price, currency),
      currency,
      latitude: input.latitude,
      longitude: input.longitude,
      address: input.address?.trim() ?? '',
      city: input.city?.trim() ?? '',
      country: input.country?.toUpperCase() ?? '',
      timezone: timezone(input.timezone ?? 'UTC'),
      max_guests: input.max_guests ?? 2,
      bedrooms: input.bedrooms ?? 1,
      bathrooms: input.bathrooms ?? 1,
      status: this.statusFor(input.status ?? 'published', actor),
      ...DEFAULT_TERMS,
      ...termsFrom(input, currency, DEFAULT_TERMS),
      created_at: now,
      updated_at: now,
    }
    await this.deps.places.insert(row, amenityIds)
    await this.deps.cache.invalidate(Changes.place(row.id))
    const amenities = await this.deps.places.amenitiesOf(row.id)
    return { ...toPlaceSummary(row), amenities: amenities.map(amenityRef) }
  }

  /**
   * Published places for everyone. A host listing their own places (`owner_id`) sees every status;
   * so does an admin, who may also filter anyone's places by status.
   */
  async list(
    page: PageRequest,
    filter: PlaceFilter = {},
    query: PlaceListQuery = {},
    actor: Actor | null = null,
  ): Promise<Page<PlaceSummaryView>> {
    const scoped = scopeOf(filter, query, actor)
    const [rows, total] = await Promise.all([
      this.deps.places.list(page, scoped),
      this.deps.places.count(scoped),
    ])
    return mapPage(rows, toPlaceSummary, total)
  }

  /**
   * `list` serialized, item by item: a place's bytes are made once per version of its row and reused
   * (see infra/cache/item-bytes.ts), so a page reads only the ids and versions of its places and the
   * rows of the places changed since. Published-only pages are the same for every caller and are
   * cached; a manager's view of other statuses is built for them alone.
   */
  async listResponse(
    page: PageRequest,
    query: PlaceListQuery & { covers?: boolean } = {},
    actor: Actor | null = null,
    serializeItem: SerializeItem = JSON.stringify,
  ): Promise<CachedResponse> {
    const build = async (): Promise<CachedResponse> => {
      if (query.covers) {
        const built = await this.list(page, {}, query, actor)
        const items = await withCovers(built.items, this.deps.covers)
        const bytes = items.map((item) => itemBytesOf(item, serializeItem))
        return listResponseOf(bytes, { total: built.total, next: built.nextCursor })
      }
      const scoped = scopeOf({}, query, actor)
      const [versions, total] = await Promise.all([
        this.deps.places.listVersions(page, scoped),
        this.deps.places.count(scoped),
      ])
      const memo = this.listItemsOf(serializeItem)
      const items = await memo.bytesOf(
        versions.items,
        (ids: string[]) => this.deps.places.findByIds(ids),
        toPlaceSummary,
        serializeItem,
      )
      const pageKey = `${page.limit}:${page.after ?? ''}:${scoped.ownerId ?? ''}:${scoped.statuses}`
      return memo.pageResponseOf(pageKey, items, { total, next: versions.nextCursor })
    }
    const ownerId = query.owner_id === 'me' ? actor?.id : query.owner_id
    const managed = actor !== null && ownerId !== undefined && (actor.isAdmin || ownerId === actor.id)
    const publicOnly = (query.status ?? (managed ? undefined : 'published')) === 'published'
    if (!publicOnly || (query.owner_id === 'me' && !actor)) return build()
    const key = `places:${page.limit}:${page.after ?? ''}:${ownerId ?? ''}${query.covers ? ':covers' : ''}`
    return this.deps.cache.get('places', key, Tags.placeList(), build)
  }

  /** The memo of list items made by `serializeItem` (one per route's serializer). */
  private listItemsOf(serializeItem: SerializeItem): VersionedItems {
    let items = this.listItems.get(serializeItem)
    if (!items) {
      items = new VersionedItems()
      this.listItems.set(serializeItem, items)
    }
    return items
  }

  /** The published places a sitemap lists (at most `limit`, a sitemap file's ceiling). */
  sitemapPages(limit = SITEMAP_MAX) {
    return this.deps.places.publishedPages(limit)
  }

  /** Published places are public; drafts and suspended ones only to their owner and admins. */
  async detail(id: string, actor: Actor | null): Promise<PlaceDetailView> {
    const rows = await this.deps.places.findDetail(id, DETAIL_REVIEWS)
    if (!rows || !canSeePlace(rows.place, actor)) throw notFound(Messages.placeNotFound)
    const { place, amenities, reviews } = rows
    const { owner_id: ownerId, owner_first_name: first_name, owner_last_name: last_name } = place
    return {
      ...toPlaceSummary(place),
      owner: seesEmailOf(this.deps.privacy, actor, ownerId)
        ? { id: ownerId, first_name, last_name, email: place.owner_email }
        : { id: ownerId, first_name, last_name },
      amenities: amenities.map(amenityRef),
      reviews: reviews.map(toPlaceReviewView),
    }
  }

  /**
   * `detail` serialized. A published place looks the same to everyone and is cached; a draft or
   * suspended one is built for its owner or an admin alone. With private emails, admins get theirs
   * (with the owner's email) built for them too; everyone else sees the public one.
   */
  async detailResponse(id: string, actor: Actor | null, serialize?: Serialize): Promise<CachedResponse> {
    if (!this.deps.privacy.publicEmails && actor?.isAdmin) {
      return toResponse({ value: await this.detail(id, actor) }, serialize)
    }
    try {
      const build = () => this.publicDetailResponse(id, serialize)
      return await this.deps.cache.get('place', `place:${id}`, Tags.placeDetail(id), build, { serialize })
    } catch (error) {
      if (actor && error instanceof AppError && error.status === 404) {
        return toResponse({ value: await this.detail(id, actor) }, serialize)
      }
      throw error
    }
  }

  /**
   * The detail everyone sees, serialized once per version of the place where the database keeps one
   * that changes with everything the detail shows (SQLite: migration 0018's triggers).
   */
  private async publicDetailResponse(id: string, serialize?: Serialize): Promise<CachedResponse> {
    const version = await this.deps.places.detailVersion(id)
    const memo = version === undefined ? undefined : this.details.get(`${id}@${version}`)
    if (memo) return memo
    const response = toResponse({ value: await this.detail(id, null) }, serialize)
    if (version !== undefined) this.details.set(`${id}@${version}`, response)
    return response
  }

  async update(id: string, input: PlaceUpdateInput, actor: Actor): Promise<PlaceDetailView> {
    const place = await this.ownedBy(id, actor)
    const changes: PlaceUpdate = {}
    const currency = input.currency !== undefined ? currencyCode(input.currency) : place.currency
    if (input.title !== undefined) changes.title = requiredText('title', input.title, TITLE_MAX)
    if (input.description !== undefined) changes.description = input.description?.trim() ?? ''
    if (input.price !== undefined || currency !== place.currency) {
      changes.currency = currency
      changes.price_minor = toMinorUnits(
        input.price ?? toMajorUnits(place.price_minor, place.currency),
        currency,
      )
    }
    if (input.latitude !== undefined) changes.latitude = input.latitude
    if (input.longitude !== undefined) changes.longitude = input.longitude
    if (input.address !== undefined) changes.address = input.address.trim()
    if (input.city !== undefined) changes.city = input.city.trim()
    if (input.country !== undefined) changes.country = input.country.toUpperCase()
    if (input.timezone !== undefined) changes.timezone = timezone(input.timezone)
    if (input.max_guests !== undefined) changes.max_guests = input.max_guests
    if (input.bedrooms !== undefined) changes.bedrooms = input.bedrooms
    if (input.bathrooms !== undefined) changes.bathrooms = input.bathrooms
    if (input.status !== undefined) changes.status = this.statusFor(input.status, actor, place.status)
    Object.assign(changes, termsFrom(input, currency, place))
    if (actor.isAdmin && input.owner_id) {
      if (!(await this.deps.users.exists(input.owner_id)))
        throw badRequest('owner_id is not an existing user', 'validation_failed')
      changes.owner_id = input.owner_id
    }
    const amenityIds = input.amenities ? await this.checkAmenities(input.amenities) : undefined
    changes.updated_at = nowIso()
    await this.deps.places.update(id, changes, amenityIds)
    await this.deps.cache.invalidate(Changes.place(id))
    return this.detail(id, actor)
  }

  /** Refused while the place has bookings to honour; see PlaceRepository.delete for what stays. */
  async delete(id: string, actor: Actor): Promise<void> {
    await this.ownedBy(id, actor)
    const outcome = await this.deps.places.delete(id, nowIso())
    if (outcome === 'live_bookings') {
      throw conflict(
        'This place has current or upcoming bookings: unlist it instead (set its status to draft), ' +
          'or cancel those bookings, before deleting it',
        'place_has_bookings',
      )
    }
    await this.deps.cache.invalidate(Changes.place(id))
  }

  async amenitiesOf(id: string, actor: Actor | null) {
    const place = await this.visible(id, actor)
    return (await this.deps.places.amenitiesOf(place.id)).map(amenityRef)
  }

  /** Returns true when the amenity was newly linked. */
  async linkAmenity(id: string, amenityId: string, actor: Actor): Promise<boolean> {
    await this.ownedBy(id, actor)
    if (!(await this.deps.amenities.findById(amenityId))) throw notFound(Messages.amenityNotFound)
    try {
      const linked = await this.deps.places.linkAmenity(id, amenityId)
      await this.deps.cache.invalidate(Changes.place(id))
      return linked
    } catch (error) {
      if (isUniqueViolation(error)) return false
      throw error
    }
  }

  async unlinkAmenity(id: string, amenityId: string, actor: Actor): Promise<void> {
    await this.ownedBy(id, actor)
    if (!(await this.deps.amenities.findById(amenityId))) throw notFound(Messages.amenityNotFound)
    await this.deps.places.unlinkAmenity(id, amenityId)
    await this.deps.cache.invalidate(Changes.place(id))
  }

  private visible(id: string, actor: Actor | null): Promise<PlaceRow> {
    return findVisiblePlace(this.deps.places, id, actor)
  }

  private ownedBy(id: string, actor: Actor): Promise<PlaceRow> {
    return findManagedPlace(this.deps.places, id, actor)
  }

  /**
   * The HBnB rule: the owner is the caller, unless an admin names another existing user. A
   * non-admin naming another existing user is refused; an unknown id falls back to the caller.
   */
  private async ownerFor(requested: string | null | undefined, actor: Actor): Promise<string> {
    if (!requested || requested === actor.id) return actor.id
    if (!(await this.deps.users.exists(requested))) return actor.id
    if (!actor.isAdmin) throw forbidden(Messages.unauthorizedAction, 'not_owner')
    return requested
  }

  private statusFor(requested: PlaceStatus, actor: Actor, current?: PlaceStatus): PlaceStatus {
    const involvesSuspension = requested === 'suspended' || current === 'suspended'
    if (involvesSuspension && requested !== current && !actor.isAdmin) {
      throw forbidden('Only an administrator can suspend a listing or lift a suspension', 'admin_required')
    }
    return requested
  }

  private async checkAmenities(ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)]
    const found = new Set(await this.deps.amenities.existing(unique))
    const missing = unique.filter((id) => !found.has(id))
    if (missing.length)
      throw badRequest(`Invalid amenity id: ${missing.join(', ')}`, 'unknown_amenity', { missing })
    return unique
  }
}
