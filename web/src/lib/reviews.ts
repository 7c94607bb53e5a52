// Reviewing a finished stay, for the guest (trips page) and for the host (reservations page).
import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { ApiError, api, unwrap } from '../api/client'
import type { Booking, StayReviewInput, StayReviewResult } from '../api/types'
import { addDays, todayIn } from './dates'

/** Days after check-out during which a stay can be reviewed (the API's review window). */
const REVIEW_WINDOW_DAYS = 14

/** The last day a finished stay can be reviewed, or null when it cannot (or no longer). */
export function reviewUntil(booking: Booking): string | null {
  if (booking.status !== 'completed') return null
  const last = addDays(booking.check_out, REVIEW_WINDOW_DAYS)
  return last >= todayIn(booking.timezone) ? last : null
}

/** What a dialog reviewing a finished stay is given: its booking (open while set), and whom to tell. */
export interface StayReviewDialogProps {
  booking: Booking | undefined
  onClose: () => void
  onReviewed: (bookingId: string) => void
}

/**
 * Sends the review of a dialog's booking (POST /bookings/{id}/review). `onReviewed` hears of the
 * booking once it is reviewed, also when the API answers that it already was; `done` keeps the
 * answer until `reset`.
 */
export function useStayReview(
  booking: Booking | undefined,
  onReviewed: (bookingId: string) => void,
  onSent?: () => void,
) {
  const [done, setDone] = useState<StayReviewResult>()
  const send = useMutation({
    mutationFn: (body: StayReviewInput) =>
      unwrap(api.POST('/api/v1/bookings/{id}/review', { params: { path: { id: booking!.id } }, body })),
    onSuccess: (result) => {
      setDone(result)
      onReviewed(result.booking_id)
      onSent?.()
    },
    onError: (error) => {
      if (booking && error instanceof ApiError && error.code === 'already_reviewed') onReviewed(booking.id)
    },
  })
  const reset = () => {
    setDone(undefined)
    send.reset()
  }
  return { send, done, reset }
}
