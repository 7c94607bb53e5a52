// Calendar dates as YYYY-MM-DD strings (local dates of a listing), computed without time zones.

export function todayIn(timeZone?: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(new Date())
  } catch {
    return new Date().toISOString().slice(0, 10)
  }
}

export function addDays(ymd: string, days: number): string {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

export function daysBetween(from: string, to: string): number {
  const a = Date.parse(`${from}T00:00:00Z`)
  const b = Date.parse(`${to}T00:00:00Z`)
  return Math.round((b - a) / 86_400_000)
}

export function isDate(value: string | null | undefined): value is string {
  return Boolean(value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)))
}

export function monthStart(ymd: string): string {
  return `${ymd.slice(0, 7)}-01`
}

export function addMonths(ymd: string, months: number): string {
  const [y, m] = ymd.split('-').map(Number) as [number, number]
  return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 10)
}

/** The dates of a month's grid: leading nulls so the first day falls on its weekday (Monday first). */
export function monthGrid(first: string): (string | null)[] {
  const [y, m] = first.split('-').map(Number) as [number, number]
  const start = new Date(Date.UTC(y, m - 1, 1))
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate()
  const lead = (start.getUTCDay() + 6) % 7
  const cells: (string | null)[] = Array.from({ length: lead }, () => null)
  for (let d = 1; d <= days; d++) cells.push(`${first.slice(0, 8)}${String(d).padStart(2, '0')}`)
  return cells
}
