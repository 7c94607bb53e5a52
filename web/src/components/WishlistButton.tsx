import { lazy, Suspense, useState } from 'react'
import { useI18n } from '../i18n'
import { useSession } from '../lib/hooks'
import { loginPath, navigate } from '../lib/router'
import { useWishlists } from '../lib/wishlists'

/** The dialog comes with the first click of a member (most visitors never open it). */
const WishlistDialog = lazy(() => import('./WishlistDialog'))

/**
 * Save a listing to wishlists. `title`: a heart alone, over a result card, named after the listing
 * for screen readers.
 */
export function WishlistButton({ placeId, title }: { placeId: string; title?: string }) {
  const { t } = useI18n()
  const { session } = useSession()
  const [open, setOpen] = useState(false)
  // Mounted from the first opening on, so that closing it gives the focus back like any dialog.
  const [opened, setOpened] = useState(false)
  const { lists, saved } = useWishlists()
  // Lists this place was just added to, shown checked while their contents reload.
  const [added, setAdded] = useState(new Set<string>())
  const inLists = new Set([...(saved.get(placeId) ?? []), ...added])
  const isSaved = inLists.size > 0
  const onClick = () => {
    if (!session) return navigate(loginPath())
    setOpened(true)
    setOpen(true)
  }
  return (
    <>
      {title === undefined ? (
        <button
          type="button"
          className={`btn btn-ghost btn-small save-button ${isSaved ? 'is-saved' : ''}`}
          aria-pressed={isSaved}
          onClick={onClick}
        >
          <span aria-hidden="true">{isSaved ? '♥' : '♡'}</span>{' '}
          {isSaved ? t('wishlist.saved') : t('wishlist.save')}
        </button>
      ) : (
        <button
          type="button"
          className={`heart-button ${isSaved ? 'is-saved' : ''}`}
          aria-pressed={isSaved}
          aria-label={t('wishlist.saveNamed', { title })}
          onClick={onClick}
        >
          <span aria-hidden="true">{isSaved ? '♥' : '♡'}</span>
        </button>
      )}
      {opened && (
        <Suspense fallback={null}>
          <WishlistDialog
            placeId={placeId}
            open={open}
            onClose={() => setOpen(false)}
            lists={lists.data}
            inLists={inLists}
            onChanged={(id, add) =>
              setAdded((current) => {
                const next = new Set(current)
                if (add) next.add(id)
                else next.delete(id)
                return next
              })
            }
          />
        </Suspense>
      )}
    </>
  )
}
