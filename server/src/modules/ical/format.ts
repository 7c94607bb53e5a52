// iCalendar (RFC 5545) text: writing a listing's calendar and reading the events of a feed.
// Only what calendar sync needs: all-day VEVENTs out; VEVENT dates, status and uid in.
import { addDays, isCalendarDate, localDate, localTimeToInstant, nightsOf } from '../../dates.js'

const CRLF = '\r\n'
/** Content lines are at most 75 octets long, line break excluded (RFC 5545 section 3.1). */
const LINE_OCTETS = 75

// ---------------------------------------------------------------------------------------------
// Writing

/** Escapes a TEXT value: backslash, semicolon, comma and line breaks. */
export function escapeText(value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n')
}

/**
 * Folds one content line into lines of at most 75 octets (UTF-8), continuation lines starting
 * with a space. A character is never split across lines.
 */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= LINE_OCTETS) return line
  const lines: string[] = []
  let current = ''
  let octets = 0
  let limit = LINE_OCTETS
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8')
    if (octets + size > limit) {
      lines.push(current)
      current = ''
      octets = 0
      limit = LINE_OCTETS - 1 // the leading space counts
    }
    current += char
    octets += size
  }
  lines.push(current)
  return lines.join(`${CRLF} `)
}

/** Joins content lines into iCalendar text: folded, each ended by CRLF. */
export function contentLines(lines: string[]): string {
  return lines.map((line) => `${foldLine(line)}${CRLF}`).join('')
}

/** 2026-06-01 -> 20260601 */
export function icalDate(date: string): string {
  return date.replaceAll('-', '')
}

/** An instant as a UTC DATE-TIME: 20260601T120000Z. */
export function icalTimestamp(instant: number | string): string {
  return new Date(instant)
    .toISOString()
    .replace(/\.\d{3}/, '')
    .replace(/[-:]/g, '')
}

export interface ExportEvent {
  uid: string
  /** First night, YYYY-MM-DD. */
  start: string
  /** The day after the last night (exclusive end), YYYY-MM-DD. */
  end: string
  summary: string
  /** Last change, an ISO instant. */
  stamp: string
}

export interface ExportCalendar {
  name: string
  events: ExportEvent[]
}

export const PRODID = '-//HBNB//HBNB Calendar 1.0//EN'

/** A VCALENDAR of all-day events. The same input always gives the same text (ETags rely on it). */
export function writeCalendar(calendar: ExportCalendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    `PRODID:${PRODID}`,
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(calendar.name)}`,
  ]
  for (const event of calendar.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(event.uid)}`,
      `DTSTAMP:${icalTimestamp(event.stamp)}`,
      `DTSTART;VALUE=DATE:${icalDate(event.start)}`,
      `DTEND;VALUE=DATE:${icalDate(event.end)}`,
      `SUMMARY:${escapeText(event.summary)}`,
      'TRANSP:OPAQUE',
      'END:VEVENT',
    )
  }
  lines.push('END:VCALENDAR')
  return contentLines(lines)
}

export interface NightRun<K extends string> {
  kind: K
  /** First night. */
  start: string
  /** Exclusive end: the day after the last night. */
  end: string
  /** Latest `created_at` of the run's nights. */
  stamp: string
}

/** Groups nights (sorted by date) into runs of consecutive nights of the same kind. */
export function nightRuns<K extends string>(
  nights: { night: string; kind: K; created_at: string }[],
): NightRun<K>[] {
  const runs: NightRun<K>[] = []
  for (const { night, kind, created_at } of nights) {
    const last = runs[runs.length - 1]
    if (last && last.kind === kind && last.end === night) {
      last.end = addDays(night, 1)
      if (created_at > last.stamp) last.stamp = created_at
    } else {
      runs.push({ kind, start: night, end: addDays(night, 1), stamp: created_at })
    }
  }
  return runs
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Undoes line folding: a line break followed by one space or tab continues the previous line. */
export function unfold(text: string): string {
  return text.replace(/\r\n[ \t]|\r[ \t]|\n[ \t]/g, '')
}

export function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c))
}

export interface ContentLine {
  /** Upper-cased property name. */
  name: string
  /** Parameters, names upper-cased, quotes removed. */
  params: Record<string, string>
  value: string
}

/** Parses one unfolded content line: NAME;PARAM=VALUE;PARAM="QUOTED":VALUE. */
export function parseContentLine(line: string): ContentLine | null {
  let i = 0
  let inQuotes = false
  let colon = -1
  for (; i < line.length; i++) {
    const c = line[i]
    if (c === '"') inQuotes = !inQuotes
    else if (c === ':' && !inQuotes) {
      colon = i
      break
    }
  }
  if (colon <= 0) return null
  const head = line.slice(0, colon)
  const value = line.slice(colon + 1)
  const parts: string[] = []
  let part = ''
  inQuotes = false
  for (const c of head) {
    if (c === '"') inQuotes = !inQuotes
    if (c === ';' && !inQuotes) {
      parts.push(part)
      part = ''
    } else part += c
  }
  parts.push(part)
  const name = parts[0]!.trim().toUpperCase()
  if (!/^[A-Z0-9-]+$/.test(name)) return null
  const params: Record<string, string> = {}
  for (const param of parts.slice(1)) {
    const eq = param.indexOf('=')
    if (eq <= 0) continue
    params[param.slice(0, eq).trim().toUpperCase()] = param.slice(eq + 1).replace(/"/g, '')
  }
  return { name, params, value }
}

/** A DTSTART or DTEND: a calendar date, or a date and time (UTC, in a zone, or floating). */
export interface IcalDateValue {
  date: string
  /** HH:MM:SS when the value is a DATE-TIME. */
  time?: string
  utc?: boolean
  tzid?: string
}

const DATE_VALUE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/

export function parseDateValue(value: string, params: Record<string, string> = {}): IcalDateValue | null {
  const match = DATE_VALUE.exec(value.trim().toUpperCase())
  if (!match) return null
  const [, y, m, d, hh, mm, ss, z] = match
  const date = `${y}-${m}-${d}`
  if (!isCalendarDate(date)) return null
  if (hh === undefined || params.VALUE?.toUpperCase() === 'DATE') return { date }
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60) return null
  const parsed: IcalDateValue = { date, time: `${hh}:${mm}:${ss}` }
  if (z) parsed.utc = true
  else if (params.TZID) parsed.tzid = params.TZID
  return parsed
}

/** A DURATION (RFC 5545 3.3.6) in whole days and seconds; null when malformed. */
export function parseDuration(value: string): { days: number; seconds: number } | null {
  const text = value.trim().toUpperCase()
  const match = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text)
  if (!match || text.endsWith('P') || text.endsWith('T')) return null
  const [, sign, weeks, days, hours, minutes, seconds] = match
  const factor = sign === '-' ? -1 : 1
  return {
    days: factor * (Number(weeks ?? 0) * 7 + Number(days ?? 0)),
    seconds: factor * (Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0)),
  }
}

export interface FeedEvent {
  uid: string
  summary: string
  status: string
  start: IcalDateValue
  end?: IcalDateValue
  duration?: { days: number; seconds: number }
}

export interface ParsedCalendar {
  events: FeedEvent[]
  /** VEVENTs left out because their DTSTART was missing or unreadable. */
  invalid: number
}

/** True when the text is an iCalendar object (a byte order mark and blank lines may come first). */
export function looksLikeICalendar(text: string): boolean {
  return /^BEGIN:VCALENDAR[ \t]*(\r\n|\r|\n|$)/i.test(text.replace(/^\uFEFF/, '').trimStart())
}

/** The VEVENTs of an iCalendar text. Lenient: unknown properties and components are ignored. */
export function parseCalendar(text: string): ParsedCalendar {
  const lines = unfold(text.replace(/^\uFEFF/, '')).split(/\r\n|\r|\n/)
  const events: FeedEvent[] = []
  let invalid = 0
  /** Components open around the current line; properties count only directly inside a VEVENT. */
  const stack: string[] = []
  let current: Partial<FeedEvent> & { startInvalid?: boolean } = {}
  for (const raw of lines) {
    if (!raw.trim()) continue
    const line = parseContentLine(raw)
    if (!line) continue
    if (line.name === 'BEGIN') {
      const component = line.value.trim().toUpperCase()
      stack.push(component)
      if (component === 'VEVENT') current = {}
      continue
    }
    if (line.name === 'END') {
      const component = line.value.trim().toUpperCase()
      const index = stack.lastIndexOf(component)
      if (index >= 0) stack.length = index
      if (component === 'VEVENT') {
        if (current.start) {
          events.push({
            uid: current.uid ?? '',
            summary: current.summary ?? '',
            status: current.status ?? '',
            start: current.start,
            ...(current.end ? { end: current.end } : {}),
            ...(current.duration ? { duration: current.duration } : {}),
          })
        } else invalid++
        current = {}
      }
      continue
    }
    if (stack[stack.length - 1] !== 'VEVENT') continue
    switch (line.name) {
      case 'UID':
        current.uid = unescapeText(line.value)
        break
      case 'SUMMARY':
        current.summary = unescapeText(line.value)
        break
      case 'STATUS':
        current.status = line.value.trim().toUpperCase()
        break
      case 'DTSTART': {
        const start = parseDateValue(line.value, line.params)
        if (start) current.start = start
        break
      }
      case 'DTEND': {
        const end = parseDateValue(line.value, line.params)
        if (end) current.end = end
        break
      }
      case 'DURATION': {
        const duration = parseDuration(line.value)
        if (duration) current.duration = duration
        break
      }
    }
  }
  return { events, invalid }
}

const knownZones = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])

/**
 * The listing's local date of a DTSTART/DTEND: a DATE as is; a UTC or TZID time converted to
 * the listing's time zone; a floating time, or one in a zone we do not know, by its date part.
 */
export function toListingDate(value: IcalDateValue, timeZone: string): string {
  if (!value.time) return value.date
  const { instant, exact } = instantOf(value)
  return exact ? localDate(instant, timeZone) : value.date
}

/** The instant of a DATE-TIME: exact for UTC and known zones, wall clock read as UTC otherwise. */
function instantOf(value: IcalDateValue): { instant: number; exact: boolean } {
  const [y, m, d] = value.date.split('-').map(Number) as [number, number, number]
  const [hh, mm, ss] = (value.time ?? '00:00:00').split(':').map(Number) as [number, number, number]
  const wallClock = Date.UTC(y, m - 1, d, hh, mm, ss)
  if (value.time && value.utc) return { instant: wallClock, exact: true }
  if (value.time && value.tzid && knownZones.has(value.tzid)) {
    return {
      instant: localTimeToInstant(value.date, value.time.slice(0, 5), value.tzid) + ss * 1000,
      exact: true,
    }
  }
  return { instant: wallClock, exact: false }
}

/**
 * The nights an event takes, as [start, end) of the listing's local dates. No end (nor duration)
 * means one night; an end on or before the start (such as a few hours within one day) too.
 */
export function eventRange(event: FeedEvent, timeZone: string): { start: string; end: string } {
  const start = toListingDate(event.start, timeZone)
  let end: string | undefined
  if (event.end) {
    end = toListingDate(event.end, timeZone)
  } else if (event.duration) {
    const { instant, exact } = instantOf(event.start)
    const endInstant = instant + (event.duration.days * 86_400 + event.duration.seconds) * 1000
    end = exact ? localDate(endInstant, timeZone) : new Date(endInstant).toISOString().slice(0, 10)
  }
  if (!end || end <= start) end = addDays(start, 1)
  return { start, end }
}

/**
 * The nights covered by any of the [start, end) ranges within [from, to), sorted. Ranges are
 * clipped and merged first, so the work stays small whatever a feed holds.
 */
export function coveredNights(ranges: { start: string; end: string }[], from: string, to: string): string[] {
  // Dates written YYYY-MM-DD compare and sort as text.
  const clipped = ranges
    .map((r) => ({ start: r.start < from ? from : r.start, end: r.end > to ? to : r.end }))
    .filter((r) => r.start < r.end)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  const merged: { start: string; end: string }[] = []
  for (const range of clipped) {
    const last = merged[merged.length - 1]
    if (last && range.start <= last.end) {
      if (range.end > last.end) last.end = range.end
    } else merged.push({ ...range })
  }
  return merged.flatMap((r) => nightsOf(r.start, r.end))
}
