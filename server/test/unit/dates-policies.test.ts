import { describe, expect, it } from 'vitest'
import {
  addDays,
  daysBetween,
  isCalendarDate,
  localDate,
  localTimeToInstant,
  nightsOf,
} from '../../src/dates.js'
import { guestRefund, refundPercent } from '../../src/modules/bookings/policies.js'
import { priceStay } from '../../src/modules/bookings/pricing.js'

const HOUR = 3_600_000

describe('calendar dates', () => {
  it('validates real dates only', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true)
    expect(isCalendarDate('2028-02-29')).toBe(true)
    expect(isCalendarDate('2026-02-29')).toBe(false)
    expect(isCalendarDate('2026-13-01')).toBe(false)
    expect(isCalendarDate('26-01-01')).toBe(false)
  })

  it('counts nights across months, years and DST changes', () => {
    expect(nightsOf('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01'])
    expect(nightsOf('2027-03-27', '2027-03-30')).toHaveLength(3)
    expect(daysBetween('2027-01-10', '2027-01-01')).toBe(-9)
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
  })
})

describe('time zones', () => {
  it('gives the local date of an instant', () => {
    const instant = Date.UTC(2026, 11, 31, 23, 30)
    expect(localDate(instant, 'Europe/Paris')).toBe('2027-01-01')
    expect(localDate(instant, 'America/New_York')).toBe('2026-12-31')
  })

  it('converts local check-in times to instants on either side of a DST change', () => {
    // Paris: CET (UTC+1) until 2027-03-28 02:00, then CEST (UTC+2).
    expect(localTimeToInstant('2027-03-27', '15:00', 'Europe/Paris')).toBe(Date.UTC(2027, 2, 27, 14, 0))
    expect(localTimeToInstant('2027-03-28', '15:00', 'Europe/Paris')).toBe(Date.UTC(2027, 2, 28, 13, 0))
    // New York: EDT (UTC-4) until 2026-11-01 02:00, then EST (UTC-5).
    expect(localTimeToInstant('2026-10-31', '16:00', 'America/New_York')).toBe(Date.UTC(2026, 9, 31, 20, 0))
    expect(localTimeToInstant('2026-11-01', '16:00', 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 21, 0))
    // A skipped local time moves forward with the clocks.
    expect(localTimeToInstant('2027-03-28', '02:30', 'Europe/Paris')).toBe(Date.UTC(2027, 2, 28, 1, 30))
  })
})

describe('cancellation policies', () => {
  it('refund by the documented schedule, at each boundary', () => {
    expect(refundPercent('flexible', 24 * HOUR)).toBe(100)
    expect(refundPercent('flexible', 24 * HOUR - 1)).toBe(0)
    expect(refundPercent('moderate', 120 * HOUR)).toBe(100)
    expect(refundPercent('moderate', 120 * HOUR - 1)).toBe(50)
    expect(refundPercent('moderate', 24 * HOUR)).toBe(50)
    expect(refundPercent('moderate', 24 * HOUR - 1)).toBe(0)
    expect(refundPercent('strict', 14 * 24 * HOUR)).toBe(100)
    expect(refundPercent('strict', 14 * 24 * HOUR - 1)).toBe(50)
    expect(refundPercent('strict', 7 * 24 * HOUR)).toBe(50)
    expect(refundPercent('strict', 7 * 24 * HOUR - 1)).toBe(0)
    expect(refundPercent('strict', -HOUR)).toBe(0)
  })

  it('split a refund between nights, cleaning and service fees', () => {
    const charges = priceStay(
      [
        { date: '2027-01-01', price_minor: 10000 },
        { date: '2027-01-02', price_minor: 12000 },
      ],
      3000,
      { serviceFeePercent: 12, taxPercent: 10 },
    )
    expect(charges).toEqual({
      subtotal_minor: 22000,
      cleaning_fee_minor: 3000,
      service_fee_minor: 3000,
      taxes_minor: 2500,
      total_minor: 30500,
    })
    expect(guestRefund('moderate', charges, 200 * HOUR).refund_minor).toBe(30500)
    // 50% of nights + taxes (24500 / 2), the cleaning fee, no service fee.
    expect(guestRefund('moderate', charges, 48 * HOUR).refund_minor).toBe(12250 + 3000)
    expect(guestRefund('moderate', charges, 2 * HOUR).refund_minor).toBe(3000)
    expect(guestRefund('moderate', charges, -2 * HOUR).refund_minor).toBe(0)
  })
})
