// A photo in every format the server made, the browser choosing the smallest it can show; its
// blurred placeholder shows while it loads, and its size is known so nothing moves when it arrives.
import type { PhotoCover } from '../api/types'

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
        decoding="async"
        style={photo.placeholder && !contain ? { backgroundImage: `url(${photo.placeholder})` } : undefined}
      />
    </picture>
  )
}
