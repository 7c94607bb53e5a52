// The gallery area: until listings carry photos, a drawn picture per place (its colours come from
// its id, its caption from its city), so cards and galleries keep their shape.

function hash(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 16777619)
  }
  return h >>> 0
}

export function placeHue(id: string): number {
  return hash(id) % 360
}

export function PlaceVisual({
  id,
  label,
  variant = 0,
  className,
}: {
  id: string
  label?: string
  variant?: number
  className?: string
}) {
  const hue = (placeHue(id) + variant * 37) % 360
  const shape = (hash(id) + variant) % 3
  return (
    <div
      className={`place-visual ${className ?? ''}`}
      style={{
        background: `linear-gradient(135deg, hsl(${hue} 55% 62%), hsl(${(hue + 40) % 360} 60% 38%))`,
      }}
      role="img"
      aria-label={label}
    >
      <svg viewBox="0 0 200 120" aria-hidden="true" preserveAspectRatio="xMidYMax slice">
        {shape === 0 && <path d="M0 120 L60 50 L100 90 L140 40 L200 120 Z" fill="rgba(255,255,255,.25)" />}
        {shape === 1 && (
          <>
            <circle cx="150" cy="35" r="16" fill="rgba(255,255,255,.35)" />
            <path d="M0 120 Q50 70 100 95 T200 80 V120 Z" fill="rgba(255,255,255,.25)" />
          </>
        )}
        {shape === 2 && (
          <path
            d="M40 120 V70 L80 40 L120 70 V120 Z M130 120 V85 L160 60 L190 85 V120 Z"
            fill="rgba(255,255,255,.28)"
          />
        )}
      </svg>
    </div>
  )
}
