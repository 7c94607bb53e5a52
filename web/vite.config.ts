import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

/**
 * Emits sw.js: a small service worker that precaches the app shell (index.html and every built
 * file) under a cache named after the build, so the app opens offline and installs as a PWA, and
 * keeps the last API reads of listings, searches and bookings for offline use (see SW_SOURCE).
 */
function serviceWorker(): Plugin {
  return {
    name: 'hbnb-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((name) => !name.endsWith('.map') && name !== 'sw.js')
        .map((name) => `/${name}`)
      const precache = ['/', '/manifest.webmanifest', '/icon.svg', '/icon-192.png', '/icon-512.png', ...files]
      const version = createHash('sha256').update(files.sort().join('\n')).digest('hex').slice(0, 12)
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: SW_SOURCE.replace('__VERSION__', version).replace(
          '__PRECACHE__',
          JSON.stringify([...new Set(precache)]),
        ),
      })
    },
  }
}

/** Files worth compressing, and the size under which compression does not pay. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest|txt|xml)$/
const SMALLEST_COMPRESSED = 1024

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/**
 * Writes `<file>.br` and `<file>.gz` beside every compressible built file (public ones included), at
 * the highest levels once, so the server sends them as they are (Content-Encoding from Accept-Encoding).
 */
function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'hbnb-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir)
    },
    closeBundle() {
      for (const path of filesUnder(outDir).filter((file) => COMPRESSIBLE.test(file))) {
        const source = readFileSync(path)
        if (source.length < SMALLEST_COMPRESSED) continue
        const brotli = brotliCompressSync(source, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
          },
        })
        const gzip = gzipSync(source, { level: 9 })
        if (brotli.length < source.length) writeFileSync(`${path}.br`, brotli)
        if (gzip.length < source.length) writeFileSync(`${path}.gz`, gzip)
      }
    },
  }
}

const SW_SOURCE = `// HBNB service worker (generated at build time). The app shell is precached, so the app opens
// offline; pages fall back to the cached index.html. A few API reads are kept for offline use,
// network first: the listings and searches last seen, and the signed-in guest's trips. Reads made
// with a login go to a cache of their own, which the client deletes when the user logs out (or
// another user logs in), so one person's data is never shown to the next.
const CACHE = 'hbnb-shell-__VERSION__'
const PRECACHE = __PRECACHE__
const PUBLIC_DATA = 'hbnb-data-public'
const USER_DATA = 'hbnb-data-user'
/** The API reads kept, by path: listings (with photos, reviews, calendar), searches, bookings. */
const KEPT = /^\\/api\\/v1\\/(places\\/?|places\\/[^/]+\\/?|places\\/[^/]+\\/(photos|reviews|calendar)\\/?|search|bookings\\/?|bookings\\/[^/]+|client-config|amenities\\/?|users\\/photos)$/
/** The most answers kept per cache: the oldest go first. */
const MAX_KEPT = 150
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()))
})
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('hbnb-shell-') && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  )
})
const NOT_THE_CLIENT = /^\\/(api|healthz|readyz|metrics)(\\/|$)/
self.addEventListener('fetch', (event) => {
  const request = event.request
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.origin !== self.location.origin) return
  if (url.pathname.startsWith('/api/')) {
    if (KEPT.test(url.pathname)) event.respondWith(networkFirst(event, request))
    return
  }
  if (NOT_THE_CLIENT.test(url.pathname)) return
  if (request.mode === 'navigate') {
    // Pages: the network first (fresh HTML after a deploy), the cached shell when offline.
    event.respondWith(fetch(request).catch(() => caches.match('/', { cacheName: CACHE, ignoreVary: true })))
    return
  }
  // Built files (hashed names): the precache first. Vary is ignored: a Vary header (Origin,
  // Accept-Encoding) on a cached answer would otherwise keep it from matching a request.
  event.respondWith(caches.match(request, { cacheName: CACHE, ignoreVary: true }).then((hit) => hit || fetch(request)))
})
/** The answer from the network, kept; the kept one when the network fails. */
async function networkFirst(event, request) {
  const cacheName = request.headers.has('Authorization') ? USER_DATA : PUBLIC_DATA
  try {
    const response = await fetch(request)
    if (response.ok) event.waitUntil(keep(cacheName, request, response.clone()))
    return response
  } catch (error) {
    // Offline: the signed-in user's copy, else the public one (the request may lack its token then).
    const hit =
      (await caches.match(request, { cacheName: USER_DATA, ignoreVary: true })) ||
      (await caches.match(request, { cacheName: PUBLIC_DATA, ignoreVary: true }))
    if (hit) return hit
    throw error
  }
}
async function keep(cacheName, request, response) {
  const cache = await caches.open(cacheName)
  // Put again at the end, so the oldest answers are the first ones over the limit.
  await cache.delete(request, { ignoreVary: true })
  await cache.put(request, response)
  const keys = await cache.keys()
  await Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_KEPT)).map((key) => cache.delete(key)))
}
`

export default defineConfig({
  plugins: [react(), serviceWorker(), precompress()],
  build: {
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      output: {
        // The libraries every page runs in one file: it compresses better than the many small
        // shared chunks automatic splitting makes of them (each gzipped on its own).
        codeSplitting: {
          groups: [
            {
              name: 'vendor',
              test: /node_modules[\\/](react|react-dom|scheduler|@tanstack|openapi-fetch)[\\/]/,
            },
            // The app's own code the first page runs, in one file too: each file more is one more
            // request before anything shows (a round trip on a slow phone network).
            { name: 'app', tags: ['$initial'] },
            // The app's small modules several pages share (a listing's gallery, its price lines, the
            // avatar...), in one file rather than one each: a listing's code came in 11 requests.
            // Not the modules of the map, which import Leaflet (150 kB, loaded only with a map).
            {
              name: 'pages',
              test: /[\\/]src[\\/](?!components[\\/](map-tiles|MapView|PinPicker)\.)/,
              minShareCount: 2,
              maxModuleSize: 12_000,
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: process.env.HBNB_API_URL ?? 'http://localhost:8080', ws: true },
      '/healthz': process.env.HBNB_API_URL ?? 'http://localhost:8080',
    },
  },
})
