// Who may see and who may manage a place: used by every module that works on one place.
import type { PlaceRow } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import { forbidden, Messages, notFound } from '../../errors.js'
import type { PlaceRepository } from './repository.js'

/**
 * The one visibility rule of places: published places are public; drafts and suspended ones exist
 * only for their owner and admins (a deleted place exists for no one: the repository never finds
 * it). Every read and write of a place or of its children (reviews, amenities, calendar, quotes,
 * bookings, wishlist entries, iCal) goes through it, so a place someone cannot see answers exactly
 * like one that does not exist.
 */
export function canSeePlace(place: PlaceRow, actor: Actor | null): boolean {
  return place.status === 'published' || actor?.isAdmin === true || actor?.id === place.owner_id
}

/** The place, when the actor can see it; 404 "Place not found" otherwise. */
export async function findVisiblePlace(
  places: PlaceRepository,
  id: string,
  actor: Actor | null,
): Promise<PlaceRow> {
  const place = await places.findById(id)
  if (!place || !canSeePlace(place, actor)) throw notFound(Messages.placeNotFound)
  return place
}

/** The place, when the actor owns it or is an admin: 404 when they cannot see it, 403 when they only see it. */
export async function findManagedPlace(places: PlaceRepository, id: string, actor: Actor): Promise<PlaceRow> {
  const place = await findVisiblePlace(places, id, actor)
  if (place.owner_id !== actor.id && !actor.isAdmin) throw forbidden(Messages.unauthorizedAction, 'not_owner')
  return place
}
