import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { api, unwrap } from '../../api/client'
import { calendarQueries } from '../../api/queries/calendar'
import { placeQueries } from '../../api/queries/places'
import { quoteQueries } from '../../api/queries/quotes'
import {
  CalendarLegend,
  CalendarMonthsView,
  MonthNav,
  useCalendarMonths,
} from '../../components/CalendarMonths'
import { ErrorBox, Notice, PageHeading } from '../../components/ui'
import { useI18n } from '../../i18n'
import { addDays, monthStart, todayIn } from '../../lib/dates'
import { useSession, useTitle } from '../../lib/hooks'
import { paths } from '../../lib/paths'
import { Link } from '../../lib/router'
import { NeedLogin } from '../NotFound'

export default function HostCalendar({ id }: { id: string }) {
  const { t, money, date } = useI18n()
  const { session } = useSession()
  const queryClient = useQueryClient()
  const place = useQuery({ ...placeQueries.detail(id), enabled: Boolean(session) })
  const today = todayIn(place.data?.timezone)
  const months = useCalendarMonths(id, () => monthStart(todayIn()), { enabled: Boolean(session) })
  const [start, setStart] = useState<string>()
  const [end, setEnd] = useState<string>()
  const [price, setPrice] = useState('')
  const [done, setDone] = useState<string>()
  useTitle(t('host.calendarTitle'))
  const range = start ? { from: start, to: addDays(end ?? start, 1) } : undefined
  const act = useMutation({
    mutationFn: async (action: 'block' | 'unblock' | 'price' | 'reset') => {
      if (!range) return
      const path = { path: { id } }
      if (action === 'block')
        await unwrap(api.POST('/api/v1/places/{id}/calendar/block', { params: path, body: range }))
      if (action === 'unblock')
        await unwrap(api.POST('/api/v1/places/{id}/calendar/unblock', { params: path, body: range }))
      if (action === 'price')
        await unwrap(
          api.PUT('/api/v1/places/{id}/calendar/prices', {
            params: path,
            body: { ...range, price: Number(price) },
          }),
        )
      if (action === 'reset')
        await unwrap(
          api.PUT('/api/v1/places/{id}/calendar/prices', { params: path, body: { ...range, price: null } }),
        )
      return action
    },
    onSuccess: (action) => {
      setDone(t(`host.calendarDone.${action ?? 'block'}` as 'host.calendarDone.block'))
      // Clear the selection so the calendar shows the nights' new state.
      setStart(undefined)
      setEnd(undefined)
      void queryClient.invalidateQueries({ queryKey: calendarQueries.place(id) })
      void queryClient.invalidateQueries({ queryKey: quoteQueries.place(id) })
    },
  })
  if (!session) return <NeedLogin />
  const pick = (day: string) => {
    setDone(undefined)
    if (!start || end || day < start) {
      setStart(day)
      setEnd(undefined)
    } else {
      setEnd(day)
    }
  }
  const submitPrice = (event: FormEvent) => {
    event.preventDefault()
    if (Number(price) > 0) act.mutate('price')
  }
  return (
    <div className="container section">
      <p>
        <Link to={paths.host()}>← {t('host.title')}</Link>
      </p>
      <PageHeading>{t('host.calendarTitle')}</PageHeading>
      {place.data && (
        <p className="muted">
          {place.data.title} · {t('host.basePrice', { price: money(place.data.price, place.data.currency) })}{' '}
          · {t('calendar.zone', { zone: place.data.timezone })}
        </p>
      )}
      {place.error && <ErrorBox error={place.error} />}
      <div className="host-calendar">
        <div>
          <MonthNav months={months} />
          <CalendarMonthsView
            months={months}
            whileLoading="skeleton"
            today={today}
            start={start}
            end={end ?? start}
            onPick={pick}
            selectable={(_day, night) => night?.status !== 'booked'}
            extra={(_day, night) =>
              night && place.data ? (
                <span className="day-price">{money(night.price, place.data.currency, { whole: true })}</span>
              ) : null
            }
          />
          <CalendarLegend statuses={['available', 'blocked', 'booked']} />
        </div>
        <aside className={`card calendar-actions ${start && end ? 'has-selection' : ''}`} aria-live="polite">
          {!start && <p>{t('host.calendarPick')}</p>}
          {start && (
            <>
              <p>
                <strong>
                  {date(start)}
                  {end && end !== start ? ` → ${date(end)}` : ''}
                </strong>
              </p>
              <div className="stack">
                <button
                  type="button"
                  className="btn btn-dark"
                  disabled={act.isPending}
                  onClick={() => act.mutate('block')}
                >
                  {t('host.block')}
                </button>
                <button
                  type="button"
                  className="btn btn-ghost"
                  disabled={act.isPending}
                  onClick={() => act.mutate('unblock')}
                >
                  {t('host.unblock')}
                </button>
              </div>
              <form onSubmit={submitPrice} className="stack">
                <label className="field">
                  <span>{t('host.nightPrice', { currency: place.data?.currency ?? '' })}</span>
                  <input
                    type="number"
                    min={1}
                    step="0.01"
                    value={price}
                    onChange={(e) => setPrice(e.target.value)}
                  />
                </label>
                <button
                  type="submit"
                  className="btn btn-primary"
                  disabled={act.isPending || !(Number(price) > 0)}
                >
                  {t('host.setPrice')}
                </button>
                <button
                  type="button"
                  className="btn btn-ghost"
                  disabled={act.isPending}
                  onClick={() => act.mutate('reset')}
                >
                  {t('host.resetPrice')}
                </button>
              </form>
            </>
          )}
          {done && <Notice kind="success">{done}</Notice>}
          {act.error && <ErrorBox error={act.error} />}
        </aside>
      </div>
    </div>
  )
}
