// The listing editor's photos: add several at once (each with its upload progress), see each one's
// state while the server prepares it, choose the cover, change the order, caption each photo and
// describe it for guests who cannot see it, delete. The order moves by dragging a photo onto
// another's place, or by buttons (the path for keyboards and screen readers).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type ChangeEvent, type DragEvent, useState } from 'react'
import { api, unwrap } from '../../api/client'
import { uploadPhoto } from '../../api/queries/photo-uploads'
import { invalidatePhotos, photoQueries } from '../../api/queries/photos'
import type { Photo } from '../../api/types'
import { ResponsivePhoto } from '../../components/Photo'
import { readyPhoto } from '../../components/PhotoGallery'
import { ErrorBox, Notice } from '../../components/ui'
import { useI18n } from '../../i18n'
import { useClientConfig } from '../../lib/hooks'

interface Sending {
  name: string
  sent: number
  error?: unknown
}

export function PhotoManager({ placeId }: { placeId: string }) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const [sending, setSending] = useState<Sending[]>([])
  const direct = useClientConfig().photos.direct_uploads
  const photos = useQuery({
    ...photoQueries.ofPlace(placeId),
    // While the server prepares a photo, look again every few seconds.
    refetchInterval: (query) =>
      query.state.data?.some((photo) => photo.status === 'processing') ? 1500 : false,
  })
  const refresh = () => invalidatePhotos(queryClient, placeId)
  // The photo being dragged, and the place in the order it would take if dropped now.
  const [dragged, setDragged] = useState<{ id: string; over?: number }>()

  const add = async (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])]
    event.target.value = ''
    setSending((list) => [...list, ...files.map((file) => ({ name: file.name, sent: 0 }))])
    for (const file of files) {
      const update = (change: Partial<Sending>) =>
        setSending((list) => list.map((item) => (item.name === file.name ? { ...item, ...change } : item)))
      try {
        await uploadPhoto(placeId, file, (sent) => update({ sent }), direct)
        setSending((list) => list.filter((item) => item.name !== file.name))
        refresh()
      } catch (error) {
        update({ error })
      }
    }
  }

  const change = useMutation({
    mutationFn: ({
      photo,
      body,
    }: {
      photo: Photo
      body: { position?: number; alt_text?: string; caption?: string | null }
    }) =>
      unwrap(
        api.PATCH('/api/v1/places/{id}/photos/{photo_id}', {
          params: { path: { id: placeId, photo_id: photo.id } },
          body,
        }),
      ),
    onSuccess: refresh,
  })
  const remove = useMutation({
    mutationFn: (photo: Photo) =>
      unwrap(
        api.DELETE('/api/v1/places/{id}/photos/{photo_id}', {
          params: { path: { id: placeId, photo_id: photo.id } },
        }),
      ),
    onSuccess: refresh,
  })

  const list = photos.data ?? []
  const dragTo = (index: number) => (event: DragEvent) => {
    if (!dragged) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'move'
    if (dragged.over !== index) setDragged({ ...dragged, over: index })
  }
  const drop = (index: number) => (event: DragEvent) => {
    event.preventDefault()
    const photo = list.find((item) => item.id === dragged?.id)
    setDragged(undefined)
    if (photo && list.indexOf(photo) !== index) change.mutate({ photo, body: { position: index } })
  }
  return (
    <section className="card form photo-manager" aria-labelledby="photos-heading">
      <h2 id="photos-heading">{t('photos.title')}</h2>
      <p className="muted">{t('photos.hint')}</p>
      <label className="btn btn-primary photo-add">
        {t('photos.add')}
        <input
          type="file"
          accept="image/jpeg,image/png,image/webp,image/avif,image/heic"
          multiple
          onChange={add}
        />
      </label>
      {sending.map((item) => (
        <div key={item.name} className="photo-sending">
          <span>{item.name}</span>
          {item.error ? (
            <ErrorBox error={item.error} />
          ) : (
            <progress max={1} value={item.sent} aria-label={t('photos.uploading', { name: item.name })} />
          )}
        </div>
      ))}
      {photos.error && <ErrorBox error={photos.error} onRetry={() => photos.refetch()} />}
      {(change.error || remove.error) && <ErrorBox error={change.error ?? remove.error} />}
      {list.length === 0 && sending.length === 0 && <Notice kind="info">{t('photos.none')}</Notice>}
      <ol className="photo-list">
        {list.map((photo, index) => (
          <li
            key={photo.id}
            className={`photo-item ${dragged?.id === photo.id ? 'is-dragged' : ''} ${
              dragged && dragged.over === index && dragged.id !== photo.id ? 'is-drop-target' : ''
            }`}
            data-testid="photo-item"
            onDragOver={dragTo(index)}
            onDrop={drop(index)}
          >
            {/* biome-ignore lint/a11y/noStaticElementInteractions: dragging is for pointers; the move buttons are the keyboard's way */}
            <div
              className="photo-drag"
              draggable
              title={t('photos.drag')}
              onDragStart={(event) => {
                event.dataTransfer.effectAllowed = 'move'
                event.dataTransfer.setData('text/plain', photo.alt_text)
                setDragged({ id: photo.id })
              }}
              onDragEnd={() => setDragged(undefined)}
            >
              <PhotoThumb photo={photo} />
            </div>
            <div className="photo-item-body">
              {index === 0 && <span className="badge">{t('photos.cover')}</span>}
              {photo.status === 'processing' && <span className="muted">{t('photos.processing')}</span>}
              {photo.status === 'failed' && <span className="field-error">{photo.error}</span>}
              <label className="field">
                <span className="field-label">{t('photos.altText')}</span>
                <input
                  defaultValue={photo.alt_text}
                  onBlur={(event) => {
                    const value = event.target.value.trim()
                    if (value && value !== photo.alt_text) change.mutate({ photo, body: { alt_text: value } })
                  }}
                />
              </label>
              <label className="field">
                <span className="field-label">{t('photos.caption')}</span>
                <input
                  defaultValue={photo.caption ?? ''}
                  onBlur={(event) => {
                    const value = event.target.value.trim()
                    if (value !== (photo.caption ?? '')) {
                      change.mutate({ photo, body: { caption: value || null } })
                    }
                  }}
                />
              </label>
              <div className="photo-actions">
                {index > 0 && (
                  <button
                    type="button"
                    className="btn btn-ghost"
                    onClick={() => change.mutate({ photo, body: { position: 0 } })}
                  >
                    {t('photos.makeCover')}
                  </button>
                )}
                <button
                  type="button"
                  className="btn btn-ghost"
                  disabled={index === 0}
                  onClick={() => change.mutate({ photo, body: { position: index - 1 } })}
                  aria-label={t('photos.earlierLabel', { alt: photo.alt_text })}
                >
                  {t('photos.earlier')}
                </button>
                <button
                  type="button"
                  className="btn btn-ghost"
                  disabled={index === list.length - 1}
                  onClick={() => change.mutate({ photo, body: { position: index + 1 } })}
                  aria-label={t('photos.laterLabel', { alt: photo.alt_text })}
                >
                  {t('photos.later')}
                </button>
                <button
                  type="button"
                  className="btn btn-ghost btn-danger"
                  onClick={() => remove.mutate(photo)}
                  aria-label={t('photos.deleteLabel', { alt: photo.alt_text })}
                >
                  {t('photos.delete')}
                </button>
              </div>
            </div>
          </li>
        ))}
      </ol>
    </section>
  )
}

function PhotoThumb({ photo }: { photo: Photo }) {
  const ready = readyPhoto(photo)
  if (ready) return <ResponsivePhoto photo={ready} sizes="160px" className="photo-thumb" />
  return <div className="photo-thumb photo-thumb-pending" aria-hidden="true" />
}
