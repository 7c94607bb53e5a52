// Embedded mode: the API process serves the built web client at `/`, index.html for the client's
// own pages, and keeps JSON 404s for the API and operator paths.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

describe('web client (embedded mode)', () => {
  let t: TestApp
  let dir: string
  const html = { accept: 'text/html,application/xhtml+xml' }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hbnb-web-'))
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>HBNB app</title><div id="root"></div>')
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("app")')
    writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})')
    t = await startTestApp('sqlite', {
      HBNB_WEB_DIR: dir,
      HBNB_MAP_TILES_URL: 'https://tiles.example.org/{z}/{x}/{y}.png',
    })
  })

  afterAll(async () => {
    await t?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves index.html at / instead of the landing page', async () => {
    const res = await t.get('/', { headers: html })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.text).toContain('HBNB app')
    expect(res.headers['cache-control']).toBe('no-cache')
  })

  it('serves built files, hashed assets cached for a year', async () => {
    const res = await t.get('/assets/index-abc123.js')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toContain('javascript')
    expect(res.headers['cache-control']).toContain('immutable')
    const worker = await t.get('/sw.js')
    expect(worker.status).toBe(200)
    expect(worker.headers['cache-control']).toBe('no-cache')
  })

  it("answers the client's pages with index.html when a browser asks for HTML", async () => {
    for (const path of ['/search?q=Paris', '/host/listings/new', '/trips']) {
      const res = await t.get(path, { headers: html })
      expect(res.status, path).toBe(200)
      expect(res.text).toContain('<div id="root"></div>')
    }
    // A listing that is not public: the client says so, and the status tells search engines.
    const missing = await t.get('/places/123', { headers: html })
    expect(missing.status).toBe(404)
    expect(missing.text).toContain('HBNB app')
  })

  it('keeps JSON 404s for the API, health, metrics, missing files and non-HTML requests', async () => {
    for (const path of ['/api/v1/nothing', '/api', '/healthz/x', '/metrics/x', '/readyz/more']) {
      const res = await t.get(path, { headers: html })
      expect(res.status, path).toBe(404)
      expect(res.headers['content-type']).toContain('application/json')
      expect(res.body.code).toBe('route_not_found')
    }
    expect((await t.get('/trips', { headers: { accept: 'application/json' } })).status).toBe(404)
    expect((await t.get('/assets/missing.js', { headers: html })).status).toBe(404)
    expect((await t.get('/%2e%2e/%2e%2e/etc/passwd', { headers: { accept: '*/*' } })).status).toBe(404)
  })

  it('gives the client its settings', async () => {
    const res = await t.get('/api/v1/client-config')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      map: {
        tiles_url: 'https://tiles.example.org/{z}/{x}/{y}.png',
        attribution: '© OpenStreetMap contributors',
      },
      signup: true,
      photos: { direct_uploads: false },
    })
  })
})

describe('without a built web client', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp('sqlite', { HBNB_WEB_DIR: 'none' })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('shows the landing page at / and JSON 404s elsewhere', async () => {
    const res = await t.get('/', { headers: { accept: 'text/html' } })
    expect(res.status).toBe(200)
    expect(res.text).toContain('HBNB is running')
    expect((await t.get('/trips', { headers: { accept: 'text/html' } })).status).toBe(404)
  })
})
