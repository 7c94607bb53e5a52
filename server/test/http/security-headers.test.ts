// Security headers on every response (routes, errors, the cache's early answers), and the
// Content-Security-Policy of each page: the web client's, Swagger UI's and the landing page's.
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { inlineScriptHashes, tileSource, webClientPolicy } from '../../src/http/security-headers.js'
import { photoOrigins } from '../../src/http/web.js'
import { describeEachDriver, type Response, startTestApp, type TestApp } from '../helpers/test-app.js'

const DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

function directives(response: Response): Map<string, string[]> {
  const policy = String(response.headers['content-security-policy'] ?? '')
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name!, sources]),
  )
}

function expectBaseline(response: Response, what: string) {
  expect(response.headers['x-content-type-options'], what).toBe('nosniff')
  expect(response.headers['x-frame-options'], what).toBe('DENY')
  expect(response.headers['referrer-policy'], what).toBe('strict-origin-when-cross-origin')
  expect(String(response.headers['permissions-policy']), what).toContain('camera=()')
  expect(String(response.headers['permissions-policy']), what).toContain('geolocation=(self)')
  expect(directives(response).get('frame-ancestors'), what).toEqual(["'none'"])
  expect(response.headers['strict-transport-security'], what).toBeUndefined()
}

/** A page policy: no inline script, no plugin, no <base>, never framed. */
function expectStrictPage(response: Response, what: string) {
  const policy = directives(response)
  expect(policy.get('script-src') ?? policy.get('default-src'), what).not.toContain("'unsafe-inline'")
  expect(policy.get('script-src') ?? [], what).not.toContain("'unsafe-eval'")
  expect(policy.get('object-src') ?? policy.get('default-src'), what).toEqual(["'none'"])
  expect(policy.get('base-uri'), what).toEqual(["'none'"])
}

describeEachDriver(
  'security headers',
  (t) => {
    it('are on API answers, errors of every kind and cache hits answered early', async () => {
      const owner = await t().user()
      const place = await t().place(owner.token)
      const answers: Array<[string, Response]> = [
        ['status', await t().get('/api/v1/status')],
        ['routed place', await t().get(`/api/v1/places/${place.id}`)],
        ['early place', await t().get(`/api/v1/places/${place.id}`)],
        ['not found', await t().get('/api/v1/nothing-here')],
        ['unknown id', await t().get('/api/v1/places/00000000-0000-4000-8000-000000000000')],
        ['bad url', await t().get('/api/v1/places/%E0%A4%A')],
        ['validation', await t().post('/api/v1/places/', { title: 3 }, { token: owner.token })],
        [
          'unauthorized',
          await t().post('/api/v1/places/', { title: 'x', price: 10, latitude: 1, longitude: 2 }),
        ],
        [
          'preflight',
          await t().request('OPTIONS', '/api/v1/places/', {
            headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' },
          }),
        ],
      ]
      for (const [what, response] of answers) {
        expectBaseline(response, what)
        expect(response.headers['content-security-policy'], what).toBe(DATA_POLICY)
      }
      expect(answers.map(([, r]) => r.status)).toEqual([200, 200, 200, 404, 404, 400, 400, 401, 204])
    })

    it('gives Swagger UI a strict policy of its own, and the OpenAPI document the data policy', async () => {
      const ui = await t().get('/api/v1/')
      expect(ui.status).toBe(200)
      expectBaseline(ui, 'swagger ui')
      expectStrictPage(ui, 'swagger ui')
      expect(directives(ui).get('script-src')).toEqual(["'self'"])
      expect(directives(ui).get('connect-src')).toEqual(["'self'"])
      expect(directives(ui).get('style-src')).toEqual(["'self'", expect.stringMatching(/^'sha256-/)])
      const initializer = await t().get('/api/v1/static/swagger-initializer.js')
      expect(initializer.headers['content-security-policy']).toBe(ui.headers['content-security-policy'])
      const document = await t().get('/api/v1/openapi.json')
      expect(document.headers['content-security-policy']).toBe(DATA_POLICY)
    })

    it('gives the landing page a policy allowing its one stylesheet by hash', async () => {
      const landing = await t().get('/')
      expect(landing.status).toBe(200)
      expectBaseline(landing, 'landing')
      expectStrictPage(landing, 'landing')
      const style = /<style>([\s\S]*?)<\/style>/.exec(landing.text)![1]!
      const hash = `'sha256-${createHash('sha256').update(style).digest('base64')}'`
      expect(directives(landing).get('style-src')).toEqual([hash])
      expect(directives(landing).get('default-src')).toEqual(["'none'"])
    })
  },
  { HBNB_CACHE: 'memory', HBNB_WEB_DIR: 'none' },
)

describe('security headers of the web client', () => {
  let t: TestApp
  let dir: string
  const inline = "window.__boot = 'x'"

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hbnb-web-csp-'))
    mkdirSync(join(dir, 'assets'))
    writeFileSync(
      join(dir, 'index.html'),
      `<!doctype html><title>HBNB app</title><script>${inline}</script><script type="module" src="/assets/index-abc.js"></script><div id="root"></div>`,
    )
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log("app")')
    writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})')
    t = await startTestApp('sqlite', {
      HBNB_WEB_DIR: dir,
      HBNB_MAP_TILES_URL: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png',
      HBNB_HSTS_MAX_AGE: '600',
    })
  })

  afterAll(async () => {
    await t?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('allows its own scripts, its inline scripts by hash, the API and the map tiles', async () => {
    const shell = await t.get('/trips', { headers: { accept: 'text/html' } })
    expect(shell.status).toBe(200)
    expectStrictPage(shell, 'shell')
    expect(shell.headers['x-content-type-options']).toBe('nosniff')
    expect(shell.headers['strict-transport-security']).toBe('max-age=600')
    const policy = directives(shell)
    const hash = `'sha256-${createHash('sha256').update(inline).digest('base64')}'`
    expect(policy.get('script-src')).toEqual(["'self'", hash])
    expect(policy.get('style-src')).toEqual(["'self'"])
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'https://*.tiles.example.org'])
    expect(policy.get('connect-src')).toEqual(["'self'", 'https://*.tiles.example.org'])
    expect(policy.get('frame-ancestors')).toEqual(["'none'"])
    expect(shell.headers['x-frame-options']).toBe('DENY')
  })

  it('sends the same policy with its files and its service worker', async () => {
    const shell = await t.get('/', { headers: { accept: 'text/html' } })
    for (const url of ['/assets/index-abc.js', '/sw.js']) {
      const file = await t.get(url)
      expect(file.status, url).toBe(200)
      expect(file.headers['content-security-policy'], url).toBe(shell.headers['content-security-policy'])
      expect(file.headers['x-content-type-options'], url).toBe('nosniff')
    }
  })
})

describe('CSP sources', () => {
  it('hashes inline scripts only', () => {
    const html = '<script src="/a.js"></script><script type="module">go()</script><SCRIPT>x</SCRIPT>'
    expect(inlineScriptHashes(html)).toEqual([
      `'sha256-${createHash('sha256').update('go()').digest('base64')}'`,
      `'sha256-${createHash('sha256').update('x').digest('base64')}'`,
    ])
  })

  it('takes the host of a tile template, with a wildcard for {s}', () => {
    expect(tileSource('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe(
      'https://tile.openstreetmap.org',
    )
    expect(tileSource('https://{s}.tile.example.org/{z}/{x}/{y}.png')).toBe('https://*.tile.example.org')
    expect(tileSource('//tiles.example.org:8080/{z}/{x}/{y}.png')).toBe('tiles.example.org:8080')
    expect(tileSource('/tiles/{z}/{x}/{y}.png')).toBeUndefined()
  })

  it('lets photos come from the media URL and direct uploads go to the bucket', () => {
    const sources = (env: Record<string, string>) => {
      const config = loadConfig({ HBNB_JWT_SECRET: 'x'.repeat(32), ...env }, false)
      const policy = webClientPolicy({
        mapTilesUrl: '/tiles/{z}/{x}/{y}.png',
        inlineScripts: [],
        ...photoOrigins(config),
      })
      const directives = new Map(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]))
      return { img: directives.get('img-src'), connect: directives.get('connect-src') }
    }
    expect(sources({})).toEqual({ img: ["'self'", 'data:'], connect: ["'self'"] })
    expect(
      sources({
        HBNB_S3_BUCKET: 'photos',
        HBNB_S3_REGION: 'eu-west-3',
        HBNB_MEDIA_URL: 'https://cdn.example.org/m',
      }),
    ).toEqual({
      img: ["'self'", 'data:', 'https://cdn.example.org'],
      connect: ["'self'", 'https://photos.s3.eu-west-3.amazonaws.com'],
    })
    const endpoint = { HBNB_S3_BUCKET: 'photos', HBNB_S3_ENDPOINT: 'http://127.0.0.1:9000' }
    expect(sources({ ...endpoint, HBNB_S3_PATH_STYLE: 'true' }).connect).toEqual([
      "'self'",
      'http://127.0.0.1:9000',
    ])
    expect(sources({ ...endpoint, HBNB_S3_PATH_STYLE: 'false' }).connect).toEqual([
      "'self'",
      'http://photos.127.0.0.1:9000',
    ])
  })
})
