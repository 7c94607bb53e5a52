// A photo in every format the server made, the browser choosing the smallest it can show; its
// blurred placeholder shows while it loads, and its size is known so nothing moves when it arrives.
import type { PhotoCover } from '../api/types'
import { PlaceVisual } from './PlaceVisual'

interface Props {
  photo: PhotoCover
  /** The `sizes` attribute: how wide the photo is shown, e.g. `(max-width: 700px) 100vw, 33vw`. */
  sizes: string
  className?: string
  /** The first photos of a page load at once; the others when they scroll near. */
  eager?: boolean
  /** Shown whole (letterboxed): the blurred placeholder would fill the bars around it. */
  contain?: boolean
}

export function ResponsivePhoto({ photo, sizes, className, eager, contain }: Props) {
  return (
    <picture className={`photo ${className ?? ''}`}>
      {photo.srcset.avif && <source type="image/avif" srcSet={photo.srcset.avif} sizes={sizes} />}
      {photo.srcset.webp && <source type="image/webp" srcSet={photo.srcset.webp} sizes={sizes} />}
      <img
        src={photo.src}
        srcSet={photo.srcset.jpeg}
        sizes={sizes}
        alt={photo.alt_text}
        width={photo.width}
        height={photo.height}
        loading={eager ? 'eager' : 'lazy'}
        fetchPriority={eager ? 'high' : undefined}
        decoding="async"
        style={photo.placeholder && !contain ? { backgroundImage: `url(${photo.placeholder})` } : undefined}
      />
    </picture>
  )
}

/** How wide a picture in a `card-grid` is shown: one to four columns as the screen widens. */
export const GRID_SIZES = '(min-width: 1200px) 25vw, (min-width: 900px) 33vw, (min-width: 600px) 50vw, 100vw'

/** A listing's picture: its cover photo, or a drawing while it has none. */
export function ListingPicture({
  placeId,
  photo,
  sizes,
  className,
  eager,
}: {
  placeId: string
  photo: PhotoCover | null | undefined
  sizes: string
  className?: string
  /** Loaded at once and first (the picture is on screen when the page opens): not lazily. */
  eager?: boolean
}) {
  if (!photo) return <PlaceVisual id={placeId} className={className} />
  return (
    <ResponsivePhoto
      photo={photo}
      sizes={sizes}
      className={`place-visual ${className ?? ''}`}
      eager={eager}
    />
  )
}
