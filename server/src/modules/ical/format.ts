// iCalendar (RFC 5545) text: writing a listing's calendar, and the checks and night arithmetic of
// an import. Only what calendar sync needs: all-day VEVENTs out; feeds are read by reader.ts.
import { addDays, nightsOf } from '../../dates.js'

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

/** True when the text is an iCalendar object (a byte order mark and blank lines may come first). */
export function looksLikeICalendar(text: string): boolean {
  return /^BEGIN:VCALENDAR[ \t]*(\r\n|\r|\n|$)/i.test(text.replace(/^\uFEFF/, '').trimStart())
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
