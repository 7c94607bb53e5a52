// The installed app offline (the PWA of issue 16): after one visit online, a guest who has lost
// the connection reloads and still gets the app shell, their trips and the listing they last
// viewed, from what the service worker kept, with a notice saying they are offline; a listing they
// never opened says so too (offline, not "not available"). Logging out deletes what was kept of
// them. The browser is offline (context.setOffline) and, to be sure nothing is served from the
// network (Chromium's offline mode does not reach service workers), the server is stopped.
import type { Page } from 'playwright-core'
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

interface Booking {
  id: string
  status: string
  place_id: string
  place: { title: string }
}

interface Place {
  id: string
  title: string
}

async function logIn(page: Page, email: string) {
  await page.getByRole('link', { name: 'Log in' }).first().click()
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.locator('.account-menu summary').waitFor()
}

for (const device of DEVICES) {
  describe(`the app offline on a ${device.name}`, () => {
    let server: RunningServer
    let browser: RunningBrowser
    let page: Page
    let trip: Booking
    let unseen: Place

    beforeAll(async () => {
      server = await startServer()
      browser = await startBrowser(device)
      page = browser.page
      const token = await apiLogin(server.url, GUEST)
      const trips = await apiCall<Booking[]>(server.url, 'GET', '/api/v1/bookings?role=guest', { token })
      const upcoming = trips.find((b) => b.status === 'confirmed')
      if (!upcoming) throw new Error(`the demo data has no upcoming stay for ${GUEST}`)
      trip = upcoming
      const places = await apiCall<Place[]>(server.url, 'GET', '/api/v1/places/?limit=100')
      unseen = places.find((p) => p.id !== trip.place_id) as Place
    })

    afterAll(async () => {
      await browser?.close()
      await server?.stop()
    })

    it('opens the shell, the trips and the last listing seen, with an offline notice', async () => {
      // One visit online: the service worker installs and takes the page over.
      await page.goto(`${server.url}/`)
      await page.locator('.place-card').first().waitFor()
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready
      })
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
      await logIn(page, GUEST)
      await page.goto(`${server.url}/trips`)
      await page.locator(`[data-booking="${trip.id}"]`).waitFor()
      await page.goto(`${server.url}/places/${trip.place_id}`)
      await page.getByRole('heading', { level: 1, name: trip.place.title }).waitFor()
      expect(await page.getByTestId('offline-banner').count()).toBe(0)

      // The connection goes: nothing answers any more.
      await browser.context.setOffline(true)
      await server.stop()

      await page.reload()
      await page.getByRole('heading', { level: 1, name: trip.place.title }).waitFor()
      const banner = page.getByTestId('offline-banner')
      await banner.getByText('You are offline.').waitFor()
      await screenshot(page, device, 'offline-listing')

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

    it('forgets what it kept of the guest when they log out, even offline', async () => {
      expect(await page.evaluate(() => caches.has('hbnb-data-user'))).toBe(true)
      await page.locator('.account-menu summary').click()
      await page.locator('.account-menu').getByRole('button', { name: 'Log out' }).click()
      await page.getByRole('link', { name: 'Log in' }).first().waitFor()
      await page.waitForFunction(async () => !(await caches.has('hbnb-data-user')))
      // Reloaded offline, the trips page asks to log in and shows none of the guest's trips.
      await page.goto(`${server.url}/trips`)
      await page.getByRole('heading', { level: 1, name: 'Log in to continue' }).waitFor()
      expect(await page.locator(`[data-booking="${trip.id}"]`).count()).toBe(0)
    })
  })
}
