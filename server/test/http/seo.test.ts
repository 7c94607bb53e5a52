// What search engines and link previews get before any script runs: a listing's or a search's own
// title, description, canonical URL, Open Graph tags and JSON-LD in the served HTML; robots.txt; a
// sitemap of exactly the published listings, kept current as listings change.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { describeEachDriver } from '../helpers/test-app.js'

const SHELL = `<!doctype html><html><head><meta charset="utf-8" />
<meta name="description" content="HBNB: find a place to stay, or host your own." />
<title>HBNB</title></head><body><div id="root"></div></body></html>`
const html = { accept: 'text/html,application/xhtml+xml' }

const dir = mkdtempSync(join(tmpdir(), 'hbnb-seo-'))
writeFileSync(join(dir, 'index.html'), SHELL)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The API reads a page's head asks to preload, as a browser reads them (`&` is written `&#38;`). */
function preloadedReads(page: string) {
  return [...page.matchAll(/<link rel="preload" as="fetch" crossorigin="anonymous" href="([^"]+)"/g)].map(
    (m) => m[1]?.replaceAll('&#38;', '&'),
  )
}

/** The JSON-LD blocks of a page. */
function jsonLd(page: string): Record<string, any>[] {
  return [...page.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)].map((m) =>
    JSON.parse(m[1]!),
  )
}

function meta(page: string, attribute: 'name' | 'property', key: string): string | undefined {
  return new RegExp(`<meta ${attribute}="${key}" content="([^"]*)"`).exec(page)?.[1]
}

describeEachDriver(
  'pages for search engines',
  (t) => {
    it('answers a listing URL with its title, description, canonical URL, Open Graph tags and JSON-LD', async () => {
      const host = await t().user()
      const place = await t().place(host.token, {
        title: 'Loft </script><script>alert(1)</script> & "views"',
        description: 'A bright loft by the canal, with a balcony.',
        price: 120,
        currency: 'EUR',
        city: 'Amsterdam',
        country: 'NL',
        address: '1 Canal Street',
      })
      const res = await t().get(`/places/${place.id}`, { headers: html })
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toContain('text/html')
      const page = res.text
      // Escaped everywhere: the title cannot end the script or the attribute it is in.
      expect(page).not.toContain('<script>alert(1)')
      expect(page).toContain(
        '<title>Loft &#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;views&#34; · Amsterdam, NL · HBNB</title>',
      )
      expect(meta(page, 'name', 'description')).toBe(
        'A bright loft by the canal, with a balcony. (Amsterdam, NL, from 120 EUR a night)',
      )
      const canonical = /<link rel="canonical" href="([^"]+)"/.exec(page)?.[1]
      expect(canonical).toMatch(new RegExp(`^http://[^/]+/places/${place.id}$`))
      expect(meta(page, 'property', 'og:url')).toBe(canonical)
      expect(meta(page, 'property', 'og:title')).toContain('Loft')
      const [data] = jsonLd(page)
      expect(data).toMatchObject({
        '@context': 'https://schema.org',
        '@type': 'LodgingBusiness',
        name: 'Loft </script><script>alert(1)</script> & "views"',
        url: canonical,
        address: { '@type': 'PostalAddress', addressLocality: 'Amsterdam', addressCountry: 'NL' },
        geo: { '@type': 'GeoCoordinates', latitude: 10, longitude: 20 },
        makesOffer: { '@type': 'Offer', price: 120, priceCurrency: 'EUR', url: canonical },
      })
      // Only one page head: the shell's own description and title were replaced, not added to.
      expect(page.match(/<title>/g)).toHaveLength(1)
      expect(page.match(/<meta name="description"/g)).toHaveLength(1)
    })

    it('preloads the first API read of a listing, the home page and a bare search', async () => {
      const host = await t().user()
      const place = await t().place(host.token, { title: 'Loft' })
      const listing = await t().get(`/places/${place.id}`, { headers: html })
      expect(preloadedReads(listing.text)).toEqual([`/api/v1/places/${place.id}`])
      // The first results of the home page and of a bare search are the same for everyone.
      const home = await t().get('/', { headers: html })
      expect(home.headers['content-security-policy']).toContain("script-src 'self'")
      expect(preloadedReads(home.text)).toEqual(['/api/v1/search?sort=rating&limit=24'])
      expect(preloadedReads((await t().get('/search', { headers: html })).text)).toEqual([
        '/api/v1/search?limit=24',
      ])
      // A search for something: its request is the client's to make.
      expect(preloadedReads((await t().get('/search?q=Lisbon', { headers: html })).text)).toEqual([])
    })

    it('answers a draft or a missing listing with the plain shell and 404', async () => {
      const host = await t().user()
      const draft = await t().place(host.token, { title: 'Secret draft', status: 'draft' })
      for (const id of [draft.id, 'no-such-place']) {
        const res = await t().get(`/places/${id}`, { headers: html })
        expect(res.status, id).toBe(404)
        expect(res.text).toContain('<div id="root">')
        expect(res.text).not.toContain('Secret draft')
        expect(jsonLd(res.text)).toEqual([])
      }
    })

    it('names a search page after the place searched for, with a canonical URL without dates', async () => {
      const res = await t().get('/search?q=Lisbon&check_in=2030-01-01&check_out=2030-01-03', {
        headers: html,
      })
      expect(res.status).toBe(200)
      expect(res.text).toContain('<title>Stays in Lisbon · HBNB</title>')
      expect(/<link rel="canonical" href="([^"]+)"/.exec(res.text)?.[1]).toMatch(/\/search\?q=Lisbon$/)
    })

    it('serves robots.txt pointing at the sitemap, and keeps the API out', async () => {
      const res = await t().get('/robots.txt')
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toContain('text/plain')
      expect(res.text).toContain('Disallow: /api/')
      expect(res.text).toMatch(/Sitemap: http:\/\/[^/]+\/sitemap\.xml/)
    })

    it('lists every published listing in sitemap.xml and none other, as listings change', async () => {
      const host = await t().user()
      const shown = await t().place(host.token, { title: 'Shown' })
      const draft = await t().place(host.token, { title: 'Draft', status: 'draft' })
      const unpublished = await t().place(host.token, { title: 'Soon unpublished' })
      const deleted = await t().place(host.token, { title: 'Soon deleted' })
      await t().put(`/api/v1/places/${unpublished.id}`, { status: 'draft' }, { token: host.token })
      expect((await t().delete(`/api/v1/places/${deleted.id}`, { token: host.token })).status).toBe(200)
      const res = await t().get('/sitemap.xml')
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toContain('application/xml')
      const listed = [...res.text.matchAll(/<loc>[^<]*\/places\/([^<]+)<\/loc>/g)].map((m) => m[1])
      expect(listed).toContain(shown.id)
      for (const hidden of [draft.id, unpublished.id, deleted.id]) expect(listed).not.toContain(hidden)
      // Exactly the published listings the API lists.
      const published = await t().get('/api/v1/places/')
      expect(listed.sort()).toEqual((published.body as { id: string }[]).map((p) => p.id).sort())
      // Published again: listed again.
      await t().put(`/api/v1/places/${unpublished.id}`, { status: 'published' }, { token: host.token })
      expect((await t().get('/sitemap.xml')).text).toContain(`/places/${unpublished.id}</loc>`)
    })
  },
  { HBNB_WEB_DIR: dir },
)

it("preloads a listing page's largest picture with the HTML, escaped, at high priority", async () => {
  const { withHead } = await import('../../src/http/page-meta.js')
  const page = withHead(SHELL, {
    title: 'Loft',
    description: 'A loft',
    canonical: 'http://example.test/places/1',
    preloadImage: {
      srcset: '/media/a-320.avif 320w, /media/"b-1024.avif 1024w',
      sizes: '100vw',
      type: 'image/avif',
    },
  })
  expect(page).toContain(
    '<link rel="preload" as="image" fetchpriority="high" type="image/avif" ' +
      'imagesrcset="/media/a-320.avif 320w, /media/&#34;b-1024.avif 1024w" imagesizes="100vw" />',
  )
  expect(
    withHead(SHELL, { title: 'Loft', description: 'A loft', canonical: 'http://example.test/' }),
  ).not.toContain('rel="preload"')
})
