// Embedded mode: the build's precompressed files (`.br`, `.gz`) are sent by Accept-Encoding, and the
// client's files carry no CORS headers (a `Vary: Origin` would make the service worker's copies miss).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decoded, rawGet } from '../helpers/raw-http.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

describe('web client files, precompressed', () => {
  let t: TestApp
  let dir: string
  const script = `console.log(${JSON.stringify('hbnb '.repeat(500))})`
  const shell = `<!doctype html><title>HBNB app</title><div id="root"></div>${'<!-- x -->'.repeat(200)}`

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hbnb-web-'))
    mkdirSync(join(dir, 'assets'))
    const files: Record<string, string> = { 'index.html': shell, 'assets/index-abc123.js': script }
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text)
      writeFileSync(join(dir, `${name}.br`), brotliCompressSync(text))
      writeFileSync(join(dir, `${name}.gz`), gzipSync(text))
    }
    writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})')
    writeFileSync(join(dir, 'sw.js.br'), brotliCompressSync('self.addEventListener("fetch", () => {})'))
    t = await startTestApp('sqlite', { HBNB_WEB_DIR: dir, HBNB_CORS_ANY_ORIGIN: 'true' })
  })

  afterAll(async () => {
    await t?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('sends brotli, gzip or the file itself as the client accepts, the same bytes once decoded', async () => {
    const cases: [string, string | undefined][] = [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['identity', undefined],
      ['', undefined],
    ]
    for (const [path, text] of [
      ['/assets/index-abc123.js', script],
      ['/', shell],
      ['/trips', shell],
    ] as const) {
      for (const [accept, encoding] of cases) {
        const headers: Record<string, string> = { accept: 'text/html' }
        if (accept) headers['accept-encoding'] = accept
        const res = await rawGet(t.baseUrl, path, headers)
        expect(res.status, `${path} ${accept}`).toBe(200)
        expect(res.headers['content-encoding'], `${path} ${accept}`).toBe(encoding)
        expect(res.headers.vary, path).toMatch(/accept-encoding/i)
        if (encoding) expect(res.bytes.length).toBeLessThan(Buffer.byteLength(text))
        expect(decoded(res)).toBe(text)
      }
    }
  })

  it('keeps the content type of the file and its caching rules when compressed', async () => {
    const asset = await rawGet(t.baseUrl, '/assets/index-abc123.js', { 'accept-encoding': 'br' })
    expect(asset.headers['content-type']).toContain('javascript')
    expect(asset.headers['cache-control']).toContain('immutable')
    const worker = await rawGet(t.baseUrl, '/sw.js', { 'accept-encoding': 'br' })
    expect(worker.headers['content-encoding']).toBe('br')
    expect(worker.headers['content-type']).toContain('javascript')
    expect(worker.headers['service-worker-allowed']).toBe('/')
    expect(worker.headers['cache-control']).toBe('no-cache')
  })

  it('does not vary the client files on Origin (the installed app opens offline)', async () => {
    for (const path of ['/assets/index-abc123.js', '/sw.js', '/']) {
      const res = await rawGet(t.baseUrl, path, {
        origin: 'https://elsewhere.example',
        'accept-encoding': 'gzip',
      })
      expect(res.status, path).toBe(200)
      expect(String(res.headers.vary ?? ''), path).not.toMatch(/origin/i)
      expect(res.headers['access-control-allow-origin'], path).toBeUndefined()
    }
    // The API keeps its CORS headers.
    const api = await rawGet(t.baseUrl, '/api/v1/client-config', { origin: 'https://elsewhere.example' })
    expect(api.headers['access-control-allow-origin']).toBe('*')
    expect(api.headers.vary).toMatch(/origin/i)
  })
})
