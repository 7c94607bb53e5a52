// Who may see and who may manage a place: used by every module that works on one place.
import type { PlaceRow } from '../../db/schema.js'
import { forbidden, Messages, notFound } from '../../errors.js'
import type { Actor } from '../../http/auth.js'
import type { PlaceRepository } from './repository.js'

/** Published places are public; drafts and suspended ones exist only for their owner and admins. */
export async function findVisiblePlace(
  places: PlaceRepository,
  id: string,
  actor: Actor | null,
): Promise<PlaceRow> {
  const place = await places.findById(id)
  const canSee = place && (place.status === 'published' || actor?.isAdmin || actor?.id === place.owner_id)
  if (!canSee) throw notFound(Messages.placeNotFound)
  return place
}

/** The place, when the actor owns it or is an admin. */
export async function findManagedPlace(places: PlaceRepository, id: string, actor: Actor): Promise<PlaceRow> {
  const place = await places.findById(id)
  if (!place) throw notFound(Messages.placeNotFound)
  if (place.owner_id !== actor.id && !actor.isAdmin) throw forbidden(Messages.unauthorizedAction, 'not_owner')
  return place
}
