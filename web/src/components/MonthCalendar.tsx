import type { ReactNode } from 'react'
import type { Night } from '../api/types'
import { useI18n } from '../i18n'
import { monthGrid } from '../lib/dates'

export interface MonthCalendarProps {
  /** First day of the month, YYYY-MM-01. */
  month: string
  nights: Map<string, Night>
  /** Selected range [start, end] (end inclusive for display). */
  start?: string | undefined
  end?: string | undefined
  /** Days before this are past: shown, not selectable. */
  today: string
  onPick?: (date: string) => void
  /** Whether a night can be picked (guests: available nights; hosts: any night). */
  selectable?: (date: string, night: Night | undefined) => boolean
  /** Extra content under the day number (the host's prices). */
  extra?: (date: string, night: Night | undefined) => ReactNode
}

export function MonthCalendar({
  month,
  nights,
  start,
  end,
  today,
  onPick,
  selectable,
  extra,
}: MonthCalendarProps) {
  const { t, locale } = useI18n()
  const tag = locale === 'fr' ? 'fr-FR' : 'en-GB'
  const [y, m] = month.split('-').map(Number) as [number, number]
  const title = new Intl.DateTimeFormat(tag, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    Date.UTC(y, m - 1, 1),
  )
  const weekdays = Array.from({ length: 7 }, (_, i) =>
    new Intl.DateTimeFormat(tag, { weekday: 'narrow', timeZone: 'UTC' }).format(Date.UTC(2024, 0, 1 + i)),
  )
  const longDay = new Intl.DateTimeFormat(tag, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  })
  const cells = monthGrid(month)
  const rows: (string | null)[][] = []
  for (let i = 0; i < cells.length; i += 7) rows.push(cells.slice(i, i + 7))
  while ((rows[rows.length - 1]?.length ?? 7) < 7) rows[rows.length - 1]?.push(null)
  return (
    <div className="month">
      <table className="month-table">
        <caption>{title}</caption>
        <thead>
          <tr>
            {weekdays.map((day, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: weekday columns are positional
              <th key={i} scope="col" abbr={day}>
                {day}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: weeks are positional
            <tr key={r}>
              {row.map((date, i) => {
                if (!date) {
                  // biome-ignore lint/suspicious/noArrayIndexKey: empty cells are positional
                  return <td key={`e${i}`} />
                }
                const night = nights.get(date)
                const past = date < today
                const status = past ? 'past' : (night?.status ?? 'unknown')
                const inRange = Boolean(start && (end ? date >= start && date <= end : date === start))
                const canPick = !past && (selectable ? selectable(date, night) : status === 'available')
                const [yy, mm, dd] = date.split('-').map(Number) as [number, number, number]
                const label = `${longDay.format(Date.UTC(yy, mm - 1, dd))}, ${t(`calendar.status.${status}` as 'calendar.status.available')}`
                return (
                  <td key={date}>
                    <button
                      type="button"
                      className={`day day-${status} ${inRange ? 'is-selected' : ''} ${date === start || date === end ? 'is-edge' : ''}`}
                      aria-pressed={inRange}
                      disabled={!onPick || !canPick}
                      onClick={() => onPick?.(date)}
                    >
                      {/* The full date and status are the button's name; the number alone is what shows. */}
                      <span className="day-number" aria-hidden="true">
                        {dd}
                      </span>
                      <span className="visually-hidden">{label}</span>
                      {extra?.(date, night)}
                    </button>
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
