// Photos: a listing's and a user's profile photo (their uploads are in photo-uploads.ts, loaded with
// the pages that send photos).
import { type QueryClient, queryOptions } from '@tanstack/react-query'
import { api, unwrap } from '../client'
import type { PhotoCover } from '../types'
import { apiQuery } from './api-query'
import { invalidatePlace } from './places'

export const photoQueries = {
  ofPlace: (placeId: string) =>
    apiQuery(['photos', placeId], () =>
      api.GET('/api/v1/places/{id}/photos', { params: { path: { id: placeId } } }),
    ),
  /** A user's profile photo, or null when they have none. */
  ofUser: (userId: string) =>
    queryOptions({
      queryKey: ['user-photo', userId] as const,
      queryFn: () => profilePhotoOf(userId),
      // People change their photo rarely: one request per person per few minutes.
      staleTime: 5 * 60_000,
    }),
}

type ProfilePhoto = PhotoCover | null

/** The API answers at most this many people's photos at once. */
const PROFILE_BATCH = 100
let waiting = new Map<string, ((photo: ProfilePhoto) => void)[]>()
let failing = new Map<string, ((error: unknown) => void)[]>()

/**
 * A user's profile photo. The avatars a page shows ask in the same moment: their questions go as one
 * request (`GET /users/photos?ids=`), rather than one each and a 404 for everyone without a photo.
 */
function profilePhotoOf(userId: string): Promise<ProfilePhoto> {
  return new Promise((resolve, reject) => {
    if (waiting.size === 0) setTimeout(askForProfilePhotos, 0)
    waiting.set(userId, [...(waiting.get(userId) ?? []), resolve])
    failing.set(userId, [...(failing.get(userId) ?? []), reject])
  })
}

function askForProfilePhotos() {
  const [resolvers, rejecters] = [waiting, failing]
  waiting = new Map()
  failing = new Map()
  const ids = [...resolvers.keys()]
  for (let start = 0; start < ids.length; start += PROFILE_BATCH) {
    const batch = ids.slice(start, start + PROFILE_BATCH)
    unwrap(api.GET('/api/v1/users/photos', { params: { query: { ids: batch.join(',') } } })).then(
      (photos) => {
        for (const id of batch) for (const resolve of resolvers.get(id) ?? []) resolve(photos[id] ?? null)
      },
      (error: unknown) => {
        for (const id of batch) for (const reject of rejecters.get(id) ?? []) reject(error)
      },
    )
  }
}

export function invalidatePhotos(queryClient: QueryClient, placeId: string) {
  void queryClient.invalidateQueries({ queryKey: photoQueries.ofPlace(placeId).queryKey })
  invalidatePlace(queryClient, placeId)
}
