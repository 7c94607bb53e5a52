// Checkout with a hold: opening checkout holds the stay's nights for a few minutes (nobody else can
// take them meanwhile), with a countdown; confirming books them (the hold becomes the booking),
// leaving releases them. When the countdown ends, the nights are anyone's again.
import { useEffect, useMemo, useState } from 'react'
import type { Hold } from '../api/types'
import { useI18n } from '../i18n'

/** Seconds left of a hold, counted down every second from what the server said when it answered. */
export function useSecondsLeft(hold: Hold | null): number {
  const deadline = useMemo(() => (hold ? Date.now() + hold.seconds_left * 1000 : 0), [hold])
  // Renders the countdown again every second; the time is read afresh each time.
  const [, setTicks] = useState(0)
  useEffect(() => {
    if (!hold) return
    const timer = setInterval(() => setTicks((ticks) => ticks + 1), 1000)
    return () => clearInterval(timer)
  }, [hold])
  if (!hold) return 0
  return Math.min(hold.seconds_left, Math.max(0, Math.ceil((deadline - Date.now()) / 1000)))
}

export function formatCountdown(seconds: number): string {
  const minutes = Math.floor(seconds / 60)
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`
}

/** "Held for you: 9:41", read out by screen readers once a minute rather than every second. */
export function HoldCountdown({ secondsLeft }: { secondsLeft: number }) {
  const { t } = useI18n()
  const minutes = Math.ceil(secondsLeft / 60)
  return (
    <p className="hold-countdown" data-testid="hold-countdown">
      <span aria-hidden="true">
        {t('hold.heldFor')} <strong>{formatCountdown(secondsLeft)}</strong>
      </span>
      <span className="visually-hidden" aria-live="polite">
        {t('hold.heldForMinutes', { count: minutes })}
      </span>
    </p>
  )
}
