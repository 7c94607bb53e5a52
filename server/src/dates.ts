// Stay dates are calendar dates (YYYY-MM-DD) of the listing's IANA time zone, never timestamps.
// These helpers do date arithmetic in UTC (no DST surprises) and convert local times to instants.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DAY_MS = 86_400_000

export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value)
  if (!match) return false
  const [, y, m, d] = match.map(Number) as [number, number, number, number]
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

function toUtcMs(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return Date.UTC(y, m - 1, d)
}

function fromUtcMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

export function addDays(date: string, days: number): string {
  return fromUtcMs(toUtcMs(date) + days * DAY_MS)
}

/** Days since 1970-01-01 of a calendar date. */
export function dayNumber(date: string): number {
  return Math.round(toUtcMs(date) / DAY_MS)
}

/** The calendar date of a day number (days since 1970-01-01). */
export function dateOfDay(day: number): string {
  return fromUtcMs(day * DAY_MS)
}

/** The day number of UTC's date at `instant`. */
export function utcDayNumber(instant: number): number {
  return Math.floor(instant / DAY_MS)
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / DAY_MS)
}

/** The nights of a stay: every date from check-in up to, not including, check-out. */
export function nightsOf(checkIn: string, checkOut: string): string[] {
  const count = daysBetween(checkIn, checkOut)
  return Array.from({ length: Math.max(0, count) }, (_, i) => addDays(checkIn, i))
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** The wall-clock fields of an instant in a time zone. */
function wallClock(instant: number, timeZone: string) {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  )
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    ms: Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    ),
  }
}

/** The local calendar date of an instant in a time zone. */
export function localDate(instant: number, timeZone: string): string {
  if (timeZone === 'UTC') return fromUtcMs(instant)
  return wallClock(instant, timeZone).date
}

/**
 * The instant at which a local date and time (HH:MM) happens in a time zone. A time skipped by a
 * daylight-saving change resolves to the instant one hour later, as clocks do.
 */
export function localTimeToInstant(date: string, time: string, timeZone: string): number {
  const [h, m] = time.split(':').map(Number) as [number, number]
  const wanted = toUtcMs(date) + (h * 60 + m) * 60_000
  const offsetAt = (instant: number) => wallClock(instant, timeZone).ms - instant
  const first = wanted - offsetAt(wanted)
  const second = wanted - offsetAt(first)
  const exact = [first, second].filter((instant) => wallClock(instant, timeZone).ms === wanted)
  return exact.length ? Math.min(...exact) : Math.max(first, second)
}
