import { createHash } from 'node:crypto'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

/**
 * Emits sw.js: a small service worker that precaches the app shell (index.html and every built
 * file) under a cache named after the build, so the app opens offline and installs as a PWA.
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

const SW_SOURCE = `// HBNB service worker (generated at build time): app shell cached, API always from the network.
const CACHE = 'hbnb-shell-__VERSION__'
const PRECACHE = __PRECACHE__
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
  if (request.method !== 'GET' || url.origin !== self.location.origin || NOT_THE_CLIENT.test(url.pathname)) return
  if (request.mode === 'navigate') {
    // Pages: the network first (fresh HTML after a deploy), the cached shell when offline.
    event.respondWith(fetch(request).catch(() => caches.match('/', { cacheName: CACHE })))
    return
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)))
})
`

export default defineConfig({
  plugins: [react(), serviceWorker()],
  build: {
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: process.env.HBNB_API_URL ?? 'http://localhost:8080', ws: true },
      '/healthz': process.env.HBNB_API_URL ?? 'http://localhost:8080',
    },
  },
})
