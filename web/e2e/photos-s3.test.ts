// Photos with S3, in a real browser: the server's media live in a bucket of s3rver on loopback (a
// real S3 REST server, CORS open to the web client's origin). A host adds a photo in the listing
// editor: the browser sends it straight to the bucket with the presigned request, the server checks
// it, and its task runner (the embedded `all` process) makes the variants; the photo then shows on
// the listing page and the search card, on a desktop and on a phone. A host sets, replaces and
// removes a profile photo, seen in the header and beside their name on their listing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { S3_CREDENTIALS, S3TestServer } from '../../server/test/helpers/s3-server'
import {
  apiCall,
  apiLogin,
  DEVICES,
  daysFromNow,
  type RunningBrowser,
  type RunningServer,
  screenshot,
  startBrowser,
  startServer,
} from './harness'

const HOST = 'host1@hbnb.io'
const CITY = 'Bucketville'
const TITLE = 'Cabin under the S3 pines'
const ALT = 'Pine cabin at dusk'

/** A JPEG with a few shapes on it, as a camera would send it (sharp is the server's image library). */
async function photo(width: number, height: number, colour: string): Promise<Buffer> {
  const { default: sharp } = await import('sharp')
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="${colour}"/>` +
    `<circle cx="${width * 0.7}" cy="${height * 0.3}" r="${height * 0.15}" fill="#f4d35e"/>` +
    `<polygon points="0,${height} ${width * 0.35},${height * 0.35} ${width * 0.7},${height}" fill="#1b4332"/>` +
    '</svg>'
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer()
}

async function loaded(browser: RunningBrowser, selector: string) {
  const image = browser.page.locator(selector).first()
  await image.scrollIntoViewIfNeeded()
  await browser.page.waitForFunction(
    (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
    await image.elementHandle(),
  )
  return image
}

async function logIn(browser: RunningBrowser, server: RunningServer, email: string) {
  const { page } = browser
  await page.goto(`${server.url}/login`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill('hbnb-demo-1234')
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.locator('.account-menu summary').waitFor()
}

let s3: S3TestServer
let server: RunningServer
let placeId: string

beforeAll(async () => {
  s3 = await new S3TestServer(['hbnb-e2e-media'], { corsOrigins: ['http://127.0.0.1:*'] }).start()
  server = await startServer({
    HBNB_S3_BUCKET: 'hbnb-e2e-media',
    HBNB_S3_ENDPOINT: s3.endpoint,
    HBNB_S3_PATH_STYLE: 'true',
    HBNB_S3_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
    HBNB_S3_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
  })
  const token = await apiLogin(server.url, HOST)
  const place = await apiCall<{ id: string }>(server.url, 'POST', '/api/v1/places/', {
    token,
    body: {
      title: TITLE,
      description: 'A wooden cabin whose photos live in an S3 bucket.',
      price: 120,
      currency: 'EUR',
      city: CITY,
      country: 'NO',
      latitude: 60.39,
      longitude: 5.32,
      timezone: 'Europe/Oslo',
      max_guests: 2,
      status: 'published',
    },
  })
  placeId = place.id
})

afterAll(async () => {
  await server?.stop()
  await s3?.close()
})

describe('photos on S3 in the browser', () => {
  let desktop: RunningBrowser

  beforeAll(async () => {
    desktop = await startBrowser(DEVICES[0]!)
  })

  afterAll(async () => {
    expect(desktop.errors).toEqual([])
    expect(desktop.violations).toEqual([])
    await desktop.close()
  })

  it('sends a listing photo straight to the bucket; it shows once the server made its sizes', async () => {
    const { page } = desktop
    await logIn(desktop, server, HOST)
    const toBucket: string[] = []
    page.on('request', (request) => {
      if (request.url().startsWith(s3.endpoint))
        toBucket.push(`${request.method()} ${new URL(request.url()).pathname}`)
    })
    await page.goto(`${server.url}/host/listings/${placeId}/edit`)
    await page.getByRole('heading', { name: 'Photos' }).waitFor()
    await page
      .getByLabel('Add photos')
      .setInputFiles([
        { name: 'cabin.jpg', mimeType: 'image/jpeg', buffer: await photo(1600, 1067, '#355070') },
      ])
    await loaded(desktop, '.photo-item img')
    expect(toBucket.filter((line) => line.startsWith('PUT '))).toEqual([
      expect.stringMatching(new RegExp(`^PUT /hbnb-e2e-media/originals/${placeId}/`)),
    ])
    const item = page.getByTestId('photo-item').first()
    await item.getByLabel(/Description/).fill(ALT)
    await item.getByLabel(/Caption/).fill('The cabin from the lake')
    await item.getByLabel(/Caption/).blur()
    await item.getByRole('button', { name: `Delete “${ALT}”` }).waitFor()
    await screenshot(page, DEVICES[0]!, 's3-01-editor-photo')

    const photos = await apiCall<{ alt_text: string; caption: string; src: string }[]>(
      server.url,
      'GET',
      `/api/v1/places/${placeId}/photos`,
    )
    expect(photos).toMatchObject([{ alt_text: ALT, caption: 'The cabin from the lake' }])
    // Served from the bucket through /media/, never the original.
    const variant = await fetch(`${server.url}${photos[0]!.src}`)
    expect(variant.headers.get('content-type')).toBe('image/jpeg')
  })

  it('reorders photos by dragging one onto another, or with the move buttons', async () => {
    const { page } = desktop
    await page
      .getByLabel('Add photos')
      .setInputFiles([
        { name: 'lake.jpg', mimeType: 'image/jpeg', buffer: await photo(1200, 800, '#2a6f97') },
      ])
    const items = page.getByTestId('photo-item')
    await loaded(desktop, '[data-testid="photo-item"]:nth-child(2) img')
    const second = await items
      .nth(1)
      .getByLabel(/Description/)
      .inputValue()
    await items.nth(1).locator('.photo-drag').dragTo(items.nth(0))
    await items
      .nth(0)
      .getByRole('button', { name: `Delete “${second}”` })
      .waitFor()
    await items
      .nth(1)
      .getByRole('button', { name: `Delete “${ALT}”` })
      .waitFor()
    // The keyboard's way back: the cover moves later, and the cabin is first again.
    await items
      .nth(0)
      .getByRole('button', { name: `Move later: “${second}”` })
      .click()
    await items
      .nth(0)
      .getByRole('button', { name: `Delete “${ALT}”` })
      .waitFor()
  })

  for (const device of DEVICES) {
    it(`shows the photo on the listing page and the search card (${device.name})`, async () => {
      const browser = device.mobile ? await startBrowser(device) : desktop
      try {
        const { page } = browser
        await page.goto(`${server.url}/places/${placeId}`)
        await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor()
        const cover = await loaded(browser, `.gallery img[alt="${ALT}"]`)
        expect(await cover.evaluate((img) => (img as HTMLImageElement).currentSrc)).toMatch(/\/media\//)
        await screenshot(page, device, 's3-02-listing')

        await page.goto(`${server.url}/search?q=${CITY}`)
        await page.locator('.place-card', { hasText: TITLE }).waitFor()
        await loaded(browser, `.place-card img[alt="${ALT}"]`)
        await screenshot(page, device, 's3-03-search-card')
        if (!device.mobile) {
          // The map's popup of the listing shows its cover too.
          await page.locator(`.leaflet-marker-icon[title="${TITLE}"]`).click()
          await loaded(browser, `.map-popup-photo img[alt="${ALT}"]`)
          // Once Leaflet's popup has faded in.
          await page.waitForFunction(
            () => getComputedStyle(document.querySelector('.leaflet-popup')!).opacity === '1',
          )
          await screenshot(page, device, 's3-03a-map-popup')
        }
        if (browser !== desktop) {
          expect(browser.errors).toEqual([])
          expect(browser.violations).toEqual([])
        }
      } finally {
        if (browser !== desktop) await browser.close()
      }
    })
  }

  it("shows the listing's cover on trips, wishlists and the host's listings, and the guest's photo to the host", async () => {
    const guest = await apiLogin(server.url, 'guest1@hbnb.io')
    const list = await apiCall<{ id: string }>(server.url, 'POST', '/api/v1/wishlists', {
      token: guest,
      body: { name: 'Cabins' },
    })
    await apiCall(server.url, 'PUT', `/api/v1/wishlists/${list.id}/places/${placeId}`, { token: guest })
    const booking = await apiCall<{ id: string }>(server.url, 'POST', '/api/v1/bookings', {
      token: guest,
      body: { place_id: placeId, check_in: daysFromNow(30), check_out: daysFromNow(33), guests: 2 },
    })
    // The guest has a profile photo (sent through the API) and asks the host a question.
    const form = new FormData()
    form.append(
      'file',
      new Blob([new Uint8Array(await photo(500, 500, '#e56b6f'))], { type: 'image/jpeg' }),
      'emma.jpg',
    )
    const sent = await fetch(`${server.url}/api/v1/users/me/photo`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${guest}` },
    })
    expect(sent.status).toBe(202)
    const guestId = (await apiCall<{ id: string }>(server.url, 'GET', '/api/v1/auth/me', { token: guest })).id
    await expect
      .poll(async () => (await fetch(`${server.url}/api/v1/users/${guestId}/photo`)).status, {
        timeout: 30_000,
      })
      .toBe(200)
    await apiCall(server.url, 'POST', '/api/v1/conversations', {
      token: guest,
      body: { place_id: placeId, text: 'Is there a sauna by the lake?' },
    })
    const { page } = desktop
    await page.goto(`${server.url}/host`)
    await loaded(desktop, `.listing-row[data-listing="${placeId}"] img[alt="${ALT}"]`)
    await screenshot(page, DEVICES[0]!, 's3-06-host-listings')

    await page.locator('.account-menu summary').click()
    await page.locator('.account-menu').getByRole('button', { name: 'Log out' }).click()
    await logIn(desktop, server, 'guest1@hbnb.io')
    await page.goto(`${server.url}/trips`)
    await loaded(desktop, `[data-booking="${booking.id}"] img[alt="${ALT}"]`)
    await screenshot(page, DEVICES[0]!, 's3-07-trips')
    await page.goto(`${server.url}/wishlists`)
    await loaded(desktop, `.wishlist-tile img[alt="${ALT}"]`)
    await screenshot(page, DEVICES[0]!, 's3-08-wishlists')
    await page.locator('.account-menu summary').click()
    await page.locator('.account-menu').getByRole('button', { name: 'Log out' }).click()
    await logIn(desktop, server, HOST)

    // The host sees the guest's photo in the inbox, the conversation and the reservation request.
    await page.goto(`${server.url}/inbox`)
    await loaded(desktop, '.inbox-item .avatar img')
    await screenshot(page, DEVICES[0]!, 's3-09-inbox')
    await page.locator('.inbox-item').first().click()
    await loaded(desktop, '.conversation-header .avatar img')
    await page.goto(`${server.url}/host/reservations`)
    await loaded(desktop, `[data-booking="${booking.id}"] .booking-guest .avatar img`)
    await screenshot(page, DEVICES[0]!, 's3-10-reservations')
  })

  it('sets, replaces and removes a profile photo, shown wherever the host is', async () => {
    const { page } = desktop
    // Avatars ask for people's photos together: never one request (and a 404) per person.
    const onePerPerson: string[] = []
    page.on('request', (request) => {
      if (/\/api\/v1\/users\/(?!me\/)[^/]+\/photo$/.test(new URL(request.url()).pathname))
        onePerPerson.push(request.url())
    })
    await page.goto(`${server.url}/account`)
    const section = page.getByRole('region', { name: 'Profile photo' })
    await section
      .getByLabel('Choose a photo')
      .setInputFiles([{ name: 'me.jpg', mimeType: 'image/jpeg', buffer: await photo(600, 600, '#b56576') }])
    const header = await loaded(desktop, '.account-menu .avatar img')
    const first = await header.evaluate((img) => (img as HTMLImageElement).currentSrc)
    await loaded(desktop, '.profile-photo .avatar img')
    await screenshot(page, DEVICES[0]!, 's3-04-profile-photo')

    await section
      .getByLabel('Replace photo')
      .setInputFiles([
        { name: 'me-again.jpg', mimeType: 'image/jpeg', buffer: await photo(600, 600, '#6d597a') },
      ])
    await page.waitForFunction((before) => {
      const img = document.querySelector<HTMLImageElement>('.account-menu .avatar img')
      return img?.complete && img.naturalWidth > 0 && img.currentSrc !== before
    }, first)

    // Beside the host's name on their listing.
    await page.goto(`${server.url}/places/${placeId}`)
    await loaded(desktop, '.host-line .avatar img')
    await screenshot(page, DEVICES[0]!, 's3-05-listing-host-photo')

    await page.goto(`${server.url}/account`)
    await section.getByRole('button', { name: 'Remove photo' }).click()
    await section.getByLabel('Choose a photo').waitFor()
    const me = await apiCall<{ first_name: string }>(server.url, 'GET', '/api/v1/auth/me', {
      token: await apiLogin(server.url, HOST),
    })
    await expect.poll(() => page.locator('.account-menu .avatar').textContent()).toBe(me.first_name[0])
    expect(await page.locator('.account-menu .avatar img').count()).toBe(0)
    expect(onePerPerson).toEqual([])
  })
})
