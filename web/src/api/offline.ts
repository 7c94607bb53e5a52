// What this device keeps of the signed-in user for offline use. The service worker (sw.js, see
// vite.config.ts) keeps the API reads made with a login in the `hbnb-data-user` cache; beside them
// this module keeps who they belong to, so that a reload without a connection still knows who was
// signed in and shows their trips. The cache is deleted when the session ends (logout, expiry) and
// when someone else signs in: one person's data is never shown to the next.
import { OWNER_PATH as OWNER, USER_DATA } from '../sw/user-data'
import type { Me } from './types'

function cacheStorage(): CacheStorage | null {
  return typeof caches === 'undefined' ? null : caches
}

/** Notes that `user` is signed in; what was kept for someone else is deleted first. */
export async function keepUser(user: Me): Promise<void> {
  const storage = cacheStorage()
  if (!storage) return
  try {
    const kept = await storage.match(OWNER, { cacheName: USER_DATA })
    const owner = kept ? ((await kept.json()) as Me | null) : null
    if (owner?.id !== user.id) await storage.delete(USER_DATA)
    const cache = await storage.open(USER_DATA)
    await cache.put(
      OWNER,
      new Response(JSON.stringify(user), { headers: { 'Content-Type': 'application/json' } }),
    )
  } catch {
    // No cache storage (private mode, quota): nothing is kept.
  }
}

/** The user whose reads this device kept, if any. */
export async function keptUser(): Promise<Me | null> {
  try {
    const kept = await cacheStorage()?.match(OWNER, { cacheName: USER_DATA })
    return kept ? ((await kept.json()) as Me) : null
  } catch {
    return null
  }
}

/** Deletes everything kept of the signed-in user (their session ended). */
export async function forgetUser(): Promise<void> {
  try {
    await cacheStorage()?.delete(USER_DATA)
  } catch {
    // nothing kept
  }
}
