import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api, unwrap } from '../api/client'
import { wishlistQueries } from '../api/queries/wishlists'
import { useI18n } from '../i18n'
import { useSession } from '../lib/hooks'
import { loginPath, navigate } from '../lib/router'
import { useWishlists } from '../lib/wishlists'
import { NewWishlistForm } from './NewWishlistForm'
import { Dialog, ErrorBox } from './ui'

/**
 * Save a listing to wishlists. `title`: a heart alone, over a result card, named after the listing
 * for screen readers.
 */
export function WishlistButton({ placeId, title }: { placeId: string; title?: string }) {
  const { t } = useI18n()
  const { session } = useSession()
  const [open, setOpen] = useState(false)
  const { lists, saved } = useWishlists()
  const queryClient = useQueryClient()
  // Lists this place was just added to, shown checked while their contents reload.
  const [added, setAdded] = useState(new Set<string>())
  const inLists = new Set([...(saved.get(placeId) ?? []), ...added])
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: wishlistQueries.lists() })
    void queryClient.invalidateQueries({ queryKey: wishlistQueries.details() })
  }
  const toggle = useMutation({
    mutationFn: ({ id, add }: { id: string; add: boolean }) =>
      unwrap(
        add
          ? api.PUT('/api/v1/wishlists/{id}/places/{place_id}', {
              params: { path: { id, place_id: placeId } },
            })
          : api.DELETE('/api/v1/wishlists/{id}/places/{place_id}', {
              params: { path: { id, place_id: placeId } },
            }),
      ),
    onSuccess: (_data, { id, add }) => {
      setAdded((current) => {
        const next = new Set(current)
        if (add) next.add(id)
        else next.delete(id)
        return next
      })
      refresh()
    },
  })
  const create = useMutation({
    mutationFn: async (listName: string) => {
      const list = await unwrap(api.POST('/api/v1/wishlists', { body: { name: listName } }))
      await unwrap(
        api.PUT('/api/v1/wishlists/{id}/places/{place_id}', {
          params: { path: { id: list.id, place_id: placeId } },
        }),
      )
      return list
    },
    onSuccess: (list) => {
      setAdded((current) => new Set(current).add(list.id))
      refresh()
    },
  })
  const isSaved = inLists.size > 0
  return (
    <>
      {title === undefined ? (
        <button
          type="button"
          className={`btn btn-ghost btn-small save-button ${isSaved ? 'is-saved' : ''}`}
          aria-pressed={isSaved}
          onClick={() => (session ? setOpen(true) : navigate(loginPath()))}
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
          onClick={() => (session ? setOpen(true) : navigate(loginPath()))}
        >
          <span aria-hidden="true">{isSaved ? '♥' : '♡'}</span>
        </button>
      )}
      <Dialog open={open} title={t('wishlist.saveTo')} onClose={() => setOpen(false)}>
        {lists.data && lists.data.length > 0 && (
          <ul className="wishlist-choices">
            {lists.data.map((list) => (
              <li key={list.id}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={inLists.has(list.id)}
                    disabled={toggle.isPending}
                    onChange={(event) => toggle.mutate({ id: list.id, add: event.target.checked })}
                  />
                  <span>
                    {list.name}{' '}
                    <span className="muted">({t('wishlist.count', { count: list.place_count })})</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
        <NewWishlistForm className="row row-end" pending={create.isPending} onCreate={create.mutateAsync} />
        {(toggle.error || create.error) && <ErrorBox error={toggle.error ?? create.error} />}
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>
            {t('common.done')}
          </button>
        </div>
      </Dialog>
    </>
  )
}
