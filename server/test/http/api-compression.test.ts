// The API's JSON (and the listing pages' HTML) compressed as the client accepts: brotli first, then
// gzip, for bodies of 1 kB or more; small answers and clients that accept neither get the bytes as
// they are. Cached entries (early answers included) are compressed once per encoding.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import {
  Compressor,
  encodedEtag,
  encodingFor,
  MIN_BYTES,
  varyWithEncoding,
} from '../../src/http/compression.js'
import { decoded, rawGet } from '../helpers/raw-http.js'
import { describeEachDriver } from '../helpers/test-app.js'

const webDir = mkdtempSync(join(tmpdir(), 'hbnb-compression-'))
writeFileSync(
  join(webDir, 'index.html'),
  `<!doctype html><html><head><meta charset="utf-8" /><title>HBNB</title>${'<!-- - -->'.repeat(100)}</head><body><div id="root"></div></body></html>`,
)
afterAll(() => rmSync(webDir, { recursive: true, force: true }))

describe('compression rules', () => {
  it('chooses brotli, then gzip, honouring q=0 and *', () => {
    expect(encodingFor('gzip, deflate, br, zstd')).toBe('br')
    expect(encodingFor('gzip;q=1.0, br;q=0')).toBe('gzip')
    expect(encodingFor('deflate')).toBeUndefined()
    expect(encodingFor('*')).toBe('br')
    expect(encodingFor('*;q=0, gzip')).toBe('gzip')
    expect(encodingFor('identity')).toBeUndefined()
    expect(encodingFor(undefined)).toBeUndefined()
  })

  it('names compressed forms apart and keeps Vary whole', () => {
    expect(encodedEtag('"abc"', 'br')).toBe('"abc-br"')
    expect(varyWithEncoding(undefined)).toBe('Accept-Encoding')
    expect(varyWithEncoding('Origin')).toBe('Origin, Accept-Encoding')
    expect(varyWithEncoding('Origin, accept-encoding')).toBe('Origin, accept-encoding')
  })

  it('compresses the bytes of one ETag once', () => {
    const compressor = new Compressor()
    const body = Buffer.from(JSON.stringify({ text: 'hbnb '.repeat(1000) }))
    const first = compressor.compress(body, 'br', '"e1"')
    expect(compressor.compress(body, 'br', '"e1"')).toBe(first)
    expect(compressor.compress(body, 'gzip', '"e1"')).not.toBe(first)
    expect(compressor.compress(body, 'br')).not.toBe(first)
    expect(brotliDecompressSync(first).equals(body)).toBe(true)
  })
})

describeEachDriver(
  'API compression',
  (t) => {
    it('compresses a large JSON answer as the client accepts, with its own ETag', async () => {
      const host = await t().user()
      for (let i = 0; i < 6; i++) await t().place(host.token, { title: `Listed cabin ${i}` })
      const path = '/api/v1/places/?limit=50'
      const plain = await rawGet(t().baseUrl, path)
      expect(plain.status).toBe(200)
      expect(plain.bytes.length).toBeGreaterThan(MIN_BYTES)
      expect(plain.headers['content-encoding']).toBeUndefined()
      expect(plain.headers.vary).toMatch(/Accept-Encoding/)
      // A URL asked first compressed goes through the router (a cache miss); then it is answered early.
      const routed = await rawGet(t().baseUrl, '/api/v1/places/?limit=49', { 'accept-encoding': 'br' })
      expect(routed.headers['content-encoding']).toBe('br')
      expect(decoded(routed)).toBe(plain.bytes.toString('utf8'))
      for (const [accept, encoding] of [
        ['gzip, deflate, br', 'br'],
        ['gzip', 'gzip'],
      ] as const) {
        const res = await rawGet(t().baseUrl, path, { 'accept-encoding': accept })
        expect(res.headers['content-encoding'], accept).toBe(encoding)
        expect(res.headers.vary).toMatch(/Accept-Encoding/)
        expect(res.bytes.length).toBeLessThan(plain.bytes.length / 3)
        expect(Number(res.headers['content-length'])).toBe(res.bytes.length)
        expect(decoded(res)).toBe(plain.bytes.toString('utf8'))
        expect(res.headers.etag).toBe(encodedEtag(plain.headers.etag!, encoding))
        // Revalidating the compressed form: nothing changed, nothing sent.
        const again = await rawGet(t().baseUrl, path, {
          'accept-encoding': accept,
          'if-none-match': res.headers.etag!,
        })
        expect(again.status).toBe(304)
        expect(again.bytes.length).toBe(0)
      }
    })

    it('answers small bodies and clients that accept no encoding as they are', async () => {
      const status = await rawGet(t().baseUrl, '/api/v1/status', { 'accept-encoding': 'br' })
      expect(status.bytes.length).toBeLessThan(MIN_BYTES)
      expect(status.headers['content-encoding']).toBeUndefined()
      const identity = await rawGet(t().baseUrl, '/api/v1/amenities/', { 'accept-encoding': 'identity' })
      expect(identity.headers['content-encoding']).toBeUndefined()
      expect(JSON.parse(identity.bytes.toString('utf8')).length).toBeGreaterThan(0)
    })

    it('compresses uncached answers too (a logged-in list)', async () => {
      const host = await t().user()
      for (let i = 0; i < 8; i++) await t().place(host.token, { title: `Compressed cabin ${i}` })
      const mine = await rawGet(t().baseUrl, '/api/v1/places/?owner_id=me', {
        authorization: `Bearer ${host.token}`,
        'accept-encoding': 'gzip',
      })
      expect(mine.status).toBe(200)
      expect(mine.headers['content-encoding']).toBe('gzip')
      expect(JSON.parse(decoded(mine))).toHaveLength(8)
    })

    it('compresses the HTML of a listing page', async () => {
      const host = await t().user()
      const place = await t().place(host.token, { title: 'Page with a head', description: 'x'.repeat(400) })
      const page = await rawGet(t().baseUrl, `/places/${place.id}`, {
        'accept-encoding': 'br',
        accept: 'text/html',
      })
      expect(page.status).toBe(200)
      expect(page.headers['content-type']).toMatch(/^text\/html/)
      expect(page.headers['content-encoding']).toBe('br')
      expect(decoded(page)).toContain('Page with a head')
    })
  },
  { HBNB_CACHE: 'memory', HBNB_WEB_DIR: webDir },
)
