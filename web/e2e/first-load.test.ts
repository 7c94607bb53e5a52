// What a first visit to the home page, a search and a listing fetches, in a real browser on a desktop
// and a phone: the HTML asks at once for the page's first API read, and the client then uses that
// answer rather than asking again. A preload the client
// does not use (its URL drifted from the client's request) would cost a second request of the same
// URL, which these tests catch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiCall,
  DEVICES,
  type RunningBrowser,
  type RunningServer,
  startBrowser,
  startServer,
} from './harness'

let server: RunningServer

beforeAll(async () => {
  server = await startServer()
}, 60_000)
afterAll(async () => {
  await server?.stop()
})

describe.each(DEVICES)('first load on $name', (device) => {
  let browser: RunningBrowser
  beforeAll(async () => {
    browser = await startBrowser(device)
  }, 30_000)
  afterAll(async () => {
    await browser?.close()
  })

  /**
   * The same-origin requests of a first visit to `path` (once `shown` resolves), and the API reads its
   * HTML preloads.
   */
  async function firstVisit(path: string, shown: (page: RunningBrowser['page']) => Promise<void>) {
    const page = await browser.context.newPage()
    const requests: string[] = []
    page.on('request', (request) => {
      if (request.url().startsWith(server.url)) requests.push(request.url().slice(server.url.length))
    })
    await page.goto(`${server.url}${path}`)
    await shown(page)
    await page.waitForLoadState('networkidle')
    const preloaded = await page
      .locator('link[rel="preload"][as="fetch"]')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''))
    await page.close()
    return { requests, preloaded }
  }

  /**
   * `read` is preloaded, and it is the only request of its endpoint: the client's own request of it
   * was answered by the preload (a preload of another URL would make two requests).
   */
  function readOnce(visit: { requests: string[]; preloaded: string[] }, read: string) {
    expect(visit.preloaded).toContain(read)
    const endpoint = read.split('?')[0]
    expect(visit.requests.filter((request) => request.split('?')[0] === endpoint)).toEqual([read])
  }

  it('reads the home page’s best rated places once, fetched with the HTML', async () => {
    const visit = await firstVisit('/', async (page) => {
      await page.locator('.card-grid a').first().waitFor()
    })
    readOnce(visit, '/api/v1/search?sort=rating&limit=24')
  })

  it('reads a bare search’s results once, fetched with the HTML', async () => {
    const visit = await firstVisit('/search', async (page) => {
      await page.getByRole('heading', { level: 2 }).first().waitFor()
    })
    readOnce(visit, '/api/v1/search?limit=24')
  })

  it('reads a listing’s detail once, fetched with the HTML', async () => {
    const [place] = await apiCall<{ id: string; title: string }[]>(
      server.url,
      'GET',
      '/api/v1/places/?limit=1',
    )
    const visit = await firstVisit(`/places/${place!.id}`, async (page) => {
      await page.getByRole('heading', { level: 1, name: place!.title }).waitFor()
    })
    readOnce(visit, `/api/v1/places/${place!.id}`)
    // The gallery's photos are asked for with the detail, once.
    expect(visit.requests.filter((request) => request === `/api/v1/places/${place!.id}/photos`)).toHaveLength(
      1,
    )
    expect(browser.errors).toEqual([])
  })
})
