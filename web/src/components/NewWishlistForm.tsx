import { type FormEvent, useState } from 'react'
import { useI18n } from '../i18n'
import { useOnline } from '../lib/hooks'

/** The name of a new wishlist and its button; the name is cleared once `onCreate` has created it. */
export function NewWishlistForm({
  className,
  pending,
  onCreate,
}: {
  className: string
  pending: boolean
  onCreate: (name: string) => Promise<unknown>
}) {
  const { t } = useI18n()
  const [name, setName] = useState('')
  // Offline, a name can be typed but not sent (the page says why).
  const online = useOnline()
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const value = name.trim()
    // A failure is shown by the caller, with the name kept for another try.
    if (value && online)
      onCreate(value).then(
        () => setName(''),
        () => {},
      )
  }
  return (
    <form onSubmit={submit} className={className}>
      <label className="field grow">
        <span>{t('wishlist.newName')}</span>
        <input value={name} onChange={(event) => setName(event.target.value)} maxLength={100} />
      </label>
      <button type="submit" className="btn btn-primary" disabled={!name.trim() || pending || !online}>
        {t('wishlist.create')}
      </button>
    </form>
  )
}
