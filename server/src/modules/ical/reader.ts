// Reading an imported iCal feed: ical.js parses it and expands recurring events (RRULE, RDATE,
// EXDATE, RECURRENCE-ID overrides, cancelled instances) over the import window; each occurrence
// becomes the nights it takes in the listing's time zone.
import { runInNewContext } from 'node:vm'
import ICAL from 'ical.js'
import { addDays, localDate, localTimeToInstant } from '../../dates.js'
import { FeedError } from './fetch.js'
import { coveredNights } from './format.js'

/** The listing dates [from, to) whose nights an import fills, and the listing's time zone. */
export interface ImportWindow {
  from: string
  to: string
  timeZone: string
}

export interface ReadLimits {
  /** Occurrences stepped through per feed, those before the window included; more fails the sync. */
  maxOccurrences: number
  /** CPU time for parsing and expanding one feed; past it the reading is stopped and fails. */
  timeLimitMs: number
}

export const READ_LIMITS: ReadLimits = { maxOccurrences: 20_000, timeLimitMs: 5_000 }

/** One occurrence of an event, as the nights [start, end) of listing dates it takes. */
export interface Occurrence {
  uid: string
  summary: string
  start: string
  end: string
}

export interface FeedReading {
  /** Events of the feed that are not cancelled; a recurring event counts once. */
  events: number
  /** Events left out because they could not be read, with why. */
  unreadable: { uid: string; reason: string }[]
  /** Occurrences that take at least one night of the window, in feed order. */
  occurrences: Occurrence[]
  /** The window's nights taken by any occurrence, sorted. */
  nights: string[]
}

/**
 * Parses and expands a feed within the limits. A feed that is not iCalendar, or needs more
 * occurrences or time than allowed, is a FeedError: nothing of it is used.
 */
export function readFeed(text: string, window: ImportWindow, limits: ReadLimits = READ_LIMITS): FeedReading {
  try {
    // The vm timeout interrupts whatever runs inside the call, the functions of this module
    // included: it bounds recurrence rules that ical.js would iterate forever.
    return runInNewContext(
      'read()',
      { read: () => expandFeed(text, window, limits.maxOccurrences) },
      {
        timeout: limits.timeLimitMs,
      },
    ) as FeedReading
  } catch (error) {
    if (error instanceof FeedError) throw error
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new FeedError(`feed took more than ${limits.timeLimitMs / 1000} s to read: not imported`)
    }
    throw new FeedError(`feed is not valid iCalendar: ${(error as Error).message}`)
  }
}

type Component = InstanceType<typeof ICAL.Component>
type Event = InstanceType<typeof ICAL.Event>
type Time = InstanceType<typeof ICAL.Time>

function expandFeed(text: string, window: ImportWindow, maxOccurrences: number): FeedReading {
  const masters: Component[] = []
  const overrides = new Map<string, Component[]>()
  for (const calendar of parseCalendars(text)) {
    for (const component of calendar.getAllSubcomponents('vevent')) {
      if (component.hasProperty('recurrence-id')) {
        const uid = uidOf(component)
        const series = overrides.get(uid)
        if (series) series.push(component)
        else overrides.set(uid, [component])
      } else masters.push(component)
    }
  }
  // An override whose series is not in the feed stands alone.
  const masterUids = new Set(masters.map(uidOf))
  for (const [uid, components] of overrides) {
    if (!masterUids.has(uid)) masters.push(...components)
  }

  const reading: FeedReading = { events: 0, unreadable: [], occurrences: [], nights: [] }
  const budget: Budget = { left: maxOccurrences, max: maxOccurrences }
  for (const component of masters) {
    const uid = uidOf(component)
    if (isCancelled(component)) continue
    try {
      const event = new ICAL.Event(component, { exceptions: [] })
      if (event.isRecurring()) {
        for (const override of overrides.get(uid) ?? []) {
          try {
            event.relateException(override)
          } catch (error) {
            reading.unreadable.push({ uid, reason: `RECURRENCE-ID: ${(error as Error).message}` })
          }
        }
      }
      const occurrences = expandEvent(event, window, budget)
      reading.events++
      reading.occurrences.push(...occurrences.map((occurrence) => ({ uid, ...occurrence })))
    } catch (error) {
      if (error instanceof FeedError) throw error
      reading.unreadable.push({ uid, reason: (error as Error).message })
    }
  }
  reading.nights = coveredNights(reading.occurrences, window.from, window.to)
  return reading
}

interface Budget {
  left: number
  max: number
}

/** The occurrences of one event (its series when it recurs) that take nights of the window. */
function expandEvent(event: Event, window: ImportWindow, budget: Budget): Omit<Occurrence, 'uid'>[] {
  if (!event.component.hasProperty('dtstart')) throw new Error('no DTSTART')
  const ranges: Omit<Occurrence, 'uid'>[] = []
  const take = (item: Event, range: { start: string; end: string }) => {
    if (range.start < window.to && range.end > window.from)
      ranges.push({ summary: item.summary ?? '', ...range })
  }
  const spend = () => {
    if (--budget.left < 0) {
      throw new FeedError(
        `feed has more than ${budget.max} event occurrences up to ${window.to}: not imported`,
      )
    }
  }
  if (!event.isRecurring()) {
    spend()
    take(event, nightsTaken(event, event.startDate, event.endDate, window.timeZone))
    return ranges
  }
  // Wall-clock dates of any zone are within a day of the listing's: past this, nothing more counts.
  const stop = addDays(window.to, 1)
  const start = event.startDate
  const occurrence = (recurrenceId: Time) => {
    spend()
    const details = event.getOccurrenceDetails(recurrenceId)
    const item = details.item
    if (item !== event && isCancelled(item.component)) return
    take(item, nightsTaken(item, details.startDate, details.endDate, window.timeZone))
  }
  // An occurrence starting this early ends before the window, unless an override changes it.
  const spanDays = Math.ceil(Math.max(0, event.duration.toSeconds()) / 86_400)
  const skipBefore =
    Object.keys(event.exceptions).length === 0 ? addDays(window.from, -(spanDays + 2)) : undefined
  let sawStart = false
  const iterator = event.iterator()
  for (let next = iterator.next(); next; next = iterator.next()) {
    const date = dateOf(next)
    if (date > stop) break
    if (next.compare(start) === 0) sawStart = true
    if (skipBefore && date < skipBefore) spend()
    else occurrence(next)
  }
  // DTSTART is the first occurrence (RFC 5545 3.8.5.3), even where ical.js leaves it out: with
  // RDATE and no RRULE, or a DTSTART the RRULE does not match (ical.js issues 294 and 534).
  if (!sawStart && !isExcluded(event.component, start)) occurrence(start)
  return ranges
}

/** Whether an EXDATE of the event takes out this occurrence (a DATE takes out the whole day). */
function isExcluded(component: Component, time: Time): boolean {
  return component
    .getAllProperties('exdate')
    .flatMap((property) => property.getValues() as Time[])
    .some((excluded) => (excluded.isDate ? dateOf(excluded) === dateOf(time) : excluded.compare(time) === 0))
}

/**
 * The nights an occurrence takes: from the listing date of its start to that of its end. No end,
 * or an end on the start's date (a few hours within one day), means one night.
 */
function nightsTaken(
  item: Event,
  start: Time,
  end: Time | null | undefined,
  timeZone: string,
): { start: string; end: string } {
  const startTzid = tzidOf(item.component, 'dtstart')
  const first = listingDate(start, startTzid, timeZone)
  let last = end ? listingDate(end, tzidOf(item.component, 'dtend') ?? startTzid, timeZone) : undefined
  if (!last || last <= first) last = addDays(first, 1)
  return { start: first, end: last }
}

const knownZones = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])

/**
 * The listing's date of a DTSTART or DTEND: a DATE as is; a UTC time, or a time in an IANA zone
 * (the system's zone data), or in a zone the feed defines in a VTIMEZONE (such as Outlook's
 * "W. Europe Standard Time"), converted to the listing's zone; a floating time, or one in a zone
 * nothing defines, by its date.
 */
function listingDate(time: Time, tzid: string | undefined, timeZone: string): string {
  const date = dateOf(time)
  if (time.isDate) return date
  if (time.zone === ICAL.Timezone.utcTimezone) {
    return localDate(
      Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second),
      timeZone,
    )
  }
  const zoneId = time.zone && time.zone !== ICAL.Timezone.localTimezone ? time.zone.tzid : tzid
  if (zoneId && knownZones.has(zoneId)) {
    const clock = `${pad(time.hour)}:${pad(time.minute)}`
    return localDate(localTimeToInstant(date, clock, zoneId) + time.second * 1000, timeZone)
  }
  if (time.zone?.component) return localDate(time.toUnixTime() * 1000, timeZone)
  return date
}

function dateOf(time: Time): string {
  return `${String(time.year).padStart(4, '0')}-${pad(time.month)}-${pad(time.day)}`
}

const pad = (n: number) => String(n).padStart(2, '0')

function tzidOf(component: Component, property: string): string | undefined {
  const tzid = component.getFirstProperty(property)?.getParameter('tzid')
  return typeof tzid === 'string' ? tzid : undefined
}

function uidOf(component: Component): string {
  const uid = component.getFirstPropertyValue('uid')
  return typeof uid === 'string' ? uid : ''
}

function isCancelled(component: Component): boolean {
  const status = component.getFirstPropertyValue('status')
  return typeof status === 'string' && status.trim().toUpperCase() === 'CANCELLED'
}

/** The VCALENDARs of the text (usually one). */
function parseCalendars(text: string): Component[] {
  const parsed = ICAL.parse(repairLines(text)) as unknown[]
  const roots = (Array.isArray(parsed[0]) ? parsed : [parsed]) as unknown[][]
  for (const root of roots) repairDates(root)
  return roots.map((root) => new ICAL.Component(root as never)).filter((root) => root.name === 'vcalendar')
}

const CONTENT_LINE = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)?[;:]/

/**
 * Drops a byte order mark, and reads a line that is not a content line (a value broken across
 * lines without the leading space folding needs, as some exporters write) as a continuation of
 * the line before, instead of refusing the whole feed.
 */
function repairLines(text: string): string {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  return lines
    .map((line, i) =>
      i > 0 && line !== '' && !/^[ \t]/.test(line) && !CONTENT_LINE.test(line) ? ` ${line}` : line,
    )
    .join('\r\n')
}

const DATE_PROPERTIES = new Set(['dtstart', 'dtend', 'recurrence-id', 'exdate', 'rdate'])

/**
 * A date written without VALUE=DATE (DTSTART:20270105, as some exporters write) is parsed as a
 * DATE-TIME without a time; it is made the DATE it is.
 */
function repairDates(component: unknown[]): void {
  const [, properties, components] = component as [string, unknown[][], unknown[][]]
  for (const property of properties ?? []) {
    if (!DATE_PROPERTIES.has(property[0] as string) || property[2] !== 'date-time') continue
    const values = property.slice(3)
    if (
      values.length &&
      values.every((value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T::$/.test(value))
    ) {
      property.splice(
        2,
        property.length - 2,
        'date',
        ...values.map((value) => (value as string).slice(0, 10)),
      )
    }
  }
  for (const child of components ?? []) repairDates(child)
}
