// The signed-in member's reads that the service worker keeps for offline use, and the note of whom
// they belong to (written by the client, api/offline.ts). A read answered while its member logs out
// (the client deletes the cache) or while someone else signs in must not be kept: it would recreate
// the cache, or land in the next person's.

/** The cache of the reads made with a login. */
export const USER_DATA = 'hbnb-data-user'
/** Where, in USER_DATA, the client notes whose reads they are (no request ever goes there). */
export const OWNER_PATH = '/offline/user.json'

/**
 * The user a bearer token was issued to (its `sub`), read without checking the token: it only says
 * which cache an answer the API already gave may go to.
 */
export function tokenSubject(authorization: string | null): string | undefined {
  const payload = /^Bearer [\w-]+\.([\w-]+)\.[\w-]+$/.exec(authorization ?? '')?.[1]
  if (!payload) return undefined
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'))
    const sub = (JSON.parse(json) as { sub?: unknown }).sub
    return typeof sub === 'string' ? sub : undefined
  } catch {
    return undefined
  }
}

/** The id of the member whose reads USER_DATA holds, if it holds a note of one. */
async function owner(storage: CacheStorage): Promise<string | undefined> {
  // `match` with a cacheName does not create the cache, unlike `open`.
  const note = await storage.match(OWNER_PATH, { cacheName: USER_DATA })
  const id = note ? ((await note.json()) as { id?: unknown } | null)?.id : undefined
  return typeof id === 'string' ? id : undefined
}

/**
 * Runs `save` on USER_DATA for an answer to `request`, only if the cache belongs to the member the
 * request was made for, before and after saving; an answer that no longer belongs there is removed
 * (with the cache, if the member's note is gone: they logged out meanwhile). Whether it was kept.
 */
export async function keepForMember(
  storage: CacheStorage,
  request: Request,
  save: (cache: Cache) => Promise<void>,
): Promise<boolean> {
  const member = tokenSubject(request.headers.get('Authorization'))
  if (member === undefined || (await owner(storage)) !== member) return false
  const cache = await storage.open(USER_DATA)
  await save(cache)
  const now = await owner(storage)
  if (now === member) return true
  if (now === undefined) await storage.delete(USER_DATA)
  else await cache.delete(request, { ignoreVary: true })
  return false
}
