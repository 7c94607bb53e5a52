// Host-guest messaging, live, in two browsers at once (a guest's and a host's, each its own context)
// on a desktop and on a phone: the guest asks a question with "Contact host" on a listing; the host,
// with the inbox open, sees it arrive without reloading, with unread badges on the inbox link and
// the notification bell; the host answers, and the guest's open conversation shows the answer.
// Messages notify at once here (HBNB_MESSAGE_NOTIFY_AFTER_MINUTES=0), so the in-app notification
// the embedded task runner writes is pushed to the host's bell too. A visitor who is not logged in
// watching a listing is told live when the dates they chose are booked.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiCall,
  apiLogin,
  DEVICES,
  type Device,
  daysFromNow,
  type RunningBrowser,
  type RunningServer,
  screenshot,
  startBrowser,
  startServer,
} from './harness'

const HOST = 'host1@hbnb.io'
const GUEST = 'guest1@hbnb.io'

interface Place {
  id: string
  title: string
  owner: { first_name: string }
}

async function logIn(page: Page, server: RunningServer, email: string) {
  await page.goto(`${server.url}/login`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill('hbnb-demo-1234')
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.locator('.account-menu summary').waitFor()
}

/** The unread badge of the inbox link: in the header on a desktop, in the tab bar on a phone. */
function inboxBadge(page: Page, device: Device) {
  return page
    .locator(device.mobile ? '.tab-bar' : '.main-nav')
    .getByRole('link', { name: /Inbox/ })
    .locator('.badge')
}

let server: RunningServer
let places: Place[]

beforeAll(async () => {
  server = await startServer({ HBNB_MESSAGE_NOTIFY_AFTER_MINUTES: '0' })
  const hostToken = await apiLogin(server.url, HOST)
  const mine = await apiCall<{ id: string }[]>(server.url, 'GET', '/api/v1/places/?owner_id=me&limit=10', {
    token: hostToken,
  })
  places = await Promise.all(
    mine.slice(0, DEVICES.length).map(({ id }) => apiCall<Place>(server.url, 'GET', `/api/v1/places/${id}`)),
  )
})

afterAll(async () => {
  await server?.stop()
})

describe.each(DEVICES.map((device, index) => ({ device, index })))(
  'messaging live on $device.name',
  ({ device, index }) => {
    let guest: RunningBrowser
    let host: RunningBrowser

    beforeAll(async () => {
      guest = await startBrowser(device)
      host = await startBrowser(device)
    })

    afterAll(async () => {
      await guest?.close()
      await host?.close()
    })

    it('a question reaches the host live, with badges, and the answer reaches the guest live', async () => {
      const place = places[index] as Place
      const question = `Is the ${device.name} kitchen equipped for a family of four?`
      const answer = `Yes, fully equipped (${device.name}). Welcome!`

      await logIn(host.page, server, HOST)
      await host.page.goto(`${server.url}/inbox`)
      await host.page.getByRole('heading', { name: 'Inbox' }).waitFor()
      await expect(inboxBadge(host.page, device).count()).resolves.toBe(0)
      const hostLoads: string[] = []
      host.page.on('framenavigated', (frame) => {
        if (frame === host.page.mainFrame()) hostLoads.push(frame.url())
      })

      await logIn(guest.page, server, GUEST)
      await guest.page.goto(`${server.url}/places/${place.id}`)
      await guest.page.getByRole('button', { name: `Contact ${place.owner.first_name}` }).click()
      await guest.page.getByLabel(`Write to ${place.owner.first_name}`).fill(question)
      await guest.page.getByRole('button', { name: 'Send', exact: true }).click()
      await guest.page.getByTestId('messages').getByText(question).waitFor()

      // The host's open inbox shows it, unread, with no reload.
      const item = host.page.getByTestId('inbox').locator('.inbox-item', { hasText: question })
      await item.waitFor()
      expect(await item.getAttribute('class')).toContain('is-unread')
      await inboxBadge(host.page, device).getByText('1', { exact: true }).waitFor()
      await host.page.getByTestId('notification-bell').locator('.badge').waitFor()
      expect(hostLoads.filter((url) => !url.endsWith('/inbox'))).toEqual([])
      await screenshot(host.page, device, 'messaging-01-host-inbox-live')

      await item.click()
      await host.page.getByTestId('messages').getByText(question).waitFor()
      // Opening the conversation reads it: the badge goes.
      await inboxBadge(host.page, device).waitFor({ state: 'detached' })
      await host.page.getByLabel('Write to').fill(answer)
      await host.page.getByRole('button', { name: 'Send', exact: true }).click()
      await host.page.getByTestId('messages').getByText(answer).waitFor()

      // The guest's open conversation shows the answer, with no reload.
      await guest.page.getByTestId('messages').getByText(answer).waitFor()
      // Seen in the open conversation, the answer is read there and then: no unread badge stays.
      await inboxBadge(guest.page, device).waitFor({ state: 'detached' })
      await screenshot(guest.page, device, 'messaging-02-guest-answer-live')
      await screenshot(host.page, device, 'messaging-03-host-answered')
      expect(guest.errors).toEqual([])
      expect(host.errors).toEqual([])
    })

    it('tells an anonymous visitor watching a listing that the dates they chose were just booked', async () => {
      const place = places[index] as Place
      const visitor = await startBrowser(device)
      try {
        const checkIn = daysFromNow(90 + index * 10)
        const checkOut = daysFromNow(92 + index * 10)
        await visitor.page.goto(`${server.url}/places/${place.id}?check_in=${checkIn}&check_out=${checkOut}`)
        await visitor.page.getByTestId('quote-total').waitFor()
        // The page follows the listing from the start; give its subscription a moment.
        await visitor.page.waitForTimeout(500)
        const token = await apiLogin(server.url, GUEST)
        await apiCall(server.url, 'POST', '/api/v1/bookings', {
          token,
          body: { place_id: place.id, check_in: checkIn, check_out: checkOut, guests: 1 },
        })
        const notice = visitor.page.getByText(/Someone just booked 2 nights of these dates/)
        await notice.waitFor()
        await notice.scrollIntoViewIfNeeded()
        expect(await visitor.page.locator('.account-menu').count()).toBe(0)
        await screenshot(visitor.page, device, 'messaging-04-anonymous-dates-taken')
        expect(visitor.errors).toEqual([])
      } finally {
        await visitor.close()
      }
    })

    it('updates search results open in a browser when nights of a listing shown are booked', async () => {
      const place = places[index] as Place
      const visitor = await startBrowser(device)
      try {
        const checkIn = daysFromNow(120 + index * 10)
        const checkOut = daysFromNow(122 + index * 10)
        await visitor.page.goto(`${server.url}/search?city=Paris&check_in=${checkIn}&check_out=${checkOut}`)
        const card = visitor.page.locator(`a[href^="/places/${place.id}"]`).first()
        await card.waitFor()
        await visitor.page.waitForTimeout(500)
        const token = await apiLogin(server.url, GUEST)
        await apiCall(server.url, 'POST', '/api/v1/bookings', {
          token,
          body: { place_id: place.id, check_in: checkIn, check_out: checkOut, guests: 1 },
        })
        // Booked for those dates, the listing leaves the results, with no reload.
        await card.waitFor({ state: 'detached' })
        await screenshot(visitor.page, device, 'messaging-05-search-updated')
        expect(visitor.errors).toEqual([])
      } finally {
        await visitor.close()
      }
    })
  },
)
