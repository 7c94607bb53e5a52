// Two months of a place's calendar at a time, the buttons that move them and their legend: the listing page (guests
// pick their dates) and the host's calendar (hosts block nights and set prices) show the same thing.
import { type UseQueryResult, useQuery } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { calendarQueries } from '../api/queries/calendar'
import type { Night } from '../api/types'
import { useI18n } from '../i18n'
import { addMonths } from '../lib/dates'
import { MonthCalendar, type MonthCalendarProps } from './MonthCalendar'
import { ErrorBox, Skeleton } from './ui'

export interface CalendarMonths {
  /** The first days of the two months shown. */
  months: [string, string]
  calendar: UseQueryResult<Night[]>
  /** The nights of the two months by date. */
  nights: Map<string, Night>
  canGoBack: boolean
  previous: () => void
  next: () => void
}

/**
 * The months from `initial` (a YYYY-MM-01), never before `earliest` when given, with the place's
 * nights in them.
 */
export function useCalendarMonths(
  placeId: string,
  initial: () => string,
  { earliest, enabled = true }: { earliest?: string; enabled?: boolean } = {},
): CalendarMonths {
  const [first, setFirst] = useState(initial)
  const calendar = useQuery({ ...calendarQueries.range(placeId, first, addMonths(first, 2)), enabled })
  const nights = useMemo(() => new Map((calendar.data ?? []).map((n) => [n.date, n])), [calendar.data])
  return {
    months: [first, addMonths(first, 1)],
    calendar,
    nights,
    canGoBack: earliest === undefined || first > earliest,
    previous: () => setFirst(addMonths(first, -1)),
    next: () => setFirst(addMonths(first, 1)),
  }
}

/** The previous and next buttons of a `useCalendarMonths`. */
export function MonthNav({ months }: { months: CalendarMonths }) {
  const { t } = useI18n()
  return (
    <div className="month-nav">
      <button
        type="button"
        className="btn btn-ghost btn-small"
        disabled={!months.canGoBack}
        onClick={months.previous}
        aria-label={t('calendar.previous')}
      >
        ‹
      </button>
      <button
        type="button"
        className="btn btn-ghost btn-small"
        onClick={months.next}
        aria-label={t('calendar.next')}
      >
        ›
      </button>
    </div>
  )
}

/**
 * The two months of a `useCalendarMonths`: while they load, a skeleton in their place or the
 * previous months dimmed; a failure with its retry above them.
 */
export function CalendarMonthsView({
  months,
  whileLoading,
  ...days
}: { months: CalendarMonths; whileLoading: 'skeleton' | 'dim' } & Omit<
  MonthCalendarProps,
  'month' | 'nights'
>) {
  const { calendar, nights } = months
  const dim = whileLoading === 'dim' && calendar.isPending
  return (
    <>
      {whileLoading === 'skeleton' && calendar.isPending && <Skeleton lines={6} />}
      {calendar.error && <ErrorBox error={calendar.error} onRetry={() => calendar.refetch()} />}
      <div className={dim ? 'months is-loading' : 'months'}>
        {months.months.map((month) => (
          <MonthCalendar key={month} month={month} nights={nights} {...days} />
        ))}
      </div>
    </>
  )
}

/** What the colours of the days mean, for the statuses a calendar shows. */
export function CalendarLegend({ statuses }: { statuses: Night['status'][] }) {
  const { t } = useI18n()
  return (
    <p className="legend small">
      {statuses.map((status) => (
        <span key={status} className={`legend-item legend-${status}`}>
          {t(`calendar.status.${status}`)}
        </span>
      ))}
    </p>
  )
}
