// The installed app offline (the PWA of issue 16): after one visit online, a guest who has lost
// the connection reloads and still gets the app shell, their trips, the listing they last viewed
// with its photos, the photos of the search they made, their inbox and the conversation they opened,
// their wishlists and their notifications, from what the service worker kept, with a notice saying
// they are offline; what needs the network (sending, saving, marking read) says so and is disabled.
// A listing they never opened says it was not kept (offline, not "not available"). Logging out
// deletes what was kept of them; the photos, public, stay within their budget, least recently
// shown out first.
//
// The browser is offline (context.setOffline) and, to be sure nothing is served from the network
// (Chromium's offline mode does not reach service workers), the server is stopped. The page's own
// HTTP cache is off (DevTools' "Disable cache"): a browser may evict it at any time, so a photo
// shown offline must come from the service worker's photo cache.
import type { CDPSession, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiCall,
  apiLogin,
  DEMO_PASSWORD,
  DEVICES,
  type RunningBrowser,
  type RunningServer,
  screenshot,
  startBrowser,
  startServer,
} from './harness'

const GUEST = 'guest1@hbnb.io'
const PHOTO_CACHE = 'hbnb-photos'
const USER_DATA = 'hbnb-data-user'

interface Booking {
  id: string
  status: string
  place_id: string
  place: { title: string }
}

interface Place {
  id: string
  title: string
  owner: { email: string; first_name: string }
}

interface Notification {
  text: string
  read: boolean
}

async function logIn(page: Page, email: string) {
  await page.getByRole('link', { name: 'Log in' }).first().click()
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.locator('.account-menu summary').waitFor()
}

/**
 * Polls `check` until it is true or `ms` have passed (an assertion follows). Not waitForFunction:
 * Playwright takes the promise of an async predicate for a true value.
 */
async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
}

/** The paths of the photos under `root` that the page shows (loaded, with pixels). */
async function shownPhotos(page: Page, root: string): Promise<string[]> {
  return page.locator(`${root} img`).evaluateAll((images) =>
    (images as HTMLImageElement[])
      .filter((img) => img.complete && img.naturalWidth > 0 && img.currentSrc.includes('/media/'))
      .map((img) => new URL(img.currentSrc).pathname)
      .sort(),
  )
}

/** Waits until the page shows at least `count` photos under `root`, then lets lazy ones settle. */
async function waitForPhotos(page: Page, root: string, count = 1): Promise<string[]> {
  await page.waitForFunction(
    ([root, count]) =>
      Array.from(document.querySelectorAll<HTMLImageElement>(`${root} img`)).filter(
        (img) => img.complete && img.naturalWidth > 0 && img.currentSrc.includes('/media/'),
      ).length >= Number(count),
    [root, count] as const,
  )
  await page.waitForLoadState('networkidle')
  return shownPhotos(page, root)
}

/** Waits until the page shows every photo of `paths` under `root` (offline: from the photo cache). */
async function expectPhotosShown(page: Page, root: string, paths: string[]) {
  expect(paths.length).toBeGreaterThan(0)
  await page
    .waitForFunction(
      ([root, paths]) => {
        const shown = new Set(
          Array.from(document.querySelectorAll<HTMLImageElement>(`${root} img`))
            .filter((img) => img.complete && img.naturalWidth > 0)
            .map((img) => new URL(img.currentSrc).pathname),
        )
        return (paths as string[]).every((path) => shown.has(path))
      },
      [root, paths] as const,
      { timeout: 10_000 },
    )
    .catch(() => undefined)
  expect(await shownPhotos(page, root)).toEqual(expect.arrayContaining(paths))
}

/** The photos the service worker keeps, with their sizes. */
async function keptPhotos(page: Page): Promise<{ path: string; size: number }[]> {
  return page.evaluate(async (name) => {
    if (!(await caches.has(name))) return []
    const cache = await caches.open(name)
    const kept: { path: string; size: number }[] = []
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname
      if (!path.startsWith('/media/')) continue
      const response = await cache.match(request)
      kept.push({ path, size: response ? (await response.blob()).size : 0 })
    }
    return kept
  }, PHOTO_CACHE)
}

/** The paths of the API reads kept for the signed-in user. */
async function keptReads(page: Page): Promise<string[]> {
  return page.evaluate(async (name) => {
    if (!(await caches.has(name))) return []
    const cache = await caches.open(name)
    return (await cache.keys()).map((request) => new URL(request.url).pathname)
  }, USER_DATA)
}

/** Sets this device's photo budget in the service worker (null: the default); its usage after. */
async function setPhotoBudget(page: Page, budget: { bytes?: number; entries?: number } | null) {
  return page.evaluate(async (budget) => {
    const worker = navigator.serviceWorker.controller
    if (!worker) throw new Error('no service worker controls the page')
    const channel = new MessageChannel()
    const answer = new Promise<{
      bytes: number
      entries: number
      budget: { bytes: number; entries: number }
    }>((resolve, reject) => {
      channel.port1.onmessage = (event) => resolve(event.data)
      setTimeout(() => reject(new Error('the service worker did not answer the photo budget')), 5000)
    })
    worker.postMessage({ type: 'hbnb:photo-budget', budget }, [channel.port2])
    return answer
  }, budget)
}

for (const device of DEVICES) {
  describe(`the app offline on a ${device.name}`, () => {
    let server: RunningServer
    let browser: RunningBrowser
    let page: Page
    let devtools: CDPSession
    let trip: Booking
    let unseen: Place
    let host: Place['owner']
    let conversationId: string
    let wishlist: { id: string; name: string; places: Place[] }
    let notification: Notification
    /** What the page showed online, to find offline. */
    const seen = {
      listingPhotos: [] as string[],
      searchPhotos: [] as string[],
      wishlistPhotos: [] as string[],
    }
    const GUEST_MESSAGE = 'Hello! Is there a cot for our baby?'
    const HOST_MESSAGE = 'Yes, there is one in the small bedroom.'

    beforeAll(async () => {
      server = await startServer()
      browser = await startBrowser(device)
      page = browser.page
      // The browser's HTTP cache off for the page: only the service worker keeps anything.
      devtools = await browser.context.newCDPSession(page)
      await devtools.send('Network.enable')
      await devtools.send('Network.setCacheDisabled', { cacheDisabled: true })

      const token = await apiLogin(server.url, GUEST)
      const trips = await apiCall<Booking[]>(server.url, 'GET', '/api/v1/bookings?role=guest', { token })
      const upcoming = trips.find((b) => b.status === 'confirmed')
      if (!upcoming) throw new Error(`the demo data has no upcoming stay for ${GUEST}`)
      trip = upcoming
      const place = await apiCall<Place>(server.url, 'GET', `/api/v1/places/${trip.place_id}`)
      host = place.owner
      const places = await apiCall<{ id: string }[]>(server.url, 'GET', '/api/v1/places/?limit=100')
      const others = places.filter((p) => p.id !== trip.place_id)
      unseen = await apiCall<Place>(server.url, 'GET', `/api/v1/places/${others[0]!.id}`)

      // A question to the host of the stay, answered; a wishlist of two places.
      const started = await apiCall<{ id: string }>(server.url, 'POST', '/api/v1/conversations', {
        token,
        body: { place_id: trip.place_id, text: GUEST_MESSAGE },
      })
      conversationId = started.id
      const hostToken = await apiLogin(server.url, host.email)
      await apiCall(server.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
        token: hostToken,
        body: { text: HOST_MESSAGE },
      })
      const list = await apiCall<{ id: string }>(server.url, 'POST', '/api/v1/wishlists', {
        token,
        body: { name: 'By the sea next summer' },
      })
      const second = await apiCall<Place>(server.url, 'GET', `/api/v1/places/${others[1]!.id}`)
      for (const p of [place, second]) {
        await apiCall(server.url, 'PUT', `/api/v1/wishlists/${list.id}/places/${p.id}`, { token })
      }
      wishlist = { id: list.id, name: 'By the sea next summer', places: [place, second] }
      const notifications = await apiCall<Notification[]>(server.url, 'GET', '/api/v1/notifications', {
        token,
      })
      if (!notifications[0]) throw new Error(`the demo data has no notification for ${GUEST}`)
      notification = notifications[0]
    })

    afterAll(async () => {
      await browser?.close()
      await server?.stop()
    })

    it('keeps the photos pages showed within a budget, the least recently shown out first', async () => {
      await page.goto(`${server.url}/`)
      await page.locator('.place-card').first().waitFor()
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready
      })
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
      const BUDGET = 16_000
      const set = await setPhotoBudget(page, { bytes: BUDGET })
      expect(set.budget.bytes).toBe(BUDGET)

      const requested = new Set<string>()
      const onResponse = (response: { url: () => string; status: () => number }) => {
        const url = new URL(response.url())
        if (url.pathname.startsWith('/media/') && response.status() === 200) requested.add(url.pathname)
      }
      page.on('response', onResponse)
      const places = await apiCall<{ id: string }[]>(server.url, 'GET', '/api/v1/places/?limit=100')
      let last: string[] = []
      for (const { id } of places.slice(10, 14)) {
        await page.goto(`${server.url}/places/${id}`)
        last = await waitForPhotos(page, '.gallery')
      }
      page.off('response', onResponse)

      // More was shown than the budget holds...
      let shownBytes = 0
      for (const path of requested) {
        shownBytes += (await (await fetch(`${server.url}${path}`)).arrayBuffer()).byteLength
      }
      expect(shownBytes).toBeGreaterThan(BUDGET)
      // ...and the cache kept within it, the last listing's photos (the most recently shown) whole.
      const keeps = async (paths: string[]) => {
        const kept = new Set((await keptPhotos(page)).map((photo) => photo.path))
        return paths.every((path) => kept.has(path))
      }
      await until(() => keeps(last))
      const kept = await keptPhotos(page)
      expect(kept.reduce((sum, photo) => sum + photo.size, 0)).toBeLessThanOrEqual(BUDGET)
      expect(kept.length).toBeLessThan(requested.size)
      expect(kept.map((photo) => photo.path)).toEqual(expect.arrayContaining(last))
      for (const photo of kept) expect(requested.has(photo.path)).toBe(true)

      // Back to the default budget (tens of megabytes): nothing more goes.
      const reset = await setPhotoBudget(page, null)
      expect(reset.budget.bytes).toBeGreaterThan(1_000_000)
      expect(reset.entries).toBe(kept.length)
    })

    it('keeps, in one visit online, the pages, their photos and the guest’s own reads', async () => {
      await page.goto(`${server.url}/`)
      await page.locator('.place-card').first().waitFor()
      await logIn(page, GUEST)
      await page.goto(`${server.url}/trips`)
      await page.locator(`[data-booking="${trip.id}"]`).waitFor()
      await page.goto(`${server.url}/places/${trip.place_id}`)
      await page.getByRole('heading', { level: 1, name: trip.place.title }).waitFor()
      seen.listingPhotos = await waitForPhotos(page, '.gallery', 2)
      await page.goto(`${server.url}/search`)
      seen.searchPhotos = await waitForPhotos(page, '.place-card', 2)
      await page.goto(`${server.url}/inbox`)
      const unread = page.getByTestId('inbox').getByRole('link', { name: new RegExp(host.first_name) })
      await unread.locator('.badge').waitFor()
      // Opened from the inbox, the conversation is read: the inbox is fetched again (and kept so).
      const inboxAgain = page.waitForResponse(
        (response) =>
          new URL(response.url()).pathname === '/api/v1/conversations' &&
          response.request().method() === 'GET',
      )
      await unread.click()
      await page.getByTestId('messages').getByText(HOST_MESSAGE).waitFor()
      await inboxAgain
      await page.goto(`${server.url}/wishlists`)
      await page.getByRole('link', { name: new RegExp(wishlist.name) }).waitFor()
      await page.goto(`${server.url}/wishlists/${wishlist.id}`)
      await page.getByText(wishlist.places[1]!.title).waitFor()
      seen.wishlistPhotos = await waitForPhotos(page, '.place-card', 1)
      await page.goto(`${server.url}/notifications`)
      await page.getByTestId('notifications-list').getByText(notification.text).waitFor()
      expect(await page.getByTestId('offline-banner').count()).toBe(0)
      expect(await page.getByTestId('offline-note').count()).toBe(0)
      try {
        await expectKept()
      } finally {
        // The connection goes, whatever was kept: the next tests show what the app does offline.
        await goOffline()
      }
    })

    /** What the visit online kept: asserted in the test above. */
    async function expectKept() {
      // Kept: the photos the pages showed, and the guest's inbox, wishlists and notifications in
      // their own cache (none of which in the shared one).
      const photos = [...seen.listingPhotos, ...seen.searchPhotos, ...seen.wishlistPhotos]
      await until(async () => {
        const kept = new Set((await keptPhotos(page)).map((photo) => photo.path))
        return photos.every((path) => kept.has(path))
      })
      expect((await keptPhotos(page)).map((photo) => photo.path)).toEqual(expect.arrayContaining(photos))
      const reads = [
        '/api/v1/conversations',
        `/api/v1/conversations/${conversationId}`,
        `/api/v1/conversations/${conversationId}/messages`,
        '/api/v1/wishlists',
        `/api/v1/wishlists/${wishlist.id}`,
        '/api/v1/notifications',
      ]
      await until(async () => {
        const kept = new Set(await keptReads(page))
        return reads.every((path) => kept.has(path))
      })
      expect(await keptReads(page)).toEqual(expect.arrayContaining(reads))
      const shared = await page.evaluate(async () => {
        const cache = await caches.open('hbnb-data-public')
        return (await cache.keys()).map((request) => new URL(request.url).pathname)
      })
      expect(
        shared.filter((path) => /^\/api\/v1\/(conversations|wishlists|notifications)/.test(path)),
      ).toEqual([])
    }

    /**
     * Nothing answers any more: the browser is offline (said on the DevTools session too: it has the
     * network domain enabled, for the cache, and its conditions would otherwise win) and the server
     * is stopped.
     */
    async function goOffline() {
      await browser.context.setOffline(true)
      await devtools.send('Network.emulateNetworkConditions', {
        offline: true,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      })
      await server.stop()
    }

    it('opens the shell, the trips and the last listing seen with its photos, with an offline notice', async () => {
      await page.goto(`${server.url}/places/${trip.place_id}`)
      await page.getByRole('heading', { level: 1, name: trip.place.title }).waitFor()
      const banner = page.getByTestId('offline-banner')
      await banner.getByText('You are offline.').waitFor()
      await expectPhotosShown(page, '.gallery', seen.listingPhotos)
      await screenshot(page, device, 'offline-listing')

      // Saving it to a wishlist needs the network: the dialog says so, its choices disabled.
      await page.getByRole('button', { name: /Saved/ }).first().click()
      const dialog = page.getByRole('dialog')
      await dialog
        .getByText('You are offline: saving places to your wishlists, or changing them, needs a connection.')
        .waitFor()
      const choice = dialog.getByRole('checkbox', { name: new RegExp(wishlist.name) })
      expect(await choice.isChecked()).toBe(true)
      expect(await choice.isDisabled()).toBe(true)
      await dialog.getByRole('button', { name: 'Done' }).click()

      await page.goto(`${server.url}/trips`)
      await page.getByRole('heading', { level: 1, name: 'Trips' }).waitFor()
      await page.locator(`[data-booking="${trip.id}"]`).getByText(trip.place.title).first().waitFor()
      await banner.waitFor()
      // Signed in as the guest this device kept, without a connection.
      await page.locator('.account-menu summary').waitFor()
      await screenshot(page, device, 'offline-trips')

      // A listing never opened here: offline, said as such.
      await page.goto(`${server.url}/places/${unseen.id}`)
      await page.getByRole('heading', { level: 1, name: 'You are offline.' }).waitFor()
      await page.getByText('You are offline, and this device has not kept this.').waitFor()
      expect(await page.getByText('Listing not available').count()).toBe(0)
      // In French too (its messages were kept with the rest of the app).
      await page.getByLabel('Language').selectOption('fr')
      await banner.getByText('Vous êtes hors ligne.').waitFor()
      await page.getByText('Vous êtes hors ligne, et cet appareil ne l’a pas gardé.').waitFor()
      await page.getByLabel('Langue').selectOption('en')
      await banner.getByText('You are offline.').waitFor()
      expect(browser.errors).toEqual([])
    })

    it('shows the search kept offline with the photos of its result cards', async () => {
      await page.goto(`${server.url}/search`)
      await page.locator('.place-card').first().waitFor()
      await page.getByTestId('offline-banner').waitFor()
      await expectPhotosShown(page, '.place-card', seen.searchPhotos)
    })

    it('shows the inbox and a conversation opened before; sending says it needs a connection', async () => {
      await page.goto(`${server.url}/inbox`)
      await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor()
      await page.getByTestId('offline-banner').waitFor()
      const item = page.getByTestId('inbox').getByRole('link', { name: new RegExp(host.first_name) })
      await item.getByText(trip.place.title).waitFor()
      // As last seen online: read.
      expect(await item.locator('.badge').count()).toBe(0)
      await screenshot(page, device, 'offline-inbox')

      await item.click()
      await page.getByRole('heading', { level: 1, name: `Conversation with ${host.first_name}` }).waitFor()
      const messages = page.getByTestId('messages')
      await messages.getByText(GUEST_MESSAGE).waitFor()
      await messages.getByText(HOST_MESSAGE).waitFor()
      // A message can be written, not sent: the button is disabled and the page says why.
      await page.getByLabel(`Write to ${host.first_name}`).fill('See you soon!')
      await page
        .getByTestId('offline-note')
        .getByText('You are offline: sending a message needs a connection.')
        .waitFor()
      expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true)
      await screenshot(page, device, 'offline-conversation')
      await page.getByLabel('Language').selectOption('fr')
      await page
        .getByTestId('offline-note')
        .getByText('Vous êtes hors ligne : envoyer un message demande une connexion.')
        .waitFor()
      expect(await page.getByRole('button', { name: 'Envoyer' }).isDisabled()).toBe(true)
      await page.getByLabel('Langue').selectOption('en')
      await page.getByRole('button', { name: 'Send' }).waitFor()

      // A conversation never opened here: offline, said as such.
      await page.goto(`${server.url}/inbox/00000000-0000-7000-8000-000000000000`)
      await page.getByText('You are offline, and this device has not kept this.').first().waitFor()
      expect(browser.errors).toEqual([])
    })

    it('shows the wishlists and their places with photos; changing them says it needs a connection', async () => {
      await page.goto(`${server.url}/wishlists`)
      await page.getByRole('heading', { level: 1, name: 'Wishlists' }).waitFor()
      await page.getByTestId('offline-banner').waitFor()
      const note = 'You are offline: saving places to your wishlists, or changing them, needs a connection.'
      await page.getByTestId('offline-note').getByText(note).waitFor()
      await page.getByLabel('New wishlist').fill('Ski trip')
      expect(await page.getByRole('button', { name: 'Create' }).isDisabled()).toBe(true)

      await page.getByRole('link', { name: new RegExp(wishlist.name) }).click()
      await page.getByRole('heading', { level: 1, name: wishlist.name }).waitFor()
      for (const place of wishlist.places) await page.getByText(place.title).first().waitFor()
      await expectPhotosShown(page, '.place-card', seen.wishlistPhotos)
      await page.getByTestId('offline-note').getByText(note).waitFor()
      const remove = page.getByRole('button', { name: 'Remove from this wishlist' })
      expect(await remove.count()).toBe(wishlist.places.length)
      for (const button of await remove.all()) expect(await button.isDisabled()).toBe(true)
      expect(await page.getByRole('button', { name: 'Delete this wishlist' }).isDisabled()).toBe(true)
      await screenshot(page, device, 'offline-wishlist')
      expect(browser.errors).toEqual([])
    })

    it('shows the notifications; marking them read says it needs a connection', async () => {
      await page.goto(`${server.url}/notifications`)
      await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor()
      await page.getByTestId('offline-banner').waitFor()
      await page.getByTestId('notifications-list').getByText(notification.text).waitFor()
      expect(notification.read).toBe(false)
      await page
        .getByTestId('offline-note')
        .getByText('You are offline: marking notifications as read needs a connection.')
        .waitFor()
      expect(await page.getByRole('button', { name: 'Mark all as read' }).isDisabled()).toBe(true)
      expect(browser.errors).toEqual([])
    })

    it('forgets what it kept of the guest when they log out, even offline, and keeps the photos', async () => {
      expect(await page.evaluate((name) => caches.has(name), USER_DATA)).toBe(true)
      await page.locator('.account-menu summary').click()
      await page.locator('.account-menu').getByRole('button', { name: 'Log out' }).click()
      await page.getByRole('link', { name: 'Log in' }).first().waitFor()
      await until(async () => !(await page.evaluate((name) => caches.has(name), USER_DATA)))
      expect(await page.evaluate((name) => caches.has(name), USER_DATA)).toBe(false)
      // Reloaded offline, the trips, inbox and wishlists ask to log in and show none of the guest's.
      for (const path of [
        '/trips',
        '/inbox',
        `/inbox/${conversationId}`,
        '/wishlists',
        `/wishlists/${wishlist.id}`,
      ]) {
        await page.goto(`${server.url}${path}`)
        await page.getByRole('heading', { level: 1, name: 'Log in to continue' }).waitFor()
      }
      expect(await page.locator(`[data-booking="${trip.id}"]`).count()).toBe(0)
      expect(await page.getByText(HOST_MESSAGE).count()).toBe(0)
      expect(await page.getByText(wishlist.name).count()).toBe(0)
      // The photos are public: they stay for the next visit.
      expect((await keptPhotos(page)).map((photo) => photo.path)).toEqual(
        expect.arrayContaining(seen.listingPhotos),
      )
    })
  })
}
