// Content that is costly to load and start (the map: Leaflet's code, its tiles) and not on screen when
// the page opens: rendered once its place comes near the viewport. A hidden place (`display: none`, as
// the search map on a phone until "Show map") never intersects, so nothing loads until it is shown.
// Once rendered it stays. The place keeps its size (it fills its parent), so nothing shifts.
import { type ReactNode, useEffect, useRef, useState } from 'react'

const FILL = { width: '100%', height: '100%' }

export function WhenShown({ children, margin = '200px' }: { children: ReactNode; margin?: string }) {
  const place = useRef<HTMLDivElement>(null)
  const [shown, setShown] = useState(() => typeof IntersectionObserver === 'undefined')
  useEffect(() => {
    const element = place.current
    if (shown || !element) return
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          setShown(true)
          observer.disconnect()
        }
      },
      { rootMargin: margin },
    )
    observer.observe(element)
    return () => observer.disconnect()
  }, [shown, margin])
  return (
    <div ref={place} style={FILL}>
      {shown && children}
    </div>
  )
}
