// Cancellation policies. A guest's refund depends on the hours left before check-in (the listing's
// check-in time, in the listing's time zone) when they cancel:
//
//   flexible  100% until 24 hours before check-in, then 0%
//   moderate  100% until 5 days before, 50% until 24 hours before, then 0%
//   strict    100% until 14 days before, 50% until 7 days before, then 0%
//
// The percentage applies to the nights and their taxes. The cleaning fee is refunded in full when
// the guest cancels before check-in; the service fee only with a 100% refund. A host who cancels,
// and a request that is declined or expires, refund everything.

import type { CancellationPolicy } from '../../db/schema.js'

export const CANCELLATION_POLICIES = [
  'flexible',
  'moderate',
  'strict',
] as const satisfies readonly CancellationPolicy[]

const SCHEDULES: Record<CancellationPolicy, { hoursBefore: number; percent: number }[]> = {
  flexible: [{ hoursBefore: 24, percent: 100 }],
  moderate: [
    { hoursBefore: 5 * 24, percent: 100 },
    { hoursBefore: 24, percent: 50 },
  ],
  strict: [
    { hoursBefore: 14 * 24, percent: 100 },
    { hoursBefore: 7 * 24, percent: 50 },
  ],
}

export interface Charges {
  subtotal_minor: number
  cleaning_fee_minor: number
  service_fee_minor: number
  taxes_minor: number
  total_minor: number
}

export interface Refund {
  percent: number
  refund_minor: number
  /** Hours left before check-in at the moment of cancelling (negative once it has passed). */
  hours_before_check_in: number
}

export function refundPercent(policy: CancellationPolicy, msBeforeCheckIn: number): number {
  const hours = msBeforeCheckIn / 3_600_000
  return SCHEDULES[policy].find((step) => hours >= step.hoursBefore)?.percent ?? 0
}

export function guestRefund(policy: CancellationPolicy, charges: Charges, msBeforeCheckIn: number): Refund {
  const percent = refundPercent(policy, msBeforeCheckIn)
  const nights = Math.round(((charges.subtotal_minor + charges.taxes_minor) * percent) / 100)
  const cleaning = msBeforeCheckIn > 0 ? charges.cleaning_fee_minor : 0
  const service = percent === 100 ? charges.service_fee_minor : 0
  return {
    percent,
    refund_minor: Math.min(charges.total_minor, nights + cleaning + service),
    hours_before_check_in: Math.floor(msBeforeCheckIn / 3_600_000),
  }
}

export function fullRefund(charges: Charges): Refund {
  return { percent: 100, refund_minor: charges.total_minor, hours_before_check_in: 0 }
}
