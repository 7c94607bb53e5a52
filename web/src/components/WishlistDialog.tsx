// The "Save to" dialog of the wishlist button: the member's lists to tick, and a new list. Loaded
// when a member first opens it (it is not in the first download, though cards show the button).
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import { wishlistQueries } from '../api/queries/wishlists'
import type { Wishlist } from '../api/types'
import { useI18n } from '../i18n'
import { useOnline } from '../lib/hooks'
import { NewWishlistForm } from './NewWishlistForm'
import { Dialog, ErrorBox, OfflineNote } from './ui'

export interface WishlistDialogProps {
  placeId: string
  open: boolean
  onClose: () => void
  /** The member's lists, once loaded. */
  lists: Wishlist[] | undefined
  /** The lists the listing is in. */
  inLists: ReadonlySet<string>
  /** The listing was just added to (or removed from) a list. */
  onChanged: (listId: string, added: boolean) => void
}

export default function WishlistDialog({
  placeId,
  open,
  onClose,
  lists,
  inLists,
  onChanged,
}: WishlistDialogProps) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  // Offline, the member sees their lists as kept, and why they cannot tick them.
  const online = useOnline()
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
      onChanged(id, add)
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
      onChanged(list.id, true)
      refresh()
    },
  })
  return (
    <Dialog open={open} title={t('wishlist.saveTo')} onClose={onClose}>
      <OfflineNote>{t('offline.wishlistNeedsConnection')}</OfflineNote>
      {lists && lists.length > 0 && (
        <ul className="wishlist-choices">
          {lists.map((list) => (
            <li key={list.id}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={inLists.has(list.id)}
                  disabled={toggle.isPending || !online}
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
      {(toggle.error || create.error) && <ErrorBox error={toggle.error ?? create.error} action />}
      <div className="dialog-actions">
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          {t('common.done')}
        </button>
      </div>
    </Dialog>
  )
}
