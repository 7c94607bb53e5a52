// The account's profile photo: choose one (it shows once the server has made its sizes), replace it,
// remove it. Until then, and without one, people see the initial of the first name.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type ChangeEvent, useEffect, useState } from 'react'
import { api, unwrap } from '../api/client'
import { uploadProfilePhoto } from '../api/queries/photo-uploads'
import { photoQueries } from '../api/queries/photos'
import { useI18n } from '../i18n'
import { Avatar } from './Avatar'
import { ErrorBox, Notice } from './ui'

/** How long to wait for the server to make the photo's sizes before saying it is taking long. */
const PATIENCE_MS = 60_000

export function ProfilePhotoSettings({ user }: { user: { id: string; first_name: string } }) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const [sent, setSent] = useState<number>()
  // The photo sent last, followed until the server has made its sizes (or could not).
  const [awaiting, setAwaiting] = useState<{ id: string; since: number }>()
  const query = photoQueries.ofUser(user.id)
  const photo = useQuery(query)
  const latest = useQuery({
    queryKey: ['my-photo', awaiting?.id],
    queryFn: () => unwrap(api.GET('/api/v1/users/me/photo')),
    enabled: awaiting !== undefined,
    refetchInterval: (current) =>
      current.state.data?.status === 'processing' && awaiting && Date.now() - awaiting.since < PATIENCE_MS
        ? 1000
        : false,
  })
  const state = awaiting && latest.data?.id === awaiting.id ? latest.data.status : undefined
  useEffect(() => {
    if (state === 'ready') {
      setAwaiting(undefined)
      void queryClient.invalidateQueries({ queryKey: query.queryKey })
    }
  }, [state, queryClient, query.queryKey])
  const slow =
    awaiting !== undefined && state === 'processing' && latest.dataUpdatedAt - awaiting.since >= PATIENCE_MS
  const upload = useMutation({
    mutationFn: (file: File) => uploadProfilePhoto(file, setSent),
    onSuccess: (uploaded) => setAwaiting({ id: uploaded.id, since: Date.now() }),
    onSettled: () => setSent(undefined),
  })
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/users/me/photo')),
    onSuccess: () => {
      setAwaiting(undefined)
      queryClient.setQueryData(query.queryKey, null)
    },
  })
  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (file) upload.mutate(file)
  }
  return (
    <section
      className="card section-tight stack settings-card profile-photo"
      aria-labelledby="profile-photo-heading"
    >
      <h2 id="profile-photo-heading">{t('profilePhoto.title')}</h2>
      <div className="profile-photo-row">
        <Avatar user={user} size="huge" />
        <div className="stack">
          <p className="muted">{t('profilePhoto.hint')}</p>
          <div className="photo-actions">
            <label className="btn btn-primary photo-add">
              {photo.data ? t('profilePhoto.replace') : t('profilePhoto.choose')}
              <input
                type="file"
                accept="image/jpeg,image/png,image/webp,image/avif,image/heic"
                onChange={choose}
                disabled={upload.isPending}
              />
            </label>
            {photo.data && (
              <button
                type="button"
                className="btn btn-ghost btn-danger"
                onClick={() => remove.mutate()}
                disabled={remove.isPending}
              >
                {t('profilePhoto.remove')}
              </button>
            )}
          </div>
        </div>
      </div>
      {sent !== undefined && (
        <progress
          max={1}
          value={sent}
          aria-label={t('profilePhoto.uploading')}
          className="profile-photo-progress"
        />
      )}
      {awaiting && state !== 'failed' && !upload.isPending && (
        <Notice kind="info">{t(slow ? 'profilePhoto.slow' : 'profilePhoto.processing')}</Notice>
      )}
      {state === 'failed' && (
        <Notice kind="error">{t('profilePhoto.failed', { reason: latest.data?.error ?? '' })}</Notice>
      )}
      {(upload.error || remove.error) && <ErrorBox error={upload.error ?? remove.error} />}
    </section>
  )
}
