// A listing's photos on its page: the cover large, four more beside it, and every photo in a
// full-screen viewer (arrow keys and buttons to move, Escape to close). Without photos, the drawn
// picture keeps the page's shape.
import { useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { photoQueries } from '../api/queries/photos'
import type { Photo, PhotoCover } from '../api/types'
import { useI18n } from '../i18n'
import { ResponsivePhoto } from './Photo'
import { PlaceVisual } from './PlaceVisual'
import { Dialog } from './ui'

/** A ready photo as a cover-shaped picture (ready photos have their size and URLs). */
export function readyPhoto(photo: Photo): PhotoCover | undefined {
  if (photo.status !== 'ready' || !photo.src || !photo.width || !photo.height) return undefined
  return { ...photo, src: photo.src, width: photo.width, height: photo.height }
}

export function PhotoGallery({ placeId, label }: { placeId: string; label: string }) {
  const { t } = useI18n()
  const photos = useQuery(photoQueries.ofPlace(placeId))
  const ready = (photos.data ?? []).map(readyPhoto).filter((photo) => photo !== undefined)
  const [open, setOpen] = useState<number | undefined>()
  if (ready.length === 0) {
    return (
      <section className="gallery" aria-label={t('place.gallery')}>
        <PlaceVisual id={placeId} className="gallery-main" label={label} />
        {[1, 2, 3, 4].map((variant) => (
          <PlaceVisual key={variant} id={placeId} variant={variant} className="gallery-thumb" />
        ))}
      </section>
    )
  }
  return (
    <section
      className={`gallery gallery-photos gallery-of-${Math.min(ready.length, 5)}`}
      aria-label={t('place.gallery')}
    >
      {ready.slice(0, 5).map((photo, index) => (
        <button
          key={photo.src}
          type="button"
          className={index === 0 ? 'gallery-main' : 'gallery-thumb'}
          onClick={() => setOpen(index)}
          aria-label={t('photos.open', { alt: photo.alt_text })}
        >
          <ResponsivePhoto
            photo={photo}
            sizes={index === 0 ? '(max-width: 900px) 100vw, 60vw' : '(max-width: 900px) 25vw, 15vw'}
            eager={index === 0}
          />
        </button>
      ))}
      {ready.length > 5 && (
        <button type="button" className="btn btn-ghost gallery-all" onClick={() => setOpen(0)}>
          {t('photos.showAll', { count: ready.length })}
        </button>
      )}
      <Dialog
        open={open !== undefined}
        title={t('place.gallery')}
        onClose={() => setOpen(undefined)}
        size="wide"
      >
        {open !== undefined && <Viewer photos={ready} start={open} onClose={() => setOpen(undefined)} />}
      </Dialog>
    </section>
  )
}

function Viewer({ photos, start, onClose }: { photos: PhotoCover[]; start: number; onClose: () => void }) {
  const { t } = useI18n()
  const [index, setIndex] = useState(start)
  const move = (by: number) => setIndex((i) => (i + by + photos.length) % photos.length)
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'ArrowRight') move(1)
      if (event.key === 'ArrowLeft') move(-1)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  })
  const photo = photos[index]!
  return (
    <div className="photo-viewer">
      <ResponsivePhoto photo={photo} sizes="100vw" eager contain className="photo-viewer-image" />
      <p className="photo-viewer-caption">
        {photo.alt_text} · {t('photos.position', { n: index + 1, count: photos.length })}
      </p>
      <div className="dialog-actions">
        <button type="button" className="btn btn-ghost" onClick={() => move(-1)}>
          {t('photos.previous')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => move(1)}>
          {t('photos.next')}
        </button>
        <span className="spacer" />
        <button type="button" className="btn btn-primary" onClick={onClose}>
          {t('common.done')}
        </button>
      </div>
    </div>
  )
}
