// The HBNB server under test: started from the build with a fresh SQLite file, then filled with data.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startNode, waitUntil } from './children.mjs'
import { json, request } from './http.mjs'

const HBNB_BIN = fileURLToPath(new URL('../../server/bin/hbnb.js', import.meta.url))

export const ADMIN = { email: 'admin@hbnb.io', password: 'admin1234' }
/** Enough for a 1,000-item list (and a 100-item page with a `Link: rel="next"` header). */
export const TARGET_PLACES = Number(process.env.BENCH_PLACES ?? 1000)

/** The environment without any HBNB_* setting of the caller's shell, so every run is configured alike. */
export function cleanEnv() {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('HBNB_') && key !== 'PORT') env[key] = value
  }
  return env
}

/**
 * `hbnb all` (migrate, seed the demo, serve) on `port` with its data in `dataDir`. The working directory
 * is `dataDir` too, so no `.env` file is picked up. JSON logs at the default level go to /dev/null.
 * The response cache is off (the figures are the database path) unless `extra` settings turn it on.
 */
export async function startHbnb({ port, dataDir, authRateLimit, nodeOptions = [], extra = {} }) {
  const settings = {
    HBNB_PORT: String(port),
    HBNB_HOST: '127.0.0.1',
    HBNB_DATA_DIR: dataDir,
    HBNB_LOG_FORMAT: 'json',
    HBNB_LOG_LEVEL: 'info',
    HBNB_AUTH_RATE_LIMIT: String(authRateLimit),
    // The load comes from loopback: the API's rate limits would measure themselves, not the API.
    HBNB_RATE_LIMIT_ALLOW: 'loopback',
    HBNB_CACHE: 'off',
    ...extra,
  }
  mkdirSync(dataDir, { recursive: true })
  const proc = startNode('HBNB server', [HBNB_BIN, 'all'], {
    env: { ...cleanEnv(), ...settings },
    cwd: dataDir,
    nodeOptions,
  })
  const baseUrl = `http://127.0.0.1:${port}`
  await waitUntil(proc, async () => (await request(baseUrl, { path: '/readyz' })).status === 200, 60_000)
  return { proc, baseUrl, settings }
}

/** Logs in as the admin and creates places until there are TARGET_PLACES published ones. */
export async function createPlaces(baseUrl) {
  const { access_token: token } = await json(baseUrl, {
    method: 'POST',
    path: '/api/v1/auth/login',
    body: ADMIN,
  })
  const listed = await request(baseUrl, { path: '/api/v1/places/?limit=1' })
  const existing = Number(listed.headers['x-total-count'])
  if (!Number.isFinite(existing)) throw new Error('GET /api/v1/places/ gave no X-Total-Count header')
  const missing = Math.max(0, TARGET_PLACES - existing)
  const create = (n) =>
    json(
      baseUrl,
      {
        method: 'POST',
        path: '/api/v1/places/',
        headers: { authorization: `Bearer ${token}` },
        body: {
          title: `Benchmark loft ${n}`,
          description: `A bright loft created by the benchmark (number ${n}), close to shops and transport.`,
          price: 80 + (n % 50),
          latitude: 40 + (n % 10) / 10,
          longitude: -3 - (n % 10) / 10,
        },
      },
      201,
    )
  const BATCH = 8
  for (let n = 0; n < missing; n += BATCH) {
    const batch = []
    for (let i = n; i < Math.min(n + BATCH, missing); i++) batch.push(create(i + 1))
    await Promise.all(batch)
  }
  return { existing, created: missing }
}

/** The published place with the most reviews (then amenities) among the first page: a full detail page. */
export async function pickPlace(baseUrl) {
  const places = await json(baseUrl, { path: '/api/v1/places/?limit=100' })
  let best
  for (const { id } of places) {
    const detail = await json(baseUrl, { path: `/api/v1/places/${id}` })
    const weight = detail.reviews.length * 1000 + detail.amenities.length
    if (!best || weight > best.weight)
      best = { id, weight, reviews: detail.reviews.length, amenities: detail.amenities.length }
  }
  if (!best) throw new Error('GET /api/v1/places/ returned no place')
  return { pageLength: places.length, place: best }
}
