// Whether a listing accepts a stay: dates, notice, window, length and guests, all in the
// listing's own time zone. Returns every broken rule so the guest can fix them at once.
import { addDays, daysBetween, isCalendarDate, localDate } from '../../dates.js'
import type { PlaceRow } from '../../db/schema.js'
import { badRequest } from '../../errors.js'

export interface Stay {
  check_in: string
  check_out: string
  guests: number
}

type StayTerms = Pick<
  PlaceRow,
  'timezone' | 'min_nights' | 'max_nights' | 'advance_notice_days' | 'booking_window_days' | 'max_guests'
>

export function stayProblems(place: StayTerms, stay: Stay, now: number): string[] {
  if (!isCalendarDate(stay.check_in)) return ['check_in must be a date written YYYY-MM-DD']
  if (!isCalendarDate(stay.check_out)) return ['check_out must be a date written YYYY-MM-DD']
  const nights = daysBetween(stay.check_in, stay.check_out)
  if (nights <= 0) return ['check_out must be after check_in']

  const problems: string[] = []
  const today = localDate(now, place.timezone)
  const earliest = addDays(today, place.advance_notice_days)
  const latest = addDays(today, place.booking_window_days)
  if (stay.check_in < today) {
    problems.push(`check_in is in the past (today is ${today} in ${place.timezone})`)
  } else if (stay.check_in < earliest) {
    problems.push(
      `this listing needs ${place.advance_notice_days} days' notice: the earliest check-in is ${earliest}`,
    )
  }
  if (stay.check_in > latest) {
    problems.push(
      `this listing takes bookings up to ${place.booking_window_days} days ahead: the latest check-in is ${latest}`,
    )
  }
  if (nights < place.min_nights) problems.push(`the minimum stay is ${place.min_nights} nights`)
  if (nights > place.max_nights) problems.push(`the maximum stay is ${place.max_nights} nights`)
  if (!Number.isInteger(stay.guests) || stay.guests < 1) problems.push('guests must be at least 1')
  else if (stay.guests > place.max_guests)
    problems.push(`this listing hosts at most ${place.max_guests} guests`)
  return problems
}

export function assertStayAllowed(place: StayTerms, stay: Stay, now: number): void {
  const problems = stayProblems(place, stay, now)
  if (problems.length) {
    throw badRequest(`These dates cannot be booked: ${problems.join('; ')}`, 'stay_not_allowed', { problems })
  }
}
