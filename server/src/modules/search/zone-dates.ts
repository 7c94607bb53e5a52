// Which listings' local date is a day behind UTC's, the same, or a day ahead, now: search checks a
// stay's notice and booking window in SQL with it. Every zone's offset, and every change of it, is
// a whole number of quarter-hours, so no zone's date changes within a UTC quarter-hour: the
// grouping is made once per quarter-hour.
import { localDate } from '../../dates.js'
import { LISTING_TIME_ZONES } from '../places/service.js'

export interface ZonesByDate {
  /** Local date a day behind UTC's (check-in is one day further away there). */
  behind: string[]
  same: string[]
  ahead: string[]
}

const QUARTER_HOUR_MS = 15 * 60 * 1000
let cached: { quarter: number; zones: ZonesByDate } | undefined

export function zonesByDate(now: number): ZonesByDate {
  const quarter = Math.floor(now / QUARTER_HOUR_MS)
  if (cached?.quarter !== quarter) {
    const utc = localDate(now, 'UTC')
    const zones: ZonesByDate = { behind: [], same: [], ahead: [] }
    for (const zone of LISTING_TIME_ZONES) {
      const date = localDate(now, zone)
      zones[date < utc ? 'behind' : date > utc ? 'ahead' : 'same'].push(zone)
    }
    cached = { quarter, zones }
  }
  return cached.zones
}
