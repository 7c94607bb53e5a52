import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRepositories } from '../../src/app.js'
import { addDays, localDate, nightsOf } from '../../src/dates.js'
import { FeedError, IcalFetcher, type ResolvedAddress } from '../../src/modules/ical/fetch.js'
import { type ReadLimits, readFeed } from '../../src/modules/ical/reader.js'
import { IcalService } from '../../src/modules/ical/service.js'
import { expectError } from '../helpers/contract.js'
import { sample, scrape } from '../helpers/metrics.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'

const TZ = 'Asia/Tokyo'
const today = () => localDate(Date.now(), TZ)
const day = (offset: number) => addDays(today(), offset)
const compact = (date: string) => date.replaceAll('-', '')
/** The events of iCalendar text as nights of the listing's dates, read as an import reads them. */
const readBack = (text: string) => readFeed(text, { from: day(-1), to: day(800), timeZone: TZ }).occurrences

// ---------------------------------------------------------------------------------------------
// A local feed server: each path answers with a handler the tests set.

type Handler = (request: IncomingMessage, response: ServerResponse) => void
const routes = new Map<string, Handler>()
const hits = new Map<string, number>()
let server: Server
let base: string
/** A port nothing listens on. */
let closedPort: number

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!
    hits.set(path, (hits.get(path) ?? 0) + 1)
    const handler = routes.get(path)
    if (handler) handler(request, response)
    else response.writeHead(404).end('no such feed')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const probe = createServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  closedPort = (probe.address() as AddressInfo).port
  await new Promise((resolve) => probe.close(resolve))
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

function ics(...events: string[][]): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Other site//EN']
  for (const event of events) lines.push('BEGIN:VEVENT', ...event, 'END:VEVENT')
  lines.push('END:VCALENDAR', '')
  return lines.join('\r\n')
}

const allDay = (uid: string, from: string, to: string, ...extra: string[]) => [
  `UID:${uid}`,
  `DTSTART;VALUE=DATE:${compact(from)}`,
  `DTEND;VALUE=DATE:${compact(to)}`,
  'SUMMARY:Reserved',
  ...extra,
]

/** Serves `body()` at `path`, read at each request so a test can change the feed. */
function serve(path: string, body: () => string, type = 'text/calendar; charset=utf-8') {
  routes.set(path, (_request, response) => {
    response.writeHead(200, { 'content-type': type }).end(body())
  })
}

/** Streams iCalendar-looking text without end and without Content-Length. */
function serveHuge(path: string) {
  routes.set(path, (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/calendar' })
    response.write('BEGIN:VCALENDAR\r\n')
    const chunk = `X-FILLER:${'x'.repeat(1000)}\r\n`.repeat(64)
    let sent = 0
    const pump = () => {
      while (!response.destroyed && sent < 8 * 1024 * 1024) {
        sent += chunk.length
        if (!response.write(chunk)) return void response.once('drain', pump)
      }
      if (!response.destroyed) response.end('END:VCALENDAR\r\n')
    }
    pump()
  })
}

/** Sends headers, then nothing for a long while. */
function serveSlow(path: string) {
  routes.set(path, (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/calendar' })
    response.write('BEGIN:VCALENDAR\r\n')
    const timer = setTimeout(() => response.end('END:VCALENDAR\r\n'), 20_000)
    response.on('close', () => clearTimeout(timer))
  })
}

// ---------------------------------------------------------------------------------------------

async function listing(t: TestApp) {
  const host = await t.user()
  const place = await t.place(host.token, { timezone: TZ, instant_book: true, max_guests: 4 })
  return { host, place }
}

async function book(t: TestApp, placeId: string, checkIn: string, checkOut: string) {
  const guest = await t.user()
  const booking = await t.post(
    '/api/v1/bookings',
    { place_id: placeId, check_in: checkIn, check_out: checkOut, guests: 1 },
    { token: guest.token },
  )
  expect(booking.status, booking.text).toBe(201)
  expect(booking.body.status).toBe('confirmed')
  return booking.body
}

async function block(t: TestApp, token: string, placeId: string, from: string, to: string) {
  const response = await t.post(`/api/v1/places/${placeId}/calendar/block`, { from, to }, { token })
  expect(response.status, response.text).toBe(200)
}

/** The nights of [from, to) as the calendar shows them to the host. */
async function calendar(t: TestApp, token: string, placeId: string, from: string, to: string) {
  const response = await t.get(`/api/v1/places/${placeId}/calendar?from=${from}&to=${to}`, { token })
  expect(response.status, response.text).toBe(200)
  return response.body as { date: string; status: string; source?: string }[]
}

/** Date -> "status:source" for the taken nights of a range. */
async function takenNights(t: TestApp, token: string, placeId: string, from = day(0), to = day(400)) {
  const nights = await calendar(t, token, placeId, from, to)
  return Object.fromEntries(
    nights
      .filter((n) => n.status !== 'available')
      .map((n) => [n.date, n.source ? `${n.status}:${n.source}` : n.status]),
  )
}

/** The export path (with its token) of a place, made on first request. */
async function exportPath(t: TestApp, token: string, placeId: string) {
  const response = await t.get(`/api/v1/places/${placeId}/ical`, { token })
  expect(response.status, response.text).toBe(200)
  const url = new URL(response.body.export_url)
  return `${url.pathname}${url.search}`
}

async function addFeed(t: TestApp, token: string, placeId: string, url: string, name?: string) {
  const response = await t.post(`/api/v1/places/${placeId}/ical/feeds`, { url, name }, { token })
  expect(response.status, response.text).toBe(201)
  return response.body as { id: string; url: string; name: string }
}

async function sync(t: TestApp, token: string, placeId: string, feedId: string) {
  const response = await t.post(`/api/v1/places/${placeId}/ical/feeds/${feedId}/sync`, undefined, { token })
  expect(response.status, response.text).toBe(200)
  return response.body as {
    status: string
    events: number
    blocked: number
    skipped: string[]
    error: string | null
  }
}

async function feedOf(t: TestApp, token: string, placeId: string, feedId: string) {
  const response = await t.get(`/api/v1/places/${placeId}/ical/feeds`, { token })
  expect(response.status, response.text).toBe(200)
  return (response.body as { id: string }[]).find((feed) => feed.id === feedId) as Record<string, any>
}

/** An IcalService like the app's, with its own fetcher (a short time limit, for instance). */
function serviceWith(t: TestApp, fetcher: IcalFetcher, readLimits?: ReadLimits) {
  const repositories = createRepositories(t.app.database)
  return new IcalService({
    places: repositories.places,
    calendar: repositories.calendar,
    feeds: repositories.ical,
    fetcher,
    options: readLimits ? { readLimits } : {},
    logger: t.app.logger,
    cache: t.app.cache,
    live: t.app.live,
    now: Date.now,
  })
}

describeEachDriver(
  'iCal export and import',
  (t) => {
    describe('export', () => {
      it('publishes exactly the booked and blocked nights, one all-day event per run', async () => {
        const { host, place } = await listing(t())
        await book(t(), place.id, day(3), day(6))
        await block(t(), host.token, place.id, day(6), day(8))
        await block(t(), host.token, place.id, day(10), day(11))
        await book(t(), place.id, day(20), day(22))
        await book(t(), place.id, day(22), day(23))

        const settings = await t().get(`/api/v1/places/${place.id}/ical`, { token: host.token })
        expect(settings.status).toBe(200)
        expect(settings.body.feeds).toEqual([])
        expect(settings.body.export_url).toMatch(
          new RegExp(
            `^http://(localhost|127\\.0\\.0\\.1)(:\\d+)?/api/v1/places/${place.id}/calendar\\.ics\\?token=[\\w-]{43}$`,
          ),
        )
        const again = await t().get(`/api/v1/places/${place.id}/ical`, { token: host.token })
        expect(again.body.export_url).toBe(settings.body.export_url)

        const url = new URL(settings.body.export_url)
        const response = await t().get(`${url.pathname}${url.search}`)
        expect(response.status, response.text).toBe(200)
        expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8')
        const text = response.text
        expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true)
        expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true)
        expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
        for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
        expect(text).toMatch(/\r\nPRODID:[^\r]+\r\n/)
        expect(text).toContain('\r\nVERSION:2.0\r\n')

        const events = readBack(text)
        const ranges = events.map(({ start, end, summary }) => ({ start, end, summary }))
        expect(ranges).toEqual([
          { start: day(3), end: day(6), summary: 'Reserved' },
          { start: day(6), end: day(8), summary: 'Not available' },
          { start: day(10), end: day(11), summary: 'Not available' },
          { start: day(20), end: day(23), summary: 'Reserved' },
        ])
        expect(text).toContain(`DTSTART;VALUE=DATE:${compact(day(3))}\r\nDTEND;VALUE=DATE:${compact(day(6))}`)
        expect(new Set(events.map((e) => e.uid)).size).toBe(events.length)
        expect(text.match(/\r\nDTSTAMP:\d{8}T\d{6}Z\r\n/g)).toHaveLength(events.length)

        // The same nights, night for night, as the calendar shows.
        const exported = ranges.flatMap((r) => nightsOf(r.start, r.end)).sort()
        expect(exported).toEqual(Object.keys(await takenNights(t(), host.token, place.id)).sort())
        // The same content each time: the UIDs are stable.
        expect((await t().get(`${url.pathname}${url.search}`)).text).toBe(text)
      })

      it('answers 304 to a matching If-None-Match, and a new ETag once the calendar changes', async () => {
        const { host, place } = await listing(t())
        await block(t(), host.token, place.id, day(2), day(4))
        const path = await exportPath(t(), host.token, place.id)
        const first = await t().get(path)
        expect(first.status).toBe(200)
        const etag = first.headers.etag as string
        expect(etag).toMatch(/^"[\w-]+"$/)

        const notModified = await t().get(path, { headers: { 'if-none-match': etag } })
        expect(notModified.status).toBe(304)
        expect(notModified.text).toBe('')
        expect(notModified.headers.etag).toBe(etag)
        const listed = await t().get(path, { headers: { 'if-none-match': `"nope", W/${etag}` } })
        expect(listed.status).toBe(304)
        const other = await t().get(path, { headers: { 'if-none-match': '"something-else"' } })
        expect(other.status).toBe(200)
        expect(other.text).toBe(first.text)

        await block(t(), host.token, place.id, day(9), day(10))
        const changed = await t().get(path, { headers: { 'if-none-match': etag } })
        expect(changed.status).toBe(200)
        expect(changed.headers.etag).not.toBe(etag)
        expect(changed.text).toContain(`DTSTART;VALUE=DATE:${compact(day(9))}`)
      })

      it('answers 404 to a wrong, missing or foreign token, as for a place that does not exist', async () => {
        const { host, place } = await listing(t())
        const { host: otherHost, place: other } = await listing(t())
        const path = await exportPath(t(), host.token, place.id)
        const otherToken = new URL(
          `http://x${await exportPath(t(), otherHost.token, other.id)}`,
        ).searchParams.get('token')
        const token = new URL(`http://x${path}`).searchParams.get('token')!
        const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
        const unknown = await t().get(
          `/api/v1/places/00000000-0000-4000-8000-000000000000/calendar.ics?token=${token}`,
        )
        expectError(unknown, 404)
        for (const query of [`?token=${wrong}`, '', '?token=', `?token=${otherToken}`, `?token=${token}x`]) {
          const response = await t().get(`/api/v1/places/${place.id}/calendar.ics${query}`)
          expectError(response, 404, unknown.body.error)
          expect(response.body.code).toBe(unknown.body.code)
        }
        // A place whose host never asked for the URL has no token: an empty one opens nothing.
        const { place: fresh } = await listing(t())
        expectError(await t().get(`/api/v1/places/${fresh.id}/calendar.ics?token=`), 404)
      })

      it('rotating the token makes a new URL and retires the old one', async () => {
        const { host, place } = await listing(t())
        const oldPath = await exportPath(t(), host.token, place.id)
        expect((await t().get(oldPath)).status).toBe(200)
        const rotated = await t().post(`/api/v1/places/${place.id}/ical/rotate`, undefined, {
          token: host.token,
        })
        expect(rotated.status, rotated.text).toBe(200)
        const url = new URL(rotated.body.export_url)
        const newPath = `${url.pathname}${url.search}`
        expect(newPath).not.toBe(oldPath)
        expectError(await t().get(oldPath), 404)
        expect((await t().get(newPath)).status).toBe(200)
        expect(await exportPath(t(), host.token, place.id)).toBe(newPath)
      })

      it('builds the export URL from the request when HBNB_PUBLIC_URL is not set', async () => {
        const { host, place } = await listing(t())
        const response = await t().get(`/api/v1/places/${place.id}/ical`, {
          token: host.token,
          headers: { host: 'rentals.example.org:8443' },
        })
        expect(response.body.export_url).toMatch(/^http:\/\/rentals\.example\.org:8443\/api\/v1\/places\//)
      })
    })

    describe('who may manage feeds', () => {
      it('lets the owner and admins in, answers 403 to other users and 401 without a login', async () => {
        const { host, place } = await listing(t())
        const stranger = await t().user()
        const feed = await addFeed(t(), host.token, place.id, `${base}/owned.ics`)
        const calls: [string, string][] = [
          ['GET', `/api/v1/places/${place.id}/ical`],
          ['POST', `/api/v1/places/${place.id}/ical/rotate`],
          ['GET', `/api/v1/places/${place.id}/ical/feeds`],
          ['POST', `/api/v1/places/${place.id}/ical/feeds`],
          ['POST', `/api/v1/places/${place.id}/ical/feeds/${feed.id}/sync`],
          ['DELETE', `/api/v1/places/${place.id}/ical/feeds/${feed.id}`],
        ]
        for (const [method, url] of calls) {
          const body = method === 'POST' && url.endsWith('/feeds') ? { url: `${base}/x.ics` } : undefined
          const forbidden = await t().request(method, url, { token: stranger.token, body })
          expectError(forbidden, 403)
          expectError(await t().request(method, url, { body }), 401)
        }
        expect((await feedOf(t(), host.token, place.id, feed.id)).id).toBe(feed.id)

        const admin = await t().adminToken()
        const listed = await t().get(`/api/v1/places/${place.id}/ical/feeds`, { token: admin })
        expect(listed.status).toBe(200)
        expect(listed.body.map((f: { id: string }) => f.id)).toEqual([feed.id])
        expect((await t().get(`/api/v1/places/${place.id}/ical`, { token: admin })).status).toBe(200)
        expectError(
          await t().get('/api/v1/places/00000000-0000-4000-8000-000000000000/ical/feeds', { token: admin }),
          404,
        )
        expectError(
          await t().post(
            `/api/v1/places/${place.id}/ical/feeds/00000000-0000-4000-8000-000000000000/sync`,
            undefined,
            {
              token: host.token,
            },
          ),
          404,
        )
      })

      it('validates feed URLs: http or https, at most 2048 characters', async () => {
        const { host, place } = await listing(t())
        const post = (body: unknown) =>
          t().post(`/api/v1/places/${place.id}/ical/feeds`, body, { token: host.token })
        for (const url of [
          'ftp://example.com/cal.ics',
          'file:///etc/passwd',
          'webcal://example.com/cal.ics',
          'javascript:alert(1)',
          'not a url',
          '',
          `https://example.com/${'a'.repeat(2048)}`,
          'https://user:secret@example.com/cal.ics',
        ]) {
          expectError(await post({ url }), 400)
        }
        expectError(await post({}), 400)
        const named = await post({
          url: 'https://calendar.example.com/export/123.ics?s=abc',
          name: ' Airbnb ',
        })
        expect(named.status, named.text).toBe(201)
        expect(named.body).toMatchObject({
          url: 'https://calendar.example.com/export/123.ics?s=abc',
          name: 'Airbnb',
          place_id: place.id,
          last_sync_at: null,
          last_status: null,
          last_error: null,
          last_event_count: null,
        })
        const unnamed = await post({ url: 'http://other.example.net/cal.ics' })
        expect(unnamed.body.name).toBe('other.example.net')
        expectError(await post({ url: 'https://calendar.example.com/export/123.ics?s=abc' }), 409)
        const list = await t().get(`/api/v1/places/${place.id}/ical/feeds`, { token: host.token })
        expect(list.body.map((f: { id: string }) => f.id)).toEqual([named.body.id, unnamed.body.id])
      })
    })

    describe('import', () => {
      it('blocks the nights of the feed events, then replaces them at the next sync', async () => {
        const { host, place } = await listing(t())
        const booking = await book(t(), place.id, day(14), day(16))
        await block(t(), host.token, place.id, day(40), day(41))
        let body = ics(
          allDay('a@other', day(10), day(13)),
          allDay('overlap@other', day(15), day(17)),
          allDay('cancelled@other', day(50), day(52), 'STATUS:CANCELLED'),
          allDay('past@other', day(-10), day(-5)),
          allDay('straddle@other', day(-2), day(1)),
          allDay('far@other', day(800), day(802)),
          // A timed event in UTC: 15:00 UTC is midnight in Tokyo, so the nights are the next days.
          [`UID:timed@other`, `DTSTART:${compact(day(30))}T150000Z`, `DTEND:${compact(day(32))}T020000Z`],
          // No end: one night.
          [`UID:single@other`, `DTSTART;VALUE=DATE:${compact(day(35))}`],
        )
        serve('/import.ics', () => body)
        const feed = await addFeed(t(), host.token, place.id, `${base}/import.ics`, 'Other site')

        const result = await sync(t(), host.token, place.id, feed.id)
        expect(result).toEqual({
          status: 'ok',
          events: 7,
          blocked: 3 + 1 + 1 + 1 + 1,
          skipped: [day(15)],
          error: null,
        })
        const src = `blocked:${feed.id}`
        expect(await takenNights(t(), host.token, place.id)).toEqual({
          [day(0)]: src,
          [day(10)]: src,
          [day(11)]: src,
          [day(12)]: src,
          [day(14)]: 'booked',
          [day(15)]: 'booked',
          [day(16)]: src,
          [day(31)]: src,
          [day(35)]: src,
          [day(40)]: 'blocked:host',
        })
        expect((await t().get(`/api/v1/bookings/${booking.id}`, { token: host.token })).body.status).toBe(
          'confirmed',
        )
        const recorded = await feedOf(t(), host.token, place.id, feed.id)
        expect(recorded).toMatchObject({ last_status: 'ok', last_error: null, last_event_count: 7 })
        expect(Date.parse(recorded.last_sync_at)).not.toBeNaN()
        // Guests see blocked nights, not where they come from.
        const publicView = await calendar(t(), '', place.id, day(10), day(11))
        expect(publicView[0]).toMatchObject({ status: 'blocked' })
        expect(publicView[0]!.source).toBeUndefined()

        body = ics(allDay('b@other', day(20), day(22)), allDay('a@other', day(40), day(42)))
        const resync = await sync(t(), host.token, place.id, feed.id)
        expect(resync).toEqual({ status: 'ok', events: 2, blocked: 3, skipped: [day(40)], error: null })
        expect(await takenNights(t(), host.token, place.id)).toEqual({
          [day(14)]: 'booked',
          [day(15)]: 'booked',
          [day(20)]: src,
          [day(21)]: src,
          [day(40)]: 'blocked:host',
          [day(41)]: src,
        })

        // Imported nights are exported like any other blocked night.
        const exported = readBack((await t().get(await exportPath(t(), host.token, place.id))).text)
        expect(exported.map(({ start, end }) => ({ start, end }))).toEqual([
          { start: day(14), end: day(16) },
          { start: day(20), end: day(22) },
          { start: day(40), end: day(42) },
        ])

        // Removing the feed unblocks its nights, and only its nights.
        const removed = await t().delete(`/api/v1/places/${place.id}/ical/feeds/${feed.id}`, {
          token: host.token,
        })
        expect(removed.status, removed.text).toBe(200)
        expect(await takenNights(t(), host.token, place.id)).toEqual({
          [day(14)]: 'booked',
          [day(15)]: 'booked',
          [day(40)]: 'blocked:host',
        })
        expectError(
          await t().delete(`/api/v1/places/${place.id}/ical/feeds/${feed.id}`, { token: host.token }),
          404,
        )
      })

      it('expands recurring events: every occurrence blocked, the EXDATE and cancelled ones free', async () => {
        const { host, place } = await listing(t())
        const d = (offset: number) => compact(day(offset))
        serve('/recurring.ics', () =>
          ics(
            // Two nights every week, six times (COUNT): from days 7, 14, 21 (EXDATE), 28 (moved to
            // days 30-32 by its override), 35 (cancelled by its override) and 42.
            [
              'UID:weekly@other',
              `DTSTART;VALUE=DATE:${d(7)}`,
              `DTEND;VALUE=DATE:${d(9)}`,
              'RRULE:FREQ=WEEKLY;COUNT=6',
              `EXDATE;VALUE=DATE:${d(21)}`,
              'SUMMARY:Owner stays',
            ],
            [
              'UID:weekly@other',
              `RECURRENCE-ID;VALUE=DATE:${d(28)}`,
              `DTSTART;VALUE=DATE:${d(30)}`,
              `DTEND;VALUE=DATE:${d(33)}`,
            ],
            [
              'UID:weekly@other',
              `RECURRENCE-ID;VALUE=DATE:${d(35)}`,
              `DTSTART;VALUE=DATE:${d(35)}`,
              `DTEND;VALUE=DATE:${d(37)}`,
              'STATUS:CANCELLED',
            ],
            // 14:00 to 23:00 UTC every third day until day 56: 23:00 to 08:00 the next morning in
            // Tokyo, the night of days 50, 53 and 56.
            [
              'UID:timed@other',
              `DTSTART:${d(50)}T140000Z`,
              `DTEND:${d(50)}T230000Z`,
              `RRULE:FREQ=DAILY;INTERVAL=3;UNTIL=${d(56)}T235959Z`,
            ],
            // Every night from day 700, without end: up to the import horizon, 730 days ahead.
            ['UID:daily@other', `DTSTART;VALUE=DATE:${d(700)}`, 'RRULE:FREQ=DAILY'],
          ),
        )
        const feed = await addFeed(t(), host.token, place.id, `${base}/recurring.ics`)
        const result = await sync(t(), host.token, place.id, feed.id)
        expect(result).toEqual({ status: 'ok', events: 3, blocked: 9 + 3 + 30, skipped: [], error: null })
        const src = `blocked:${feed.id}`
        const near = [7, 8, 14, 15, 30, 31, 32, 42, 43, 50, 53, 56]
        expect(await takenNights(t(), host.token, place.id)).toEqual(
          Object.fromEntries(near.map((offset) => [day(offset), src])),
        )
        const far = await takenNights(t(), host.token, place.id, day(690), day(740))
        expect(far).toEqual(Object.fromEntries(nightsOf(day(700), day(730)).map((night) => [night, src])))
        // The EXDATE night, the moved instance's old nights and the cancelled ones are free.
        for (const offset of [21, 22, 28, 29, 35, 36]) {
          const [night] = await calendar(t(), host.token, place.id, day(offset), day(offset + 1))
          expect(night, day(offset)).toMatchObject({ date: day(offset), status: 'available' })
        }
        // A guest cannot book an occurrence, and can book the EXDATE night.
        const guest = await t().user()
        const taken = await t().post(
          '/api/v1/bookings',
          { place_id: place.id, check_in: day(42), check_out: day(43), guests: 1 },
          { token: guest.token },
        )
        expect(taken.status, taken.text).toBe(409)
        await book(t(), place.id, day(21), day(22))
      })

      it('imports what it can read and says which events it left out', async () => {
        const { host, place } = await listing(t())
        serve('/partly.ics', () =>
          ics(allDay('fine@other', day(3), day(5)), ['UID:broken@other', 'SUMMARY:no start']),
        )
        const feed = await addFeed(t(), host.token, place.id, `${base}/partly.ics`)
        const warning = '1 event could not be read and was left out (broken@other: no DTSTART)'
        expect(await sync(t(), host.token, place.id, feed.id)).toEqual({
          status: 'ok',
          events: 1,
          blocked: 2,
          skipped: [],
          error: warning,
        })
        expect(await feedOf(t(), host.token, place.id, feed.id)).toMatchObject({
          last_status: 'ok',
          last_error: warning,
          last_event_count: 1,
        })
        expect(Object.keys(await takenNights(t(), host.token, place.id))).toEqual([day(3), day(4)])
      })

      it('stops reading a feed that would take unbounded work, records why, and keeps its nights', async () => {
        const { host, place } = await listing(t())
        let body = ics(allDay('x@other', day(5), day(7)))
        serve('/endless.ics', () => body)
        const feed = await addFeed(t(), host.token, place.id, `${base}/endless.ics`)
        expect((await sync(t(), host.token, place.id, feed.id)).blocked).toBe(2)
        const before = await takenNights(t(), host.token, place.id)
        const actor = { id: host.id, isAdmin: false }
        const fetcher = new IcalFetcher({ allowPrivateAddresses: true, timeoutMs: 3000 })
        const expectFailure = async (result: { status: string; error: string | null }, message: string) => {
          expect(result).toMatchObject({ status: 'error', error: message })
          expect(await feedOf(t(), host.token, place.id, feed.id)).toMatchObject({
            last_status: 'error',
            last_error: message,
          })
          expect(await takenNights(t(), host.token, place.id)).toEqual(before)
        }

        // There is no 30 February: ical.js would look for the next one forever.
        body = ics([
          'UID:e@other',
          `DTSTART;VALUE=DATE:${compact(day(1))}`,
          'RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30',
        ])
        const impatient = serviceWith(t(), fetcher, { maxOccurrences: 20_000, timeLimitMs: 300 })
        await expectFailure(
          await impatient.syncNow(place.id, feed.id, actor),
          'feed took more than 0.3 s to read: not imported',
        )
        // One occurrence a second since yesterday.
        body = ics(['UID:s@other', `DTSTART:${compact(day(-1))}T000000Z`, 'RRULE:FREQ=SECONDLY'])
        const frugal = serviceWith(t(), fetcher, { maxOccurrences: 500, timeLimitMs: 10_000 })
        await expectFailure(
          await frugal.syncNow(place.id, feed.id, actor),
          `feed has more than 500 event occurrences up to ${day(730)}: not imported`,
        )
        // Through the API, with the limits the app uses: 20,000 occurrences or 5 s, whichever
        // comes first on a machine this busy.
        const viaApi = await sync(t(), host.token, place.id, feed.id)
        expect(viaApi.error).toMatch(
          new RegExp(
            `^feed (has more than 20000 event occurrences up to ${day(730)}|took more than 5 s to read): not imported$`,
          ),
        )
        await expectFailure(viaApi, viaApi.error!)
      })

      it('records why a feed failed and leaves its nights as they were', async () => {
        const { host, place } = await listing(t())
        let mode: 'ok' | 'html' | 'huge' | 'status' | 'slow' = 'ok'
        routes.set('/flaky.ics', (request, response) => {
          if (mode === 'ok') {
            response
              .writeHead(200, { 'content-type': 'text/calendar' })
              .end(ics(allDay('x@other', day(5), day(8))))
          } else if (mode === 'html') {
            response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>')
          } else if (mode === 'status') {
            response.writeHead(503).end('down')
          } else if (mode === 'huge') {
            routes.get('/huge.ics')!(request, response)
          } else {
            routes.get('/slow.ics')!(request, response)
          }
        })
        serveHuge('/huge.ics')
        serveSlow('/slow.ics')
        const feed = await addFeed(t(), host.token, place.id, `${base}/flaky.ics`)
        expect((await sync(t(), host.token, place.id, feed.id)).blocked).toBe(3)
        const before = await takenNights(t(), host.token, place.id)
        expect(Object.keys(before)).toEqual([day(5), day(6), day(7)])

        const expectFailure = async (result: { status: string; error: string | null }, message: RegExp) => {
          expect(result.status).toBe('error')
          expect(result.error).toMatch(message)
          const recorded = await feedOf(t(), host.token, place.id, feed.id)
          expect(recorded.last_status).toBe('error')
          expect(recorded.last_error).toBe(result.error)
          expect(await takenNights(t(), host.token, place.id)).toEqual(before)
        }

        mode = 'html'
        await expectFailure(await sync(t(), host.token, place.id, feed.id), /^feed is not iCalendar$/)
        mode = 'status'
        await expectFailure(await sync(t(), host.token, place.id, feed.id), /^feed answered HTTP 503/)
        mode = 'huge'
        await expectFailure(await sync(t(), host.token, place.id, feed.id), /^feed larger than 2 MiB$/)
        mode = 'slow'
        const impatient = serviceWith(t(), new IcalFetcher({ allowPrivateAddresses: true, timeoutMs: 300 }))
        const slow = await impatient.syncNow(place.id, feed.id, { id: host.id, isAdmin: false })
        await expectFailure(slow, /^feed did not arrive within 0\.3 s$/)

        mode = 'ok'
        expect((await sync(t(), host.token, place.id, feed.id)).status).toBe('ok')
        expect(await feedOf(t(), host.token, place.id, feed.id)).toMatchObject({
          last_status: 'ok',
          last_error: null,
        })
      })

      it('records an unreachable feed and blocks nothing', async () => {
        const { host, place } = await listing(t())
        const feed = await addFeed(t(), host.token, place.id, `http://127.0.0.1:${closedPort}/cal.ics`)
        const result = await sync(t(), host.token, place.id, feed.id)
        expect(result).toMatchObject({ status: 'error', events: 0, blocked: 0 })
        expect(result.error).toMatch(
          new RegExp(`^could not reach 127\\.0\\.0\\.1:${closedPort}: .*ECONNREFUSED`),
        )
        expect((await feedOf(t(), host.token, place.id, feed.id)).last_error).toBe(result.error)
        expect(await takenNights(t(), host.token, place.id)).toEqual({})
      })

      it('syncs every feed with syncAll, one failure not stopping the others', async () => {
        const { host, place } = await listing(t())
        serve('/all-a.ics', () => ics(allDay('a@all', day(60), day(62))))
        serve('/all-b.ics', () => 'nope')
        serve('/all-c.ics', () => ics(allDay('c@all', day(70), day(71))))
        const a = await addFeed(t(), host.token, place.id, `${base}/all-a.ics`)
        const b = await addFeed(t(), host.token, place.id, `${base}/all-b.ics`)
        const c = await addFeed(t(), host.token, place.id, `${base}/all-c.ics`)
        const service = serviceWith(t(), new IcalFetcher({ allowPrivateAddresses: true, timeoutMs: 2000 }))
        const before = await scrape(t())
        const result = await service.syncAll()
        expect(result.ok).toBeGreaterThanOrEqual(2)
        expect(result.failed).toBeGreaterThanOrEqual(1)
        // Operators see the outcomes (the feeds of earlier tests are synced again too).
        const after = await scrape(t())
        const syncs = (outcome: string) => `hbnb_ical_syncs_total{outcome="${outcome}"}`
        expect(sample(after, syncs('failed')) - sample(before, syncs('failed'))).toBe(result.failed)
        expect(
          sample(after, syncs('ok')) +
            sample(after, syncs('partial')) -
            sample(before, syncs('ok')) -
            sample(before, syncs('partial')),
        ).toBe(result.ok)
        expect(result.ok + result.failed).toBeLessThanOrEqual(result.feeds)
        expect(await takenNights(t(), host.token, place.id)).toEqual({
          [day(60)]: `blocked:${a.id}`,
          [day(61)]: `blocked:${a.id}`,
          [day(70)]: `blocked:${c.id}`,
        })
        expect((await feedOf(t(), host.token, place.id, b.id)).last_error).toBe('feed is not iCalendar')
        expect((await feedOf(t(), host.token, place.id, c.id)).last_status).toBe('ok')
      })
    })
  },
  { HBNB_ICAL_ALLOW_PRIVATE: 'true' },
)

describeEachDriver('iCal import with private addresses refused (the default)', (t) => {
  it('refuses feeds on loopback addresses, records why, and never connects', async () => {
    const host = await t().user()
    const place = await t().place(host.token, { timezone: TZ })
    serve('/private.ics', () => ics(allDay('p@other', day(5), day(8))))
    hits.delete('/private.ics')
    const port = new URL(base).port
    const cases: [string, RegExp][] = [
      [`${base}/private.ics`, /^address 127\.0\.0\.1 is private: refused$/],
      [`http://[::1]:${port}/private.ics`, /^address ::1 is private: refused$/],
      [`http://[::ffff:127.0.0.1]:${port}/private.ics`, /^address ::ffff:7f00:1 is private: refused$/],
      [`http://localhost:${port}/private.ics`, /^address (127\.0\.0\.1|::1) is private: refused$/],
      [`http://169.254.169.254/latest/meta-data/`, /^address 169\.254\.169\.254 is private: refused$/],
    ]
    for (const [url, message] of cases) {
      const feed = await addFeed(t(), host.token, place.id, url)
      const result = await sync(t(), host.token, place.id, feed.id)
      expect(result, url).toMatchObject({ status: 'error', blocked: 0 })
      expect(result.error, url).toMatch(message)
      const recorded = await feedOf(t(), host.token, place.id, feed.id)
      expect(recorded).toMatchObject({ last_status: 'error', last_error: result.error })
    }
    expect(hits.get('/private.ics')).toBeUndefined()
    expect(await takenNights(t(), host.token, place.id)).toEqual({})
  })
})

describe('iCal fetcher', () => {
  const fakeDns = (answers: Record<string, string[]>) => {
    const calls: string[] = []
    const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
      calls.push(hostname)
      const addresses = answers[hostname]
      if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${hostname}`)
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
    }
    return { calls, resolve }
  }
  const feedText = ics(allDay('f@other', '2030-01-01', '2030-01-02'))

  it('refuses a host name when any of its addresses is not public', async () => {
    const dns = fakeDns({
      'mixed.test': ['93.184.216.34', '10.0.0.7'],
      'mapped.test': ['::ffff:192.168.0.1'],
      'ula.test': ['fd00::1'],
    })
    const fetcher = new IcalFetcher({ resolve: dns.resolve })
    await expect(fetcher.fetch('http://mixed.test/cal.ics')).rejects.toThrow(
      'address 10.0.0.7 is private: refused',
    )
    await expect(fetcher.fetch('https://mapped.test/cal.ics')).rejects.toThrow(
      'address ::ffff:192.168.0.1 is private: refused',
    )
    await expect(fetcher.fetch('http://ula.test/cal.ics')).rejects.toThrow(
      'address fd00::1 is private: refused',
    )
    await expect(fetcher.fetch('http://missing.test/cal.ics')).rejects.toThrow(
      /^could not reach missing\.test: getaddrinfo ENOTFOUND/,
    )
    await expect(fetcher.fetch('ftp://mixed.test/cal.ics')).rejects.toBeInstanceOf(FeedError)
  })

  it('connects to the address it checked: a second DNS answer cannot redirect it', async () => {
    let lookups = 0
    let hostHeader: string | undefined
    routes.set('/pinned.ics', (request, response) => {
      hostHeader = request.headers.host
      response.writeHead(200, { 'content-type': 'text/calendar' }).end(feedText)
    })
    const fetcher = new IcalFetcher({
      allowPrivateAddresses: true,
      timeoutMs: 3000,
      // A rebinding DNS server: the first answer passes the check, later ones point elsewhere.
      resolve: async () => {
        lookups++
        return [{ address: lookups === 1 ? '127.0.0.1' : '192.0.2.1', family: 4 }]
      },
    })
    const port = new URL(base).port
    expect(await fetcher.fetch(`http://rebind.test:${port}/pinned.ics`)).toBe(feedText)
    expect(lookups).toBe(1)
    expect(hostHeader).toBe(`rebind.test:${port}`)
  })

  it('follows up to 3 redirects, checking each target, and no more', async () => {
    serve('/target.ics', () => feedText)
    const port = new URL(base).port
    for (let i = 1; i <= 4; i++) {
      routes.set(`/hop${i}`, (_request, response) => {
        response.writeHead(i === 1 ? 301 : 307, { location: i === 1 ? '/target.ics' : `/hop${i - 1}` }).end()
      })
    }
    routes.set('/to-file', (_request, response) => {
      response.writeHead(302, { location: 'file:///etc/passwd' }).end()
    })
    routes.set('/to-named', (_request, response) => {
      response.writeHead(302, { location: `http://named.test:${port}/target.ics` }).end()
    })
    const dns = fakeDns({ 'named.test': ['127.0.0.1'] })
    const fetcher = new IcalFetcher({ allowPrivateAddresses: true, timeoutMs: 3000, resolve: dns.resolve })
    expect(await fetcher.fetch(`${base}/hop3`)).toBe(feedText)
    await expect(fetcher.fetch(`${base}/hop4`)).rejects.toThrow('feed redirected more than 3 times')
    await expect(fetcher.fetch(`${base}/to-file`)).rejects.toThrow(/only http and https/)
    expect(await fetcher.fetch(`${base}/to-named`)).toBe(feedText)
    expect(dns.calls).toEqual(['named.test'])

    // A redirect target is checked like the first URL: here only 127.0.0.1 is allowed, and the
    // first hop (a literal address) passes while the target's host name resolves to another one.
    const strict = new IcalFetcher({
      timeoutMs: 3000,
      isAllowedAddress: (address) => address === '127.0.0.1',
      resolve: fakeDns({ 'named.test': ['127.0.0.1', '10.1.2.3'] }).resolve,
    })
    await expect(strict.fetch(`${base}/to-named`)).rejects.toThrow('address 10.1.2.3 is private: refused')
    routes.set('/to-loopback-2', (_request, response) => {
      response.writeHead(302, { location: `http://127.0.0.2:${port}/target.ics` }).end()
    })
    await expect(strict.fetch(`${base}/to-loopback-2`)).rejects.toThrow(
      'address 127.0.0.2 is private: refused',
    )
    expect(await strict.fetch(`${base}/hop2`)).toBe(feedText)
  })

  it('refuses a feed that is cut off before END:VCALENDAR', async () => {
    const full = ics(allDay('t@other', '2030-01-01', '2030-01-03'))
    serve('/truncated.ics', () => full.slice(0, full.indexOf('END:VCALENDAR')))
    serve('/complete.ics', () => full)
    const fetcher = new IcalFetcher({ allowPrivateAddresses: true, timeoutMs: 3000 })
    await expect(fetcher.fetch(`${base}/truncated.ics`)).rejects.toThrow(
      'feed is incomplete: no END:VCALENDAR',
    )
    expect(await fetcher.fetch(`${base}/complete.ics`)).toBe(full)
  })

  it('stops downloading beyond the size limit, declared or not', async () => {
    routes.set('/declared.ics', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/calendar', 'content-length': String(5000) })
      response.end(`BEGIN:VCALENDAR\r\nX-PAD:${'x'.repeat(5000 - 17 - 23)}\r\nEND:VCALENDAR\r\n`)
    })
    serveHuge('/streamed.ics')
    const small = new IcalFetcher({ allowPrivateAddresses: true, maxBytes: 4096, timeoutMs: 5000 })
    await expect(small.fetch(`${base}/declared.ics`)).rejects.toThrow('feed larger than 4 KiB')
    await expect(small.fetch(`${base}/streamed.ics`)).rejects.toThrow('feed larger than 4 KiB')
    const fits = new IcalFetcher({ allowPrivateAddresses: true, maxBytes: 5000, timeoutMs: 5000 })
    expect(await fits.fetch(`${base}/declared.ics`)).toMatch(/^BEGIN:VCALENDAR/)
  })
})
