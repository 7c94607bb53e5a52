// Every page of the web client, on a desktop and a phone, as the user who can see it, checked by
// axe-core: no serious or critical violation anywhere. Each failure names the rule, the element
// and the page, so the fix goes into the app (never into the rules).

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiCall,
  apiLogin,
  DEMO_PASSWORD,
  DEVICES,
  type DemoPlace,
  daysFromNow,
  type RunningBrowser,
  type RunningServer,
  requestToBookListing,
  startBrowser,
  startServer,
} from './harness'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const GUEST = 'guest1@hbnb.io'
const HOST_PASSWORD = DEMO_PASSWORD
const ADMIN = { email: 'admin@hbnb.io', password: 'admin1234' }

type Place = DemoPlace

interface Violation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

/** The serious and critical violations of the page as it is now, one line each. */
async function violations(page: Page, label: string): Promise<string[]> {
  await page.waitForLoadState('networkidle').catch(() => undefined)
  await page.locator('main').first().waitFor()
  // Evaluated through the DevTools protocol: the app's Content-Security-Policy forbids inline scripts.
  await page.evaluate(`${AXE_SOURCE}\n;void 0`)
  const found = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: Violation[] }> } }
    ).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations
  })
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((node) => `${label}: ${v.id} (${v.impact}) at ${node.target.join(' ')} - ${v.help}`),
    )
}

async function logIn(page: Page, base: string, email: string, password: string) {
  await page.goto(`${base}/login`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.locator('.account-menu summary').waitFor()
}

async function logOut(page: Page) {
  await page.locator('.account-menu summary').click()
  await page.locator('.account-menu').getByRole('button', { name: 'Log out' }).click()
  await page.getByRole('link', { name: 'Log in' }).first().waitFor()
}

for (const device of DEVICES) {
  describe(`accessibility on a ${device.name}`, () => {
    let server: RunningServer
    let browser: RunningBrowser
    let place: Place
    let hostEmail: string
    let bookingId: string
    let conversationId: string

    beforeAll(async () => {
      server = await startServer()
      browser = await startBrowser(device)
      ;({ place, hostEmail } = await requestToBookListing(server.url))
      // The guest asks to stay and writes to the host: a trip and a conversation to look at.
      const token = await apiLogin(server.url, GUEST)
      // The demo data has bookings of its own: the first free three nights from two months on.
      for (let start = 60; !bookingId && start < 360; start += 5) {
        const booking = await apiCall<{ id: string }>(server.url, 'POST', '/api/v1/bookings', {
          token,
          body: {
            place_id: place.id,
            check_in: daysFromNow(start),
            check_out: daysFromNow(start + 3),
            guests: 2,
          },
        }).catch((error: Error) => {
          if (!error.message.includes('409')) throw error
          return undefined
        })
        if (booking) bookingId = booking.id
      }
      if (!bookingId) throw new Error('no three free nights in the coming year')
      const conversation = await apiCall<{ id: string }>(server.url, 'POST', '/api/v1/conversations', {
        token,
        body: { booking_id: bookingId, text: 'Arriving around six.' },
      })
      conversationId = conversation.id
    })

    afterAll(async () => {
      await browser?.close()
      await server?.stop()
    })

    async function check(pages: [string, string][]) {
      const found: string[] = []
      for (const [label, path] of pages) {
        await browser.page.goto(`${server.url}${path}`)
        found.push(...(await violations(browser.page, `${label} ${path}`)))
      }
      expect(found).toEqual([])
    }

    it('has no serious or critical violation on the pages anyone sees', async () => {
      await check([
        ['home', '/'],
        ['search', '/search?city=Paris'],
        ['listing', `/places/${place.id}`],
        ['login', '/login'],
        ['sign-up', '/signup'],
        ['forgot password', '/forgot-password'],
        ['not found', '/no-such-page'],
      ])
    })

    it("has none on a guest's pages", async () => {
      await logIn(browser.page, server.url, GUEST, DEMO_PASSWORD)
      await check([
        [
          'checkout',
          `/places/${place.id}/checkout?check_in=${daysFromNow(400)}&check_out=${daysFromNow(403)}&guests=2`,
        ],
        ['trips', '/trips'],
        ['trip', `/trips/${bookingId}`],
        ['wishlists', '/wishlists'],
        ['inbox', '/inbox'],
        ['conversation', `/inbox/${conversationId}`],
        ['notifications', '/notifications'],
        ['account', '/account'],
      ])
      await logOut(browser.page)
    })

    it("has none on a host's pages", async () => {
      await logIn(browser.page, server.url, hostEmail, HOST_PASSWORD)
      await check([
        ['host listings', '/host'],
        ['new listing', '/host/listings/new'],
        ['listing editor', `/host/listings/${place.id}/edit`],
        ['host calendar', `/host/listings/${place.id}/calendar`],
        ['reservations', '/host/reservations'],
      ])
      await logOut(browser.page)
    })

    it("has none on the administrator's page", async () => {
      await logIn(browser.page, server.url, ADMIN.email, ADMIN.password)
      await check([['admin', '/admin']])
      await logOut(browser.page)
    })
  })
}
