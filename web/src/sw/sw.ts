// HBNB service worker, bundled at build time into dist/sw.js (see `serviceWorker` in vite.config.ts,
// which also fills in the build's version and the list of files to precache).
//
// - The app shell is precached, so the app opens offline; pages fall back to the cached index.html.
// - A few API reads are kept for offline use, network first: the listings and searches last seen,
//   and the signed-in member's trips, conversations, wishlists and notifications. Reads made with a
//   login go to a cache of their own, which the client deletes when the user logs out (or another
//   user logs in), so one person's data is never shown to the next; an answer is kept there only
//   while the cache is noted as its member's (user-data.ts). The member's own reads
//   (bookings, conversations, wishlists, notifications) are never kept or served from elsewhere.
// - Photos (`/media/`, public, named by their content) are served from the photo cache first and
//   kept there when a page loads them, within a budget, the least recently shown evicted first
//   (photos.ts). A client may set this device's budget with a PhotoBudgetMessage.
import { type PhotoBudgetMessage, PhotoCache } from './photos'
import { keepForMember, USER_DATA } from './user-data'

declare const self: ServiceWorkerGlobalScope
/** Filled in at build time: the build's version, and the shell's files. */
declare const __HBNB_SW_VERSION__: string
declare const __HBNB_SW_PRECACHE__: string[]

const CACHE = `hbnb-shell-${__HBNB_SW_VERSION__}`
const PRECACHE = __HBNB_SW_PRECACHE__
const PUBLIC_DATA = 'hbnb-data-public'

/**
 * The API reads kept, by path: listings (with photos, reviews, calendar), searches, the settings,
 * and the member's bookings, conversations (and their messages), wishlists, notifications and
 * unread counts.
 */
const KEPT = new RegExp(
  '^/api/v1/(' +
    [
      'places/?',
      'places/[^/]+/?',
      'places/[^/]+/(photos|reviews|calendar)/?',
      'search',
      'client-config',
      'amenities/?',
      'users/photos',
      'bookings/?',
      'bookings/[^/]+',
      'conversations/?',
      'conversations/unread',
      'conversations/[^/]+',
      'conversations/[^/]+/messages/?',
      'wishlists/?',
      'wishlists/[^/]+',
      'notifications/?',
      'notifications/unread-count',
    ].join('|') +
    ')$',
)
/** A member's own reads: only ever kept with their login, in USER_DATA. */
const MEMBERS_OWN = /^\/api\/v1\/(bookings|conversations|wishlists|notifications)(\/|$)/
/** The most answers kept per cache, for listings and searches and for a member's own reads apart. */
const MAX_KEPT = 150

const NOT_THE_CLIENT = /^\/(api|healthz|readyz|metrics)(\/|$)/
const PHOTOS = /^\/media\//

const photos = new PhotoCache(caches, self.location.origin, {
  quota: async () => (await self.navigator.storage?.estimate())?.quota,
})

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith('hbnb-shell-') && key !== CACHE)
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('message', (event) => {
  const message = event.data as PhotoBudgetMessage | undefined
  if (message?.type !== 'hbnb:photo-budget') return
  const done = photos.setBudget(message.budget).then((usage) => event.ports[0]?.postMessage(usage))
  event.waitUntil(done)
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.origin !== self.location.origin) return
  if (url.pathname.startsWith('/api/')) {
    if (KEPT.test(url.pathname)) event.respondWith(networkFirst(event, request, url))
    return
  }
  if (PHOTOS.test(url.pathname)) {
    if (!request.headers.has('Range')) event.respondWith(photo(event, request))
    return
  }
  if (NOT_THE_CLIENT.test(url.pathname)) return
  if (request.mode === 'navigate') {
    // Pages: the network first (fresh HTML after a deploy), the cached shell when offline.
    event.respondWith(
      fetch(request).catch(
        async () => (await caches.match('/', { cacheName: CACHE, ignoreVary: true })) ?? Response.error(),
      ),
    )
    return
  }
  // Built files (hashed names): the precache first. Vary is ignored: a Vary header (Origin,
  // Accept-Encoding) on a cached answer would otherwise keep it from matching a request.
  event.respondWith(
    caches.match(request, { cacheName: CACHE, ignoreVary: true }).then((hit) => hit ?? fetch(request)),
  )
})

/** A photo: the kept copy (it never changes), else the network's, kept for next time. */
async function photo(event: FetchEvent, request: Request): Promise<Response> {
  try {
    const { response, saved } = await photos.match(request.url)
    event.waitUntil(saved.catch(() => undefined))
    if (response) return response
  } catch {
    // No cache storage (private mode, quota): the network alone.
  }
  const response = await fetch(request)
  if (response.ok) event.waitUntil(photos.keep(request.url, response.clone()).catch(() => undefined))
  return response
}

/** The answer from the network, kept; the kept one when the network fails. */
async function networkFirst(event: FetchEvent, request: Request, url: URL): Promise<Response> {
  const withLogin = request.headers.has('Authorization')
  const membersOwn = MEMBERS_OWN.test(url.pathname)
  try {
    const response = await fetch(request)
    if (response.ok && (withLogin || !membersOwn)) {
      event.waitUntil(keep(withLogin ? USER_DATA : PUBLIC_DATA, request, response.clone(), membersOwn))
    }
    return response
  } catch (error) {
    // Offline: the signed-in user's copy, else (for what anyone may read) the public one; the
    // request may lack its token then (a reload offline signs in without one).
    const hit =
      (await caches.match(request, { cacheName: USER_DATA, ignoreVary: true })) ??
      (membersOwn ? undefined : await caches.match(request, { cacheName: PUBLIC_DATA, ignoreVary: true }))
    if (hit) return hit
    throw error
  }
}

async function keep(cacheName: string, request: Request, response: Response, membersOwn: boolean) {
  const save = async (cache: Cache) => {
    // Put again at the end, so the oldest answers are the first ones over the limit.
    await cache.delete(request, { ignoreVary: true })
    await cache.put(request, response)
    // Each kind has its own limit (listings seen do not push out a member's messages), and what is
    // not an API read (offline.ts's note of who signed in) is never evicted.
    const sameKind = (await cache.keys()).filter((key) => {
      const path = new URL(key.url).pathname
      return path.startsWith('/api/') && MEMBERS_OWN.test(path) === membersOwn
    })
    await Promise.all(
      sameKind.slice(0, Math.max(0, sameKind.length - MAX_KEPT)).map((key) => cache.delete(key)),
    )
  }
  if (cacheName === USER_DATA) await keepForMember(caches, request, save)
  else await save(await caches.open(cacheName))
}
