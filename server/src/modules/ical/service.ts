import { randomBytes, timingSafeEqual } from 'node:crypto'
import { addDays, localDate } from '../../dates.js'
import { isUniqueViolation } from '../../db/database.js'
import type { IcalFeedRow, PlaceRow } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import { availabilityChanged, type LiveEvents } from '../../domain/live.js'
import { badRequest, conflict, Messages, notFound } from '../../errors.js'
import { nowIso, uuidv7 } from '../../ids.js'
import type { ResponseCache } from '../../infra/cache/index.js'
import type { Logger } from '../../logger.js'
import { counter, startAtZero } from '../../metrics.js'
import { Changes } from '../cache-scopes.js'
import type { CalendarRepository } from '../calendar/repository.js'
import { findManagedPlace } from '../places/access.js'
import type { PlaceRepository } from '../places/repository.js'
import { checkFeedUrl, type FeedError, type IcalFetcher } from './fetch.js'
import { nightRuns, writeCalendar } from './format.js'
import type { FeedReading, ReadLimits } from './reader.js'
import type { IcalRepository } from './repository.js'
import {
  FEED_NAME_MAX,
  FEED_URL_MAX,
  type FeedCreateInput,
  type FeedView,
  type IcalSettingsView,
  type SyncResultView,
} from './schemas.js'

/** Feed syncs by outcome: ok, partial (some events unreadable), failed (the nights stay as they were). */
const icalSyncs = counter<'outcome'>('hbnb_ical_syncs_total', 'iCal feed imports by outcome', ['outcome'])
startAtZero(icalSyncs, [{ outcome: 'ok' }, { outcome: 'partial' }, { outcome: 'failed' }])

/** The export shows the nights from today up to this many days ahead. */
export const EXPORT_DAYS = 365
/** Imported events count from today up to this many days ahead. */
export const IMPORT_DAYS = 730
export const MAX_FEEDS_PER_PLACE = 20

export const SUMMARIES = { booking: 'Reserved', blocked: 'Not available' } as const

export interface IcalOptions {
  /** Bounds on reading one feed; READ_LIMITS unless replaced, in tests. */
  readLimits?: ReadLimits
}

export interface SyncAllResult {
  feeds: number
  ok: number
  failed: number
}

function newToken(): string {
  return randomBytes(32).toString('base64url')
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function exportUrl(baseUrl: string, placeId: string, token: string): string {
  const url = new URL(`/api/v1/places/${encodeURIComponent(placeId)}/calendar.ics`, baseUrl)
  url.searchParams.set('token', token)
  return url.toString()
}

function toFeedView(row: IcalFeedRow): FeedView {
  return {
    id: row.id,
    place_id: row.place_id,
    url: row.url,
    name: row.name,
    last_sync_at: row.last_sync_at,
    last_status: row.last_status,
    last_error: row.last_error,
    last_event_count: row.last_event_count === null ? null : Number(row.last_event_count),
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

/** Checks a feed URL a host gives: http or https, no credentials. */
function feedUrl(raw: string): string {
  const value = raw.trim()
  if (/^webcal:/i.test(value)) {
    throw badRequest(
      'url: webcal:// links are not fetched; use the same address with https://',
      'invalid_url',
    )
  }
  let url: URL
  try {
    url = checkFeedUrl(value)
  } catch (error) {
    throw badRequest(`url: ${(error as FeedError).message}`, 'invalid_url')
  }
  if (url.username || url.password) {
    throw badRequest('url: a feed URL must not contain a user name or password', 'invalid_url')
  }
  if (url.toString().length > FEED_URL_MAX) {
    throw badRequest(`url: at most ${FEED_URL_MAX} characters`, 'invalid_url')
  }
  return url.toString()
}

export interface IcalServiceDeps {
  places: PlaceRepository
  calendar: CalendarRepository
  feeds: IcalRepository
  fetcher: IcalFetcher
  options: IcalOptions
  logger: Logger
  cache: ResponseCache
  /** Told when imported blocks change (listing pages open in browsers change). */
  live: LiveEvents
  /** The clock (milliseconds since the epoch). */
  now: () => number
}

/**
 * Calendar sync with other sites: each listing publishes its booked and blocked nights at a
 * secret iCal URL, and imports the events of the hosts' external feeds as blocked nights.
 */
export class IcalService {
  constructor(private readonly deps: IcalServiceDeps) {}

  /**
   * The listing's calendar as iCalendar text, for whoever holds its secret token; 404 otherwise.
   * The token is the host's own grant to the sites they sync with, so it acts for the host: a
   * listing unpublished here keeps telling those sites which nights are taken (a deleted one has no
   * token and is not found).
   */
  async exportCalendar(placeId: string, token: string | undefined): Promise<string> {
    const place = await this.deps.places.findById(placeId)
    if (!place?.ical_token || !token || !sameSecret(token, place.ical_token)) {
      throw notFound(Messages.placeNotFound)
    }
    const today = localDate(this.deps.now(), place.timezone)
    const nights = await this.deps.feeds.exportNights(place.id, today, addDays(today, EXPORT_DAYS))
    const events = nightRuns(nights).map((run) => ({
      uid: `${run.start}-${run.kind}-${place.id}@hbnb`,
      start: run.start,
      end: run.end,
      summary: SUMMARIES[run.kind],
      stamp: run.stamp,
    }))
    return writeCalendar({ name: place.title, events })
  }

  /** The export URL (made on first request) and the imported feeds. */
  async settings(placeId: string, actor: Actor, baseUrl: string): Promise<IcalSettingsView> {
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    const token = await this.deps.feeds.ensureToken(place.id, newToken())
    return { export_url: exportUrl(baseUrl, place.id, token), feeds: await this.listOf(place.id) }
  }

  /** A new export token: the old URL stops working. */
  async rotate(placeId: string, actor: Actor, baseUrl: string): Promise<IcalSettingsView> {
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    const token = newToken()
    await this.deps.feeds.setToken(place.id, token)
    return { export_url: exportUrl(baseUrl, place.id, token), feeds: await this.listOf(place.id) }
  }

  async listFeeds(placeId: string, actor: Actor): Promise<FeedView[]> {
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    return this.listOf(place.id)
  }

  private async listOf(placeId: string): Promise<FeedView[]> {
    return (await this.deps.feeds.listForPlace(placeId)).map(toFeedView)
  }

  async addFeed(placeId: string, input: FeedCreateInput, actor: Actor): Promise<FeedView> {
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    const url = feedUrl(input.url)
    const existing = await this.deps.feeds.listForPlace(place.id)
    if (existing.some((feed) => feed.url === url)) {
      throw conflict('This listing already imports that feed', 'feed_exists')
    }
    if (existing.length >= MAX_FEEDS_PER_PLACE) {
      throw conflict(`A listing imports at most ${MAX_FEEDS_PER_PLACE} feeds`, 'too_many_feeds')
    }
    const name = (input.name?.trim() || new URL(url).hostname).slice(0, FEED_NAME_MAX)
    const at = nowIso()
    const row: IcalFeedRow = {
      id: uuidv7(),
      place_id: place.id,
      url,
      name,
      last_sync_at: null,
      last_status: null,
      last_error: null,
      last_event_count: null,
      created_at: at,
      updated_at: at,
    }
    await this.deps.feeds.insert(row)
    return toFeedView(row)
  }

  /** Removes the feed and unblocks the nights it blocked. */
  async removeFeed(placeId: string, feedId: string, actor: Actor): Promise<void> {
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    const feed = await this.deps.feeds.findForPlace(place.id, feedId)
    if (!feed) throw notFound('Feed not found', 'feed_not_found')
    const today = localDate(this.deps.now(), place.timezone)
    await this.deps.feeds.delete(place.id, feed.id)
    await this.deps.cache.invalidate(Changes.availability())
    // The feed's blocks went with it: at most the import window's nights.
    this.nightsChanged(place.id, [today, addDays(today, IMPORT_DAYS - 1)])
  }

  /** Tells the listing's viewers when imported nights changed (`nights` sorted). */
  private nightsChanged(placeId: string, nights: string[]) {
    if (nights.length === 0) return
    this.deps.live.publish(availabilityChanged(placeId, nights[0]!, nights[nights.length - 1]!))
  }

  /** "Sync now": fetches the feed and replaces its blocked nights. */
  async syncNow(placeId: string, feedId: string, actor: Actor): Promise<SyncResultView> {
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    const feed = await this.deps.feeds.findForPlace(place.id, feedId)
    if (!feed) throw notFound('Feed not found', 'feed_not_found')
    return this.sync(place, feed)
  }

  /** Syncs every feed of every listing, one after the other; one failure does not stop the rest. */
  async syncAll(): Promise<SyncAllResult> {
    const feeds = await this.deps.feeds.listAll()
    const places = new Map<string, PlaceRow | undefined>()
    const result: SyncAllResult = { feeds: feeds.length, ok: 0, failed: 0 }
    for (const feed of feeds) {
      try {
        if (!places.has(feed.place_id))
          places.set(feed.place_id, await this.deps.places.findById(feed.place_id))
        const place = places.get(feed.place_id)
        if (!place) continue
        const outcome = await this.sync(place, feed)
        if (outcome.status === 'ok') result.ok++
        else result.failed++
      } catch (error) {
        result.failed++
        icalSyncs.inc({ outcome: 'failed' })
        this.deps.logger.error({ err: error, feed_id: feed.id }, 'iCal feed sync failed')
      }
    }
    return result
  }

  /**
   * Fetches the feed and expands its events (recurring ones too) from today to two years ahead,
   * then replaces the nights the feed blocks by theirs. A fetch or read failure leaves the nights
   * as they were.
   */
  private async sync(place: PlaceRow, feed: IcalFeedRow): Promise<SyncResultView> {
    const today = localDate(this.deps.now(), place.timezone)
    const horizon = addDays(today, IMPORT_DAYS)
    let reading: FeedReading
    try {
      const text = await this.deps.fetcher.fetch(feed.url)
      // The reader (and ical.js) is loaded on the first import of a feed, not by every process at start-up.
      const { readFeed } = await import('./reader.js')
      const window = { from: today, to: horizon, timeZone: place.timezone }
      reading = readFeed(text, window, this.deps.options.readLimits)
    } catch (error) {
      return this.failed(place, feed, error instanceof Error ? error.message : String(error))
    }
    const { events, nights } = reading
    const warning = unreadableWarning(reading)
    const at = nowIso()
    let replaced: Awaited<ReturnType<CalendarRepository['replaceBlocks']>>
    try {
      replaced = await this.deps.calendar.replaceBlocks(place.id, feed.id, nights, at)
    } catch (error) {
      // A booking or block took one of the nights between the check and the insert.
      if (!isUniqueViolation(error)) throw error
      return this.failed(place, feed, 'the calendar changed during the sync: try again')
    }
    const { blocked, skipped } = replaced
    const recorded = await this.deps.feeds.recordSync(feed.id, {
      last_sync_at: at,
      last_status: 'ok',
      last_error: warning,
      last_event_count: events,
    })
    // Deleted while it synced: the nights it just blocked must not outlive it.
    if (!recorded) await this.deps.calendar.replaceBlocks(place.id, feed.id, [], at)
    await this.deps.cache.invalidate(Changes.availability())
    this.nightsChanged(place.id, replaced.changed)
    icalSyncs.inc({ outcome: warning ? 'partial' : 'ok' })
    if (warning)
      this.deps.logger.info({ feed_id: feed.id, place_id: place.id, warning }, 'iCal feed partly read')
    return { status: 'ok', events, blocked, skipped: skipped.sort(), error: warning }
  }

  /** Records a failed sync; the feed's nights stay as they were. */
  private async failed(place: PlaceRow, feed: IcalFeedRow, message: string): Promise<SyncResultView> {
    await this.deps.feeds.recordSync(feed.id, {
      last_sync_at: nowIso(),
      last_status: 'error',
      last_error: message,
      last_event_count: null,
    })
    icalSyncs.inc({ outcome: 'failed' })
    this.deps.logger.info({ feed_id: feed.id, place_id: place.id, error: message }, 'iCal feed sync failed')
    return { status: 'error', events: 0, blocked: 0, skipped: [], error: message }
  }
}

/** What a host should hear about events that could not be read; null when there were none. */
function unreadableWarning({ unreadable }: FeedReading): string | null {
  if (unreadable.length === 0) return null
  const [first] = unreadable
  const count = unreadable.length === 1 ? '1 event' : `${unreadable.length} events`
  return `${count} could not be read and ${unreadable.length === 1 ? 'was' : 'were'} left out (${first!.uid || 'no UID'}: ${first!.reason})`
}
