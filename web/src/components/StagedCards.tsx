// Result cards drawn in two steps, so that no single task draws them all on a slow phone: the first
// few at once, then the rest in a render React slices and interrupts (a deferred value), with
// placeholders of a card's size in their place meanwhile, so nothing below them moves.
import { type ReactNode, useDeferredValue } from 'react'

/** Cards drawn with the list's first render: a phone's screen and a desktop's first row. */
const FIRST_CARDS = 4

/** A card's place while it is drawn or loaded, at its size. */
export function PlaceCardPlaceholder() {
  return (
    <div className="place-card" aria-hidden="true">
      <div className="place-visual place-card-visual skeleton-line" />
      <div className="place-card-body skeleton">
        <span className="skeleton-line" />
        <span className="skeleton-line" />
      </div>
    </div>
  )
}

export function StagedCards<Item extends { id: string }>({
  items,
  card,
}: {
  items: Item[]
  card: (item: Item, index: number) => ReactNode
}) {
  const drawn = useDeferredValue(items, items.slice(0, FIRST_CARDS))
  return (
    <>
      {drawn.map(card)}
      {items.slice(drawn.length).map((item) => (
        <PlaceCardPlaceholder key={`pending-${item.id}`} />
      ))}
    </>
  )
}
