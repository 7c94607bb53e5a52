// The journeys of the issue, in a real browser, once on a desktop viewport and once on a phone:
// sign up, search with dates, request to book, the host accepts, the guest sees it confirmed;
// the guest cancels and sees the refund first; a host creates and publishes a listing that then
// appears in search; a host sees their drafts and suspended listings, and an administrator finds
// the suspended one and reinstates it; a demo guest reviews a finished stay; a demo host sees who
// asks to stay; a guest resets a forgotten password and confirms their email address from the
// links the server emails (its file mail driver writes .eml files to its data directory); a host
// reviews the guest of a finished stay; a member verifies a phone number with the code texted to
// it (the embedded SMS driver writes JSON files to the data directory) and turns messages off by
// email and by SMS. Screenshots of the main pages go to
// web/test-results/screenshots/.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  apiCall,
  apiLogin,
  codeIn,
  DEMO_PASSWORD,
  DEVICES,
  type DemoPlace,
  daysFromNow,
  linkIn,
  type RunningBrowser,
  type RunningServer,
  requestToBookListing,
  screenshot,
  startBrowser,
  startServer,
  waitForMail,
  waitForSms,
} from './harness'

interface Booking {
  id: string
  status: string
  place_id: string
  check_out: string
  place: { title: string }
  guest: { first_name: string; last_name: string }
}

const ADMIN = { email: 'admin@hbnb.io', password: 'admin1234' }

type Place = DemoPlace

function money(amountMinor: number, currency: string) {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(amountMinor / 10 ** digits)
}

/** A JPEG of a colour gradient, as a camera would send it (sharp is the server's image library). */
async function testPhoto(width: number, height: number, [r, g, b]: number[]): Promise<Buffer> {
  const { default: sharp } = await import('sharp')
  const pixels = Buffer.alloc(width * height * 3)
  for (let i = 0; i < width * height; i++) {
    const shade = (i % width) / width
    pixels[i * 3] = r! * shade
    pixels[i * 3 + 1] = g! * shade
    pixels[i * 3 + 2] = b!
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer()
}

async function logOut(page: Page) {
  await page.locator('.account-menu summary').click()
  await page.locator('.account-menu').getByRole('button', { name: 'Log out' }).click()
  await page.getByRole('link', { name: 'Log in' }).first().waitFor()
}

async function logIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.getByRole('link', { name: 'Log in' }).first().click()
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.locator('.account-menu summary').waitFor()
}

async function openMenuLink(page: Page, name: string) {
  await page.locator('.account-menu summary').click()
  await page.locator('.account-menu .menu').getByRole('link', { name, exact: true }).click()
}

for (const device of DEVICES) {
  describe(`web client on a ${device.name} (${device.viewport.width}x${device.viewport.height})`, () => {
    let server: RunningServer
    let browser: RunningBrowser
    let page: Page
    let place: Place
    let hostEmail: string
    const guestEmail = `e2e-${device.name}-${Date.now()}@example.com`
    const checkIn = daysFromNow(device.name === 'desktop' ? 30 : 44)
    const checkOut = daysFromNow(device.name === 'desktop' ? 33 : 47)

    beforeAll(async () => {
      server = await startServer()
      browser = await startBrowser(device)
      page = browser.page
      // A request-to-book listing (the host answers), bookable for three nights by two guests.
      ;({ place, hostEmail } = await requestToBookListing(server.url))
    })

    afterAll(async () => {
      await browser?.close()
      await server?.stop()
    })

    // A test that fails midway may leave someone signed in: the next ones start signed out all the
    // same, so that one failure shows as one (not as the tests after it failing to find "Log in").
    beforeEach(({ onTestFailed }) => {
      onTestFailed(async () => {
        await browser.context.clearCookies()
        await page.evaluate(() => localStorage.clear()).catch(() => undefined)
        await page.goto(`${server.url}/`)
      })
    })

    it('shows the home page and a search with markers on the map even without map tiles', async () => {
      await page.goto(`${server.url}/`)
      await page.getByRole('heading', { name: 'Find a place to stay' }).waitFor()
      await page.locator('.place-card').first().waitFor()
      await screenshot(page, device, '01-home')
      // Installable: a web manifest, and a service worker that has cached the app shell.
      const installable = await page.evaluate(async () => {
        const manifest = await (await fetch('/manifest.webmanifest')).json()
        const registration = await navigator.serviceWorker.ready
        const cached = await caches.match('/')
        return {
          name: manifest.name,
          icons: manifest.icons.length,
          active: Boolean(registration.active),
          cached: Boolean(cached),
        }
      })
      expect(installable).toEqual({ name: 'HBNB', icons: 4, active: true, cached: true })
      // English and French, switchable: the choice is kept for the next visit.
      await page.getByLabel('Language').selectOption('fr')
      await page.getByRole('heading', { name: 'Trouvez où séjourner' }).waitFor()
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr')
      await screenshot(page, device, '01-home-fr')
      await page.getByLabel('Langue').selectOption('en')
      await page.getByRole('heading', { name: 'Find a place to stay' }).waitFor()

      await page.getByLabel('Where').fill(place.city)
      await page.getByRole('button', { name: 'Search' }).click()
      await page.waitForURL(/\/search\?/)
      await page.locator(`a[href^="/places/${place.id}"]`).first().waitFor()
      await page.getByRole('button', { name: 'Filters' }).click()
      await page.getByRole('dialog', { name: 'Filters' }).getByLabel('WiFi').waitFor()
      await screenshot(page, device, '02-search-filters')
      await page.getByRole('button', { name: 'Cancel' }).click()
      if (device.mobile) await page.getByRole('button', { name: 'Show map' }).click()
      await page.locator('.price-marker').first().waitFor()
      expect(await page.locator('.price-marker').count()).toBeGreaterThan(0)
      await screenshot(page, device, device.mobile ? '02-search-map' : '02-search')
      if (device.mobile) {
        await page.getByRole('button', { name: 'Show list' }).click()
        await screenshot(page, device, '02-search')
      }
    })

    it('shows results and a notice, never a blank page, for a search address it cannot read', async () => {
      await page.goto(`${server.url}/search?check_in=garbage&check_out=2020-13-45&sort=cheapest&guests=2`)
      await page.locator('.place-card').first().waitFor()
      await page
        .getByText(
          'Some search settings in this address were not understood, so they are left out: sort, check-in date, check-out date.',
        )
        .waitFor()
      await screenshot(page, device, '02d-search-bad-address')
      await page.goto(`${server.url}/places/${place.id}?check_in=garbage&guests=lots`)
      await page.getByRole('heading', { name: place.title, level: 1 }).waitFor()
    })

    it("shows a link's city in the Where field, and searches what the field says when sent", async () => {
      await page.goto(`${server.url}/search?city=${encodeURIComponent(place.city)}`)
      await page.locator(`a[href^="/places/${place.id}"]`).first().waitFor()
      if (device.mobile) await page.locator('.search-summary').click()
      const where = page.getByLabel('Where', { exact: true })
      expect(await where.inputValue()).toBe(place.city)
      await screenshot(page, device, '02e-search-city')
      await where.fill('Atlantis')
      await where.press('Enter')
      await page.waitForURL((url) => url.searchParams.get('q') === 'Atlantis')
      // The city gave way to the text: not both at once.
      expect(new URL(page.url()).searchParams.get('city')).toBeNull()
      expect(await page.getByLabel('Where', { exact: true }).inputValue()).toBe('Atlantis')
    })

    it('groups nearby pins on the map into one with their count, split as the map zooms in', async () => {
      await page.goto(`${server.url}/search`)
      if (device.mobile) await page.getByRole('button', { name: 'Show map' }).click()
      const groups = page.locator('.group-marker')
      await groups.first().waitFor()
      const counts = (await groups.allTextContents()).map(Number)
      expect(counts.every((n) => n >= 2)).toBe(true)
      await screenshot(page, device, '02b-search-map-groups')
      const biggest = Math.max(...counts)
      await groups
        .filter({ hasText: new RegExp(`^${biggest}$`) })
        .first()
        .click()
      // Zoomed in on the group: it is split into smaller groups or single prices.
      await page.waitForFunction((before) => {
        const now = Array.from(document.querySelectorAll('.group-marker'), (el) => Number(el.textContent))
        return Math.max(0, ...now) < before
      }, biggest)
      expect(await page.locator('.price-marker:not(.group-marker)').count()).toBeGreaterThan(0)
      await screenshot(page, device, '02c-search-map-zoomed')
      if (device.mobile) await page.getByRole('button', { name: 'Show list' }).click()
    })

    it('signs a guest up, searches with dates and requests to book; the host accepts; the guest sees it confirmed', async () => {
      await page.goto(`${server.url}/`)
      await page.getByRole('link', { name: 'Log in' }).first().click()
      // A wrong password says so, and what to do.
      await page.getByLabel('Email').fill('guest1@hbnb.io')
      await page.getByLabel('Password').fill('not-the-password')
      await page.getByRole('button', { name: 'Log in' }).click()
      await page.getByText('Wrong email or password. Check both and try again.').waitFor()
      await screenshot(page, device, '03-login')
      await page.getByRole('link', { name: 'Create an account' }).click()
      await page.getByLabel('First name').fill('Ana')
      await page.getByLabel('Last name').fill('Guest')
      await page.getByLabel('Email').fill(guestEmail)
      await page.getByLabel('Password').fill('short')
      await page.getByRole('button', { name: 'Sign up' }).click()
      await page.getByText('Use at least 8 characters.').waitFor()
      await page.getByLabel('Password').fill('a-long-password-1')
      await page.getByRole('button', { name: 'Sign up' }).click()
      await page.locator('.account-menu summary', { hasText: 'Account menu for Ana' }).waitFor()

      await page.getByLabel('Where').fill(place.city)
      await page.getByLabel('Check-in').fill(checkIn)
      await page.getByLabel('Check-out').fill(checkOut)
      await page.getByLabel('Guests', { exact: true }).fill('2')
      await page.getByRole('button', { name: 'Search' }).click()
      await page.waitForURL(/check_in=/)
      const card = page.locator(`a[href^="/places/${place.id}"]`).first()
      await card.waitFor()
      expect(await card.textContent()).toMatch(/total for 3 nights/)
      await card.click()

      await page.getByRole('heading', { name: place.title, level: 1 }).waitFor()
      const quote = await apiCall<{ total_minor: number; currency: string }>(
        server.url,
        'GET',
        `/api/v1/places/${place.id}/quote?check_in=${checkIn}&check_out=${checkOut}&guests=2`,
      )
      const total = page.getByTestId('quote-total')
      await total.waitFor()
      expect(await total.textContent()).toBe(money(quote.total_minor, quote.currency))
      await screenshot(page, device, '04-listing')
      // Save it to a new wishlist.
      await page.getByRole('button', { name: 'Save', exact: true }).click()
      await page.getByLabel('New wishlist').fill('Summer')
      await page.getByRole('button', { name: 'Create' }).click()
      await page.getByRole('checkbox', { name: /Summer/, checked: true }).waitFor()
      await page.getByRole('button', { name: 'Done' }).click()
      await page.getByRole('button', { name: 'Saved', exact: true }).waitFor()
      if (device.mobile) {
        // Past the booking box, a bar at the bottom keeps the stay's total and Reserve at hand.
        await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
        const bar = page.getByTestId('reserve-bar')
        await bar.waitFor()
        expect(await bar.textContent()).toContain(money(quote.total_minor, quote.currency))
        await bar.getByRole('link', { name: 'Reserve' }).waitFor()
        await screenshot(page, device, '04a-listing-reserve-bar')
        await page.evaluate(() => window.scrollTo(0, 0))
        await bar.waitFor({ state: 'detached' })
      }
      // Checkout holds the dates, with a countdown, and shows what the guest agrees to before the
      // request turns the hold into the booking; a message to the host goes with it.
      await page.getByRole('link', { name: 'Continue to checkout' }).click()
      await page.waitForURL(/\/places\/[^/]+\/checkout\?/)
      await page.getByTestId('hold-countdown').waitFor()
      expect(await page.getByTestId('hold-countdown').textContent()).toMatch(
        /held for you for\s*(10:00|9:[0-5]\d)/,
      )
      expect(await page.getByTestId('quote-total').textContent()).toBe(
        money(quote.total_minor, quote.currency),
      )
      await page.getByRole('heading', { name: 'Cancellation' }).waitFor()
      await page.getByRole('heading', { name: 'Stay rules' }).waitFor()
      await page.getByLabel(/Tell the host who is coming/).fill('Two of us, arriving around six.')
      await screenshot(page, device, '04b-checkout')
      await page.getByRole('button', { name: 'Request to book' }).click()
      await page.waitForURL(/\/trips\/[^/?]+\?booked=1/)
      await page.getByText(`Request sent to the host of ${place.title}`).waitFor()
      await page.getByText('Waiting for the host').first().waitFor()
      await page.getByTestId('quote-total').waitFor()
      expect(await page.getByTestId('quote-total').textContent()).toBe(
        money(quote.total_minor, quote.currency),
      )
      await screenshot(page, device, '05-trip-requested')

      const guestToken = await apiLogin(server.url, guestEmail, 'a-long-password-1')
      const [booking] = await apiCall<{ id: string; status: string }[]>(
        server.url,
        'GET',
        '/api/v1/bookings?role=guest',
        { token: guestToken },
      )
      expect(booking?.status).toBe('pending')
      // The message written at checkout opened the booking's conversation.
      const [conversation] = await apiCall<{ booking_id: string; last_message: { text: string } }[]>(
        server.url,
        'GET',
        '/api/v1/conversations',
        { token: guestToken },
      )
      expect(conversation?.booking_id).toBe(booking!.id)
      expect(conversation?.last_message.text).toBe('Two of us, arriving around six.')

      await logOut(page)
      await logIn(page, hostEmail)
      await openMenuLink(page, 'Reservations')
      const request = page.locator(`[data-booking="${booking!.id}"]`)
      await request.waitFor()
      await screenshot(page, device, '06-host-reservations')
      await request.getByRole('button', { name: 'Accept' }).click()
      await request.getByText('Confirmed').waitFor()

      await logOut(page)
      await logIn(page, guestEmail, 'a-long-password-1')
      await openMenuLink(page, 'Trips')
      await page.locator(`[data-booking="${booking!.id}"]`).getByText('Confirmed').waitFor()
      await screenshot(page, device, '07-trips-confirmed')
    })

    it('tells a guest watching a listing, without a reload, that the dates they chose were just booked', async () => {
      // Dates nobody has taken yet, watched by a signed-in guest (the previous journey's, when it ran).
      const watchIn = daysFromNow(device.name === 'desktop' ? 60 : 70)
      const watchOut = daysFromNow(device.name === 'desktop' ? 63 : 73)
      // Once the page has settled, a session it had is restored (or there was none).
      await page.goto(`${server.url}/trips`, { waitUntil: 'networkidle' })
      const signedIn = (await page.locator('.account-menu summary').count()) > 0
      if (!signedIn) {
        const watcher = `e2e-watcher-${device.name}-${Date.now()}@example.com`
        await apiCall(server.url, 'POST', '/api/v1/auth/register', {
          body: { first_name: 'Wanda', last_name: 'Watcher', email: watcher, password: 'a-long-password-3' },
        })
        await logIn(page, watcher, 'a-long-password-3')
      }
      await page.goto(`${server.url}/places/${place.id}?check_in=${watchIn}&check_out=${watchOut}&guests=2`)
      await page.getByTestId('quote-total').waitFor()
      await page.getByRole('link', { name: 'Continue to checkout' }).waitFor()
      // Another guest books them meanwhile, through the API.
      const other = `e2e-other-${device.name}-${Date.now()}@example.com`
      await apiCall(server.url, 'POST', '/api/v1/auth/register', {
        body: { first_name: 'Other', last_name: 'Guest', email: other, password: 'a-long-password-2' },
      })
      // The listing page has followed the place since it opened; give its subscription a moment.
      await page.waitForTimeout(500)
      const token = await apiLogin(server.url, other, 'a-long-password-2')
      const booked = await apiCall<{ id: string }>(server.url, 'POST', '/api/v1/bookings', {
        token,
        body: { place_id: place.id, check_in: watchIn, check_out: watchOut, guests: 2 },
      })
      await page.getByText(/Someone just booked 3 nights of these dates/).waitFor()
      expect(await page.getByRole('button', { name: 'Continue to checkout' }).isDisabled()).toBe(true)
      await screenshot(page, device, '05b-listing-dates-just-taken')
      // The other guest withdraws: the host's pending requests are as the later journeys expect.
      await apiCall(server.url, 'POST', `/api/v1/bookings/${booked.id}/cancel`, { token })
      if (!signedIn) await logOut(page)
    })

    it('keeps no token where scripts can read it, and gets one back once for two tabs opened at once', async () => {
      const refreshes: string[] = []
      const count = (request: { url: () => string }) => {
        if (request.url().endsWith('/api/v1/auth/refresh')) refreshes.push(request.url())
      }
      // The refresh token is an HttpOnly cookie of the refresh and logout routes only; the access
      // token lives in the tab's memory: nothing of the session is in web storage or document.cookie.
      const cookies = await browser.context.cookies()
      const refreshCookies = cookies.filter((c) => c.name === 'hbnb_refresh')
      expect(refreshCookies.map((c) => c.path).sort()).toEqual([
        '/api/v1/auth/logout',
        '/api/v1/auth/refresh',
      ])
      for (const cookie of refreshCookies) {
        expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' })
      }
      const visible = await page.evaluate(() => ({
        cookie: document.cookie,
        storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
      }))
      expect(visible.cookie).not.toContain('hbnb_refresh')
      expect(visible.storage).not.toMatch(/eyJ|refresh|access|token/i)
      expect(visible.storage).not.toContain(refreshCookies[0]!.value)

      // Two tabs (re)loaded at once both start without an access token. A refresh token is single
      // use, so only one of them may refresh: the other waits for it and takes its session.
      browser.context.on('request', count)
      const second = await browser.context.newPage()
      await Promise.all([page.goto(`${server.url}/trips`), second.goto(`${server.url}/trips`)])
      await page.locator('[data-booking]').first().waitFor()
      await second.locator('[data-booking]').first().waitFor()
      await second.close()
      expect(refreshes).toHaveLength(1)
      // A reload alone gets its session back through the cookie.
      await page.reload()
      await page.locator('[data-booking]').first().waitFor()
      expect(refreshes).toHaveLength(2)
      expect(await page.getByText('Your session has expired').count()).toBe(0)
      browser.context.off('request', count)
    })

    it('lets the guest cancel, showing the refund before confirming', async () => {
      const guestToken = await apiLogin(server.url, guestEmail, 'a-long-password-1')
      const [booking] = await apiCall<{ id: string }[]>(server.url, 'GET', '/api/v1/bookings?role=guest', {
        token: guestToken,
      })
      const preview = await apiCall<{ refund_minor: number; currency: string }>(
        server.url,
        'GET',
        `/api/v1/bookings/${booking!.id}/cancellation`,
        { token: guestToken },
      )
      const card = page.locator(`[data-booking="${booking!.id}"]`)
      await card.getByRole('button', { name: 'Cancel booking' }).click()
      const refund = page.getByTestId('refund')
      await refund.waitFor()
      expect(await refund.textContent()).toContain(
        `You will be refunded ${money(preview.refund_minor, preview.currency)}`,
      )
      await screenshot(page, device, '08-cancel-refund')
      await page.getByRole('button', { name: 'Cancel the booking' }).click()
      await page.getByRole('tab', { name: 'Cancelled' }).click()
      const cancelled = page.locator(`[data-booking="${booking!.id}"]`)
      await cancelled.getByText('Cancelled', { exact: true }).waitFor()
      expect(await cancelled.textContent()).toContain(
        `${money(preview.refund_minor, preview.currency)} refunded`,
      )
      await logOut(page)
    })

    it('lets a host create and publish a listing that then appears in search', async () => {
      const title = `Cliff-top cabin (${device.name})`
      const city = device.name === 'desktop' ? 'Porto Covo' : 'Sagres'
      await logIn(page, 'host2@hbnb.io')
      await openMenuLink(page, 'Host')
      await page.getByRole('link', { name: 'Create a listing' }).first().click()
      await page.getByLabel('Title').fill(title)
      await page
        .getByLabel('Description')
        .fill('A small wooden cabin above the ocean, with a deck for sunsets.')
      await page.getByRole('button', { name: 'Next' }).click()
      // Where it is, by pin: no coordinate or time zone is typed.
      await page.getByRole('button', { name: 'Next' }).click()
      await page
        .getByTestId('pin-summary')
        .getByText(/Put the pin on the map/)
        .waitFor()
      await page.getByLabel('Find the city').fill('Lisbon, Portugal')
      await page
        .getByTestId('pin-summary')
        .getByText(/^Pin at 38\.72/)
        .waitFor()
      // A click on the map moves the pin there, and the zone, country and currency follow it.
      await page.getByTestId('pin-map').click({ position: { x: 60, y: 200 } })
      await page
        .getByTestId('pin-summary')
        .getByText(/^Pin at /)
        .waitFor()
      expect(await page.getByTestId('pin-summary').textContent()).not.toMatch(/38\.7223/)
      expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Lisbon')
      expect(await page.getByLabel('Country', { exact: true }).inputValue()).toBe('PT')
      await page.getByLabel('Street address').fill('1 Rua do Mar')
      await page.getByLabel('City', { exact: true }).fill(city)
      await screenshot(page, device, '09-editor')
      await page.getByRole('button', { name: 'Next' }).click()
      await page.getByLabel('Guests', { exact: true }).fill('3')
      await page.getByLabel('WiFi').check()
      await page.getByRole('button', { name: 'Next' }).click()
      expect(await page.getByLabel('Currency').inputValue()).toBe('EUR')
      // Every problem of the step at once, each next to its field.
      await page.getByLabel('Minimum nights').fill('5')
      await page.getByLabel('Maximum nights').fill('2')
      await page.getByRole('button', { name: 'Next' }).click()
      await page.locator('input[name="price"][aria-invalid="true"]').waitFor()
      await page.locator('input[name="max_nights"][aria-invalid="true"]').waitFor()
      expect(await page.locator('.field-error').allTextContents()).toEqual([
        'Enter a price above 0.',
        'Must be at least the minimum (5 nights).',
      ])
      await page.getByLabel('Price per night').fill('95')
      await page.getByLabel('Maximum nights').fill('30')
      await page.getByRole('button', { name: 'Next' }).click()
      await page.getByRole('button', { name: 'Publish', exact: true }).click()
      await page.waitForURL(/\/host\?saved=/)
      const row = page.locator('.listing-row', { hasText: title })
      await row.getByText('Published').waitFor()
      await screenshot(page, device, '10-host-listings')

      // Its calendar: choose a first and a last night, block them.
      await row.getByRole('link', { name: 'Calendar' }).click()
      await page.getByRole('heading', { name: 'Calendar and prices' }).waitFor()
      const days = page.locator('.month').nth(1).locator('button.day-available:not([disabled])')
      await days.nth(3).click()
      await days.nth(5).click()
      // The actions are in view right after picking, on a phone too (no scrolling to find them).
      const inView = await page.getByRole('button', { name: 'Block these nights' }).evaluate((el) => {
        const box = el.getBoundingClientRect()
        return box.top >= 0 && box.bottom <= window.innerHeight
      })
      expect(inView).toBe(true)
      await screenshot(page, device, '12a-host-calendar-picked')
      await page.getByRole('button', { name: 'Block these nights' }).click()
      await page.getByText('Nights blocked.').waitFor()
      const blocked = page.locator('.month').nth(1).locator('button.day-blocked')
      await blocked.nth(2).waitFor()
      expect(await blocked.count()).toBe(3)
      await screenshot(page, device, '12-host-calendar')

      // Photos: two added at once, each with its progress, prepared by the server; the second made the cover.
      await openMenuLink(page, 'Host')
      await page.locator('.listing-row', { hasText: title }).getByRole('link', { name: 'Edit' }).click()
      await page.getByRole('heading', { name: 'Photos' }).waitFor()
      await page.getByLabel('Add photos').setInputFiles([
        { name: 'deck.jpg', mimeType: 'image/jpeg', buffer: await testPhoto(1600, 1000, [40, 110, 170]) },
        { name: 'room.jpg', mimeType: 'image/jpeg', buffer: await testPhoto(1200, 900, [190, 120, 60]) },
      ])
      const thumbs = page.locator('.photo-item img')
      await thumbs.nth(1).waitFor()
      await page.locator('.photo-item').nth(1).getByRole('button', { name: 'Make cover' }).click()
      await page
        .locator('.photo-item')
        .first()
        .getByRole('button', { name: /^Delete “Photo 2 of/ })
        .waitFor()
      await page
        .locator('.photo-item')
        .first()
        .getByLabel(/Description/)
        .fill('Bedroom with a view of the sea')
      await page
        .locator('.photo-item')
        .first()
        .getByLabel(/Description/)
        .blur()
      await page
        .locator('.photo-item')
        .first()
        .getByRole('button', { name: 'Delete “Bedroom with a view of the sea”' })
        .waitFor()
      await screenshot(page, device, '10a-editor-photos')

      await page.goto(`${server.url}/`)
      await page.getByLabel('Where').fill(city)
      await page.getByRole('button', { name: 'Search' }).click()
      await page.getByRole('heading', { name: title }).waitFor()
      const cover = page
        .locator('.place-card', { hasText: title })
        .getByRole('img', { name: 'Bedroom with a view of the sea' })
      await cover.scrollIntoViewIfNeeded()
      // Loaded (lazily, once near the viewport), in one of the formats the server made.
      await page.waitForFunction(
        (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
        await cover.elementHandle(),
      )
      await screenshot(page, device, '11-search-new-listing')
      await page.locator('.place-card', { hasText: title }).getByRole('link').first().click()
      await page.getByRole('button', { name: 'Open photo: Bedroom with a view of the sea' }).click()
      const viewer = page.getByRole('dialog', { name: 'Photos' })
      await viewer.getByText('1 of 2').waitFor()
      await viewer.getByRole('button', { name: 'Next' }).click()
      await viewer.getByText('2 of 2').waitFor()
      await screenshot(page, device, '11a-photo-viewer')
      await viewer.getByRole('button', { name: 'Done' }).click()
      await logOut(page)
    })

    it('shows every problem of a listing at once, next to its field, in French', async () => {
      await logIn(page, 'host2@hbnb.io')
      await page.getByLabel('Language').selectOption('fr')
      await page.goto(`${server.url}/host/listings/new`)
      await page.getByRole('button', { name: 'Suivant' }).click()
      await page.getByText('Remplissez ce champ.').waitFor()
      await page.getByLabel('Titre').fill('Studio au calme')
      await page.getByRole('button', { name: 'Suivant' }).click()
      await page.getByLabel('Trouver la ville').fill('Lyon, France')
      await page
        .getByTestId('pin-summary')
        .getByText(/^Épingle en 45,76/)
        .waitFor()
      await page.getByRole('button', { name: 'Suivant' }).click()
      await page.getByLabel('Voyageurs').fill('0')
      await page.getByRole('button', { name: 'Suivant' }).click()
      await page.getByText('Saisissez un nombre entier de 1 à 50.').waitFor()
      await page.getByLabel('Voyageurs').fill('2')
      await page.getByRole('button', { name: 'Suivant' }).click()
      await page.getByLabel('Nuits minimum').fill('0')
      await page.getByLabel('Frais de ménage').fill('-3')
      await page.getByRole('button', { name: 'Suivant' }).click()
      await page.locator('input[name="price"][aria-invalid="true"]').waitFor()
      expect(await page.locator('.field-error').allTextContents()).toEqual([
        'Saisissez un prix supérieur à 0.',
        'Saisissez 0 ou plus.',
        'Saisissez un nombre entier de 1 à 365.',
      ])
      await screenshot(page, device, '09b-editor-errors-fr')
      await page.getByLabel('Langue').selectOption('en')
      await logOut(page)
    })

    it("lists a host's listings in every status; an administrator finds a suspended one and reinstates it", async () => {
      const hostToken = await apiLogin(server.url, 'host1@hbnb.io')
      const mine = await apiCall<Place[]>(server.url, 'GET', '/api/v1/places/?owner_id=me&limit=1000', {
        token: hostToken,
      })
      const [drafted, suspended] = mine.slice(-2) as [Place, Place]
      await apiCall(server.url, 'PUT', `/api/v1/places/${drafted.id}`, {
        token: hostToken,
        body: { status: 'draft' },
      })
      const adminToken = await apiLogin(server.url, ADMIN.email, ADMIN.password)
      await apiCall(server.url, 'PUT', `/api/v1/places/${suspended.id}`, {
        token: adminToken,
        body: { status: 'suspended' },
      })

      await page.goto(`${server.url}/`)
      await logIn(page, 'host1@hbnb.io')
      await openMenuLink(page, 'Host')
      await page.locator(`[data-listing="${drafted.id}"]`).getByText('Draft', { exact: true }).waitFor()
      const suspendedRow = page.locator(`[data-listing="${suspended.id}"]`)
      await suspendedRow.getByText('Suspended', { exact: true }).waitFor()
      await suspendedRow.getByText('An administrator suspended this listing').waitFor()
      expect(await page.locator('.listing-row').count()).toBe(mine.length)
      // Nothing about listings is kept in the browser: the API lists them all.
      expect(
        await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('hbnb.listings'))),
      ).toEqual([])
      await suspendedRow.scrollIntoViewIfNeeded()
      await screenshot(page, device, '13-host-listings-statuses')
      await logOut(page)

      await logIn(page, ADMIN.email, ADMIN.password)
      await openMenuLink(page, 'Admin')
      await page.getByRole('tab', { name: 'Listings' }).click()
      // Published listings come a page (50) at a time, following the API's Link header.
      const published = await apiCall<Place[]>(server.url, 'GET', '/api/v1/places/?limit=1000')
      expect(published.length).toBeGreaterThan(50)
      await page.getByText(`${published.length} published listings`, { exact: true }).waitFor()
      await page.getByText(`Showing 50 of ${published.length}`).waitFor()
      expect(await page.locator('.admin-listing').count()).toBe(50)
      await page.getByRole('button', { name: 'Show more listings' }).click()
      await page
        .locator('.admin-listing')
        .nth(published.length - 1)
        .waitFor()
      expect(await page.getByRole('button', { name: 'Show more listings' }).count()).toBe(0)
      expect(await page.locator('.admin-listing').count()).toBe(published.length)
      await page.getByLabel('Status').selectOption('suspended')
      await page.waitForURL(/status=suspended/)
      const row = page.locator(`.admin-listing[data-listing="${suspended.id}"]`)
      await row.waitFor()
      expect(await page.locator('.admin-listing').count()).toBe(1)
      await page.getByText('1 suspended listing', { exact: true }).waitFor()
      await screenshot(page, device, '14-admin-suspended')
      await row.getByRole('button', { name: 'Reinstate' }).click()
      await page.getByText(`“${suspended.title}” is reinstated`).waitFor()
      await page.getByText('No suspended listings').waitFor()
      await screenshot(page, device, '15-admin-reinstated')
      const reinstated = await apiCall<Place>(server.url, 'GET', `/api/v1/places/${suspended.id}`)
      expect(reinstated.status).toBe('published')
      await logOut(page)
    })

    it('lets a demo guest review a finished stay from the trips page, hidden until the host reviews too', async () => {
      const guestToken = await apiLogin(server.url, 'guest1@hbnb.io')
      const stays = await apiCall<Booking[]>(server.url, 'GET', '/api/v1/bookings?role=guest', {
        token: guestToken,
      })
      const finished = stays.find((b) => b.status === 'completed')
      const upcoming = stays.find((b) => b.status === 'confirmed')
      if (!finished || !upcoming)
        throw new Error('the demo data has no finished and upcoming stays for guest1')
      const text = `Quiet street, spotless flat, and a very kind host (${device.name}).`

      await page.goto(`${server.url}/`)
      await logIn(page, 'guest1@hbnb.io')
      await openMenuLink(page, 'Trips')
      await page.locator(`[data-booking="${upcoming.id}"]`).getByText('Confirmed').waitFor()
      await page.getByRole('tab', { name: 'Past' }).click()
      const card = page.locator(`[data-booking="${finished.id}"]`)
      await card.getByText('You can review this stay until').waitFor()
      await screenshot(page, device, '16-trips-past')
      await card.getByRole('button', { name: 'Write a review' }).click()
      const dialog = page.getByRole('dialog', { name: `Review your stay at ${finished.place.title}` })
      await dialog.getByText('Your review stays hidden until the host has reviewed your stay too').waitFor()
      await dialog.getByRole('group', { name: 'Overall' }).getByRole('radio', { name: '4 out of 5' }).check()
      await dialog.getByRole('group', { name: 'Location' }).getByRole('radio', { name: '3 out of 5' }).check()
      await dialog.getByLabel('Your review').fill(text)
      await screenshot(page, device, '17-review-form')
      const sent = page.waitForResponse(
        (r) => r.url().endsWith(`/api/v1/bookings/${finished.id}/review`) && r.request().method() === 'POST',
      )
      await dialog.getByRole('button', { name: 'Send the review' }).click()
      const response = await sent
      expect(response.status()).toBe(201)
      expect(response.request().postDataJSON()).toEqual({
        text,
        rating: 4,
        ratings: { cleanliness: 5, accuracy: 5, communication: 5, location: 3, check_in: 5, value: 5 },
      })
      const result = (await response.json()) as { visible: boolean; visible_from: string }
      expect(result.visible).toBe(false)
      const confirmation = dialog.getByTestId('review-sent')
      await confirmation.waitFor()
      expect(await confirmation.textContent()).toMatch(
        /^Thank you! Your review is saved\. It will be shown once the host has reviewed your stay too, or when the 14-day review window closes on .+\d{4}/,
      )
      await screenshot(page, device, '18-review-sent')
      await dialog.getByRole('button', { name: 'Done' }).click()
      await card.getByText('Review sent').waitFor()
      expect(await card.getByRole('button', { name: 'Write a review' }).count()).toBe(0)
      // Not on the listing yet: the host has not reviewed the guest.
      const listing = await apiCall<{ reviews: { text: string }[] }>(
        server.url,
        'GET',
        `/api/v1/places/${finished.place_id}`,
      )
      expect(listing.reviews.some((r) => r.text === text)).toBe(false)
      await logOut(page)
    })

    it("shows host1 the demo guest's pending request with the guest's name", async () => {
      const hostToken = await apiLogin(server.url, 'host1@hbnb.io')
      const [request] = await apiCall<Booking[]>(
        server.url,
        'GET',
        '/api/v1/bookings?role=host&status=pending',
        { token: hostToken },
      )
      if (!request) throw new Error('the demo data has no pending request for host1')
      const name = `${request.guest.first_name} ${request.guest.last_name}`

      await page.goto(`${server.url}/`)
      await logIn(page, 'host1@hbnb.io')
      await openMenuLink(page, 'Host')
      await page.getByText('1 booking request is waiting for your answer.').waitFor()
      await page.getByRole('link', { name: 'Answer now' }).click()
      await page.getByRole('heading', { name: '1 request to answer' }).waitFor()
      const card = page.locator(`[data-booking="${request.id}"]`)
      await card.getByTestId('booking-guest').getByText(`Request from ${name}`, { exact: true }).waitFor()
      await card.getByText('Needs your answer').waitFor()
      await card.getByRole('button', { name: 'Accept' }).waitFor()
      // Confirmed and past stays name their guest too.
      const others = page
        .locator('[data-booking]')
        .filter({ hasNot: page.getByRole('button', { name: 'Accept' }) })
      await others
        .first()
        .getByText(/^Guest: \S+/)
        .waitFor()
      await screenshot(page, device, '19-host-request')
      await logOut(page)
    })

    it('lets a guest ask a host about a listing; the host finds it unread in the inbox and answers', async () => {
      const question = 'Is it quiet at night? <b>not bold</b> See https://example.com/info.'
      await page.goto(`${server.url}/`)
      await logIn(page, 'guest2@hbnb.io')
      await page.goto(`${server.url}/places/${place.id}`)
      await page.getByRole('heading', { name: place.title, level: 1 }).waitFor()
      await page.getByRole('button', { name: /^Contact / }).click()
      await page.waitForURL(/\/inbox\//)
      await page.getByText('No messages yet: write the first one.').waitFor()
      await page.getByLabel(/^Write to /).fill(question)
      await page.getByRole('button', { name: 'Send' }).click()
      const sent = page.getByTestId('messages').locator('.message-text').first()
      await sent.waitFor()
      // Shown as typed: the markup is text, the address a link.
      expect(await sent.textContent()).toBe(question)
      expect(await sent.locator('b').count()).toBe(0)
      expect(await sent.locator('a').getAttribute('href')).toBe('https://example.com/info')
      expect(await page.getByLabel(/^Write to /).inputValue()).toBe('')
      await screenshot(page, device, '20-conversation-guest')
      await logOut(page)

      await logIn(page, hostEmail)
      await openMenuLink(page, 'Inbox')
      const item = page.getByTestId('inbox').locator('.inbox-item.is-unread').first()
      await item.getByText('1 unread message').waitFor()
      expect(await item.textContent()).toContain(question)
      await screenshot(page, device, '21-inbox')
      // The notification centre has it too, and leads to the conversation.
      await openMenuLink(page, 'Notifications')
      const notice = page.getByTestId('notifications-list').locator('.notification-item.is-unread').first()
      await notice.getByText(`New message from `, { exact: false }).waitFor()
      expect(await notice.textContent()).toContain(place.title)
      await screenshot(page, device, '21-notifications')
      await notice.click()
      await page.waitForURL(/\/inbox\//)
      await page.getByTestId('messages').getByText(question).waitFor()
      await page.getByLabel(/^Write to /).fill('Very quiet.\nThe street is closed to cars.')
      await page.getByRole('button', { name: 'Send' }).click()
      await page
        .getByTestId('messages')
        .locator('.message.is-mine')
        .getByText(/^Very quiet\./)
        .waitFor()
      await screenshot(page, device, '22-conversation-host')
      // Read: the inbox shows nothing unread any more.
      await openMenuLink(page, 'Inbox')
      // (The host's other conversations, such as the checkout message of an earlier request, may be unread.)
      const answered = page.getByTestId('inbox').locator('.inbox-item', { hasText: 'Very quiet.' })
      await answered.waitFor()
      expect(await answered.getAttribute('class')).not.toContain('is-unread')
      await logOut(page)
    })

    it('resets a forgotten password from the emailed link, then logs in with the new password', async () => {
      const email = 'guest4@hbnb.io'
      const newPassword = `a-new-password-${device.name}`
      const seen = new Set<string>()
      await page.goto(`${server.url}/`)
      await page.getByRole('link', { name: 'Log in' }).first().click()
      await page.getByRole('link', { name: 'Forgot password?' }).click()
      await page.getByRole('heading', { name: 'Reset your password' }).waitFor()
      await page.getByLabel('Email').fill('not-an-address')
      await page.getByRole('button', { name: 'Email me a reset link' }).click()
      await page.getByText('Enter an email address such as name@example.com.').waitFor()
      // An unknown address gets the same answer as a known one: the page never tells them apart.
      await page.getByLabel('Email').fill(`nobody-${device.name}@example.com`)
      await page.getByRole('button', { name: 'Email me a reset link' }).click()
      const sent = page.getByTestId('reset-sent')
      await sent.getByText(`If an account uses nobody-${device.name}@example.com, an email`).waitFor()
      const unknownAnswer = (await sent.textContent())?.replace(`nobody-${device.name}@example.com`, '@')
      await page.getByRole('button', { name: 'Send the link again' }).click()
      await page.getByLabel('Email').fill(email)
      await page.getByRole('button', { name: 'Email me a reset link' }).click()
      await sent.getByText(`If an account uses ${email}, an email`).waitFor()
      expect((await sent.textContent())?.replace(email, '@')).toBe(unknownAnswer)
      await screenshot(page, device, '20-forgot-password-sent')

      const mail = await waitForMail(server, email, { subject: /Reset your password/, seen })
      const link = linkIn(mail, '/reset-password')
      await page.goto(`${server.url}${link}`)
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor()
      // The server's rules, checked before sending: at least 8 characters, the same twice.
      await page.getByLabel('New password', { exact: true }).fill('short')
      await page.getByRole('button', { name: 'Save the new password' }).click()
      await page.getByText('Use at least 8 characters.').waitFor()
      await page.getByLabel('New password', { exact: true }).fill(newPassword)
      await page.getByLabel('New password again').fill(`${newPassword}-typo`)
      await page.getByRole('button', { name: 'Save the new password' }).click()
      await page.getByText('The two passwords differ.').waitFor()
      expect(await page.locator('input[name="confirm"][aria-invalid="true"]').count()).toBe(1)
      await screenshot(page, device, '21-reset-password')
      await page.getByLabel('New password again').fill(newPassword)
      await page.getByRole('button', { name: 'Save the new password' }).click()
      await page.waitForURL(/\/login\?reset=1/)
      await page.getByText('Your password has changed. Log in with your new password.').waitFor()
      await screenshot(page, device, '22-password-changed')
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill(newPassword)
      await page.getByRole('button', { name: 'Log in' }).click()
      await page.locator('.account-menu summary', { hasText: 'Account menu for Mateo' }).waitFor()
      await expect(apiLogin(server.url, email)).rejects.toThrow(/401/)
      await logOut(page)

      // The link works once: used again, it says so and offers a new one.
      await page.goto(`${server.url}${link}`)
      await page.getByLabel('New password', { exact: true }).fill(`${newPassword}-2`)
      await page.getByLabel('New password again').fill(`${newPassword}-2`)
      await page.getByRole('button', { name: 'Save the new password' }).click()
      const problem = page.getByTestId('reset-problem')
      await problem.getByText('This link was already used').waitFor()
      await screenshot(page, device, '23-reset-link-used')
      await problem.getByRole('link', { name: 'Ask for a new link' }).click()
      await page.getByRole('heading', { name: 'Reset your password' }).waitFor()
    })

    it('confirms an email address from the emailed link, and says what to do with a bad link', async () => {
      const email = 'guest3@hbnb.io'
      const seen = new Set<string>()
      // A link that is not valid, opened signed out: what is wrong, and how to get a new one.
      await page.goto(`${server.url}/verify-email?token=not-a-real-token`)
      const box = page.getByTestId('verify-email')
      await box.getByText('This link is not valid.').waitFor()
      await box.getByRole('link', { name: 'Log in to get a new link' }).waitFor()
      await screenshot(page, device, '24-verify-email-invalid')
      await page.getByLabel('Language').selectOption('fr')
      await page.getByRole('heading', { name: 'Confirmez votre adresse e-mail' }).waitFor()
      await box.getByText('Ce lien n’est pas valide.').waitFor()
      await screenshot(page, device, '24-verify-email-invalid-fr')
      await page.getByLabel('Langue').selectOption('en')
      await page.getByRole('heading', { name: 'Confirm your email address' }).waitFor()

      await page.goto(`${server.url}/`)
      await logIn(page, email)
      await openMenuLink(page, 'Profile')
      const unverified = page.getByTestId('email-unverified')
      await unverified.getByText('Your email address is not confirmed yet.').waitFor()
      await unverified.getByRole('button', { name: 'Send a new verification email' }).click()
      await unverified.getByText(`A new link is on its way to ${email}.`).waitFor()
      await screenshot(page, device, '25-account-verification-sent')

      const mail = await waitForMail(server, email, { subject: /Confirm your email address/, seen })
      const link = linkIn(mail, '/verify-email')
      await page.goto(`${server.url}${link}`)
      await box.getByText('Thank you! Your email address is confirmed.').waitFor()
      await screenshot(page, device, '26-verify-email-done')
      await box.getByRole('link', { name: 'Go to your profile' }).click()
      await page.getByTestId('email-verified').getByText('Email address confirmed').waitFor()
      expect(await page.getByTestId('email-unverified').count()).toBe(0)
      const token = await apiLogin(server.url, email)
      const me = await apiCall<{ email_verified_at: string | null }>(server.url, 'GET', '/api/v1/auth/me', {
        token,
      })
      expect(me.email_verified_at).not.toBeNull()
      // Opened a second time, the link says it was used; a new one is not needed.
      await page.goto(`${server.url}${link}`)
      await box.getByText('This link was already used').waitFor()
      await box.getByRole('button', { name: 'Send a new verification email' }).click()
      await box.getByText('Your email address is already confirmed.').waitFor()
      await logOut(page)
    })

    it('lets a host review the guest of a finished stay from the reservations page', async () => {
      const guestToken = await apiLogin(server.url, 'guest2@hbnb.io')
      const stays = await apiCall<(Booking & { reviewed: { by_host: boolean } })[]>(
        server.url,
        'GET',
        '/api/v1/bookings?role=guest&status=completed',
        { token: guestToken },
      )
      const finished = stays.find((b) => b.status === 'completed' && !b.reviewed.by_host)
      if (!finished) throw new Error('the demo data has no finished stay for guest2')
      const { owner } = await apiCall<{ owner: { email: string } }>(
        server.url,
        'GET',
        `/api/v1/places/${finished.place_id}`,
      )
      const name = `${finished.guest.first_name} ${finished.guest.last_name}`
      const text = `A friendly, tidy guest who left the flat as they found it (${device.name}).`

      await page.goto(`${server.url}/`)
      await logIn(page, owner.email)
      await openMenuLink(page, 'Reservations')
      const card = page.locator(`[data-booking="${finished.id}"]`)
      await card.getByText('You can review this guest until').waitFor()
      await card.scrollIntoViewIfNeeded()
      await screenshot(page, device, '27-host-review-action')
      await card.getByRole('button', { name: 'Review guest' }).click()
      const dialog = page.getByRole('dialog', { name: `Review ${name}` })
      await dialog.getByText(`Your review stays hidden until ${name} has reviewed the stay too`).waitFor()
      // The text is required: said on the field, nothing sent.
      await dialog.getByRole('button', { name: 'Send the review' }).click()
      await dialog.getByText('Write a few words about the stay.').waitFor()
      await dialog
        .getByRole('group', { name: 'Overall rating' })
        .getByRole('radio', { name: '4 out of 5' })
        .check()
      await dialog.getByLabel(`Your review of ${name}`).fill(text)
      await screenshot(page, device, '28-host-review-form')
      const posted = page.waitForResponse(
        (r) => r.url().endsWith(`/api/v1/bookings/${finished.id}/review`) && r.request().method() === 'POST',
      )
      await dialog.getByRole('button', { name: 'Send the review' }).click()
      const response = await posted
      expect(response.status()).toBe(201)
      expect(response.request().postDataJSON()).toEqual({ rating: 4, text })
      const result = (await response.json()) as { about: string; visible: boolean }
      expect(result).toMatchObject({ about: 'guest', visible: false })
      const confirmation = dialog.getByTestId('guest-review-sent')
      await confirmation.waitFor()
      expect(await confirmation.textContent()).toMatch(
        new RegExp(
          `^Thank you! Your review is saved\\. It will be shown once ${name} has reviewed the stay too`,
        ),
      )
      await screenshot(page, device, '29-host-review-sent')
      await dialog.getByRole('button', { name: 'Done' }).click()
      await card.getByText('Guest reviewed').waitFor()
      expect(await card.getByRole('button', { name: 'Review guest' }).count()).toBe(0)
      // Kept by the server: the reservations list says so after a reload.
      await page.reload()
      await card.getByText('Guest reviewed').waitFor()
      expect(await card.getByRole('button', { name: 'Review guest' }).count()).toBe(0)
      await logOut(page)
    })

    it('verifies a phone number with the texted code, then turns messages off by email and by SMS', async () => {
      const email = `phone-${device.name}-${Date.now()}@example.com`
      const password = 'a-long-password-1'
      await apiCall(server.url, 'POST', '/api/v1/auth/register', {
        body: { email, password, first_name: 'Paula', last_name: 'Phone' },
      })
      const [phone, typed] =
        device.name === 'desktop'
          ? ['+33612345678', '+33 6 12 34 56 78']
          : ['+447700900123', '+44 7700 900123']
      const focusedName = () => page.evaluate(() => document.activeElement?.getAttribute('name'))

      await page.goto(`${server.url}/`)
      await logIn(page, email, password)
      await openMenuLink(page, 'Profile')
      const phoneCard = page.locator('#phone')
      const settings = page.getByTestId('notifications')
      // No verified number yet: the SMS switches are off and disabled, and the page says why.
      await settings.getByText('Text messages (SMS) need a verified phone number').waitFor()
      const smsCheckIn = settings.getByLabel('Check-in reminders by SMS')
      expect(await smsCheckIn.isDisabled()).toBe(true)
      expect(await smsCheckIn.isChecked()).toBe(false)
      // Security emails are always on.
      const security = settings.getByLabel('Account security by email')
      expect(await security.isDisabled()).toBe(true)
      expect(await security.isChecked()).toBe(true)
      await settings
        .getByRole('row', { name: /Account security/ })
        .getByText('Always on')
        .waitFor()
      const showSettings = () => settings.evaluate((section) => section.scrollIntoView())
      await showSettings()
      await screenshot(page, device, '30-notifications-no-phone')
      await settings.getByRole('button', { name: 'Add a phone number' }).click()
      expect(await focusedName()).toBe('phone')

      // A number without its country code is refused before anything is sent.
      await page.keyboard.type('06 12 34 56 78')
      await phoneCard.getByRole('button', { name: 'Text me a code' }).click()
      await phoneCard.getByText('Enter the number with a plus and your country code').waitFor()
      expect(await focusedName()).toBe('phone')
      await phoneCard.getByLabel('Mobile number').fill(typed)
      await phoneCard.getByRole('button', { name: 'Text me a code' }).click()
      const codeInput = phoneCard.getByLabel('Code from the text message')
      await codeInput.waitFor()
      await phoneCard.getByText(`We sent a 6-digit code by text message to ${phone}.`).waitFor()
      expect(await focusedName()).toBe('code')
      const code = codeIn(await waitForSms(server, phone))

      // A wrong code says how many attempts are left; another code is not sent within a minute.
      await codeInput.fill(code === '000000' ? '111111' : '000000')
      await phoneCard.getByRole('button', { name: 'Verify the number' }).click()
      await phoneCard.getByTestId('phone-code-error').getByText('Wrong code: 4 attempts left.').waitFor()
      expect(await codeInput.getAttribute('aria-invalid')).toBe('true')
      await screenshot(page, device, '31-phone-wrong-code')
      await phoneCard.getByRole('button', { name: 'Send a new code' }).click()
      await phoneCard
        .getByText(/^A code was just sent\. Wait \d+ seconds before asking for another\.$/)
        .waitFor()
      await codeInput.fill(code)
      await phoneCard.getByRole('button', { name: 'Verify the number' }).click()
      const done = phoneCard.getByTestId('phone-done')
      await done.getByText(`Thank you! ${phone} is verified.`).waitFor()
      await phoneCard.getByTestId('phone-verified').getByText(phone, { exact: true }).waitFor()
      // The SMS switches turn on with the verified number; each change is saved at once.
      await settings.getByTestId('sms-to').getByText(`Text messages go to ${phone}.`).waitFor()
      await screenshot(page, device, '32-phone-verified')
      expect(await smsCheckIn.isDisabled()).toBe(false)
      expect(await smsCheckIn.isChecked()).toBe(true)
      const emailReview = settings.getByLabel('Review reminders by email')
      await emailReview.uncheck()
      await settings.getByTestId('saved-review_reminder').getByText('Emails off: saved.').waitFor()
      await smsCheckIn.uncheck()
      await settings.getByTestId('saved-check_in_reminder').getByText('SMS off: saved.').waitFor()
      await settings.getByRole('row', { name: /Check-in reminders/ }).scrollIntoViewIfNeeded()
      await screenshot(page, device, '33-notifications-saved')

      // Kept by the server: a reload shows them off, and the others still on.
      await page.reload()
      await settings.getByTestId('sms-to').waitFor()
      expect(await emailReview.isChecked()).toBe(false)
      expect(await smsCheckIn.isChecked()).toBe(false)
      expect(await settings.getByLabel('Check-in reminders by email').isChecked()).toBe(true)
      expect(await settings.getByLabel('Booking requests by SMS').isChecked()).toBe(true)
      const token = await apiLogin(server.url, email, password)
      const preferences = await apiCall(server.url, 'GET', '/api/v1/users/me/notification-preferences', {
        token,
      })
      expect(preferences).toMatchObject({
        email: { security: true, review_reminder: false, check_in_reminder: true },
        sms: { check_in_reminder: false, booking_requested: true, booking_confirmed: true },
        phone,
      })
      // In French too.
      await page.locator('form.form').getByLabel('Language').selectOption('fr')
      await settings.getByRole('heading', { name: 'Notifications' }).waitFor()
      await settings.getByLabel('Rappels d’avis par e-mail').waitFor()
      await showSettings()
      await screenshot(page, device, '33-notifications-fr')
      await page.locator('form.form').getByLabel('Langue').selectOption('en')

      // Removing the number asks first, then turns the SMS switches off again.
      await phoneCard.getByRole('button', { name: 'Remove', exact: true }).click()
      await phoneCard.getByText(`Remove ${phone}?`).waitFor()
      await screenshot(page, device, '34-phone-remove')
      await phoneCard.getByRole('button', { name: 'Remove the number' }).click()
      await done.getByText('Phone number removed').waitFor()
      await settings.getByText('Text messages (SMS) need a verified phone number').waitFor()
      expect(await smsCheckIn.isDisabled()).toBe(true)
      await logOut(page)
    })

    it('shows the API documentation (Swagger UI) under its Content-Security-Policy', async () => {
      await page.goto(`${server.url}/api/v1/`)
      // A large bundle: on a busy machine it takes a while to render its operations.
      await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 60_000 })
      await page.locator('.swagger-ui .opblock-summary').first().click()
      await page.locator('.swagger-ui .opblock-body').first().waitFor()
      await screenshot(page, device, '40-api-docs')
    })

    it('raised no script error in the page', () => {
      expect(browser.errors).toEqual([])
    })

    it('broke no Content-Security-Policy or Permissions-Policy rule on any page', () => {
      expect(browser.violations).toEqual([])
    })

    it('would have seen a violation: an injected inline script is blocked and reported', async () => {
      await page.goto(`${server.url}/`)
      await page.getByRole('heading', { name: 'Find a place to stay' }).waitFor()
      const ran = await page.evaluate(async () => {
        const script = document.createElement('script')
        script.textContent = 'window.__injected = true'
        document.body.append(script)
        await new Promise((resolve) => setTimeout(resolve, 200))
        return (window as unknown as { __injected?: boolean }).__injected === true
      })
      expect(ran).toBe(false)
      await expect.poll(() => browser.violations.some((v) => v.includes('script-src'))).toBe(true)
    })
  })
}
