import { describe, expect, it } from 'vitest'
import { addDays, localDate } from '../../src/dates.js'
import { nextLink } from '../helpers/contract.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'

const today = () => localDate(Date.now(), 'UTC')
const day = (offset: number) => addDays(today(), offset)

async function host(t: TestApp, terms: Record<string, unknown> = {}) {
  const owner = await t.user()
  const place = await t.place(owner.token, { price: 100, currency: 'EUR', ...terms })
  return { owner, place }
}

describeEachDriver('bookings', (t) => {
  describe('quotes', () => {
    it('sets overlapping nightly prices from many requests at once, each answered, the last word kept per night', async () => {
      const { owner, place } = await host(t())
      const answers = await Promise.all(
        [...Array(24).keys()].map((i) =>
          t().put(
            `/api/v1/places/${place.id}/calendar/prices`,
            { from: day(40 + (i % 4)), to: day(46), price: i % 3 === 0 ? null : 120 + i },
            { token: owner.token },
          ),
        ),
      )
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200))
      const quote = await t().get(
        `/api/v1/places/${place.id}/quote?check_in=${day(40)}&check_out=${day(46)}&guests=1`,
      )
      expect(quote.status).toBe(200)
      for (const night of quote.body.nightly_prices as { price_minor: number }[])
        expect(
          night.price_minor === 10000 || (night.price_minor >= 12100 && night.price_minor <= 14300),
        ).toBe(true)
    })

    it('prices every night on the server, with overrides, cleaning fee, service fee and taxes', async () => {
      const { owner, place } = await host(t(), { cleaning_fee: 30 })
      const prices = await t().put(
        `/api/v1/places/${place.id}/calendar/prices`,
        { from: day(11), to: day(12), price: 150 },
        { token: owner.token },
      )
      expect(prices.status).toBe(200)
      const quote = await t().get(
        `/api/v1/places/${place.id}/quote?check_in=${day(10)}&check_out=${day(13)}&guests=2`,
      )
      expect(quote.status).toBe(200)
      expect(quote.body.nightly_prices.map((n: { price_minor: number }) => n.price_minor)).toEqual([
        10000, 15000, 10000,
      ])
      // 350 + 30 cleaning = 380; service 12% = 45.60; taxes 5% = 19.00
      expect(quote.body).toMatchObject({
        nights: 3,
        currency: 'EUR',
        subtotal_minor: 35000,
        cleaning_fee_minor: 3000,
        service_fee_minor: 4560,
        taxes_minor: 1900,
        total_minor: 44460,
        total: 444.6,
        available: true,
      })
    })

    it('explains which stay rules the dates break', async () => {
      const { place } = await host(t(), {
        min_nights: 3,
        max_guests: 2,
        advance_notice_days: 2,
        booking_window_days: 60,
      })
      const quote = (q: string) => t().get(`/api/v1/places/${place.id}/quote?${q}`)
      const short = await quote(`check_in=${day(5)}&check_out=${day(6)}&guests=1`)
      expect(short.status).toBe(400)
      expect(short.body.error).toContain('the minimum stay is 3 nights')
      expect((await quote(`check_in=${day(-2)}&check_out=${day(3)}&guests=1`)).body.error).toContain(
        'check_in is in the past',
      )
      expect((await quote(`check_in=${day(1)}&check_out=${day(5)}&guests=1`)).body.error).toContain(
        "2 days' notice",
      )
      expect((await quote(`check_in=${day(70)}&check_out=${day(75)}&guests=1`)).body.error).toContain(
        'up to 60 days ahead',
      )
      expect((await quote(`check_in=${day(10)}&check_out=${day(14)}&guests=3`)).body.error).toContain(
        'at most 2 guests',
      )
      expect((await quote(`check_in=${day(10)}&check_out=${day(10)}&guests=1`)).body.error).toContain(
        'check_out must be after check_in',
      )
      expect((await quote(`check_in=2027-02-30&check_out=${day(10)}&guests=1`)).status).toBe(400)
    })

    it('refuses inverted term limits', async () => {
      const { owner, place } = await host(t())
      const response = await t().put(
        `/api/v1/places/${place.id}`,
        { min_nights: 10, max_nights: 5 },
        { token: owner.token },
      )
      expect(response.status).toBe(400)
      expect(response.body.error).toBe('min_nights must not be larger than max_nights')
    })
  })

  describe('lifecycle', () => {
    it('confirms an instant booking at once, and a retried request never books twice', async () => {
      const { place } = await host(t(), { instant_book: true })
      const guest = await t().user()
      const body = { place_id: place.id, check_in: day(20), check_out: day(22), guests: 1 }
      const headers = { 'idempotency-key': 'trip-1' }
      const first = await t().post('/api/v1/bookings', body, { token: guest.token, headers })
      expect(first.status).toBe(201)
      expect(first.body).toMatchObject({
        status: 'confirmed',
        nights: 2,
        guest_id: guest.id,
        place: { id: place.id },
      })
      const retry = await t().post('/api/v1/bookings', body, { token: guest.token, headers })
      expect(retry.status).toBe(200)
      expect(retry.body.id).toBe(first.body.id)
      const trips = await t().get('/api/v1/bookings?role=guest', { token: guest.token })
      expect(trips.body).toHaveLength(1)
      const other = await t().post(
        '/api/v1/bookings',
        { ...body, check_in: day(30), check_out: day(31) },
        { token: guest.token, headers },
      )
      expect(other.status).toBe(409)
      expect(other.body.code).toBe('idempotency_key_reused')
    })

    it('pages trips by check-in date, then id, following the Link', async () => {
      const [a, b] = [await host(t(), { instant_book: true }), await host(t(), { instant_book: true })]
      const guest = await t().user()
      const book = async (placeId: string, checkIn: number) => {
        const body = { place_id: placeId, check_in: day(checkIn), check_out: day(checkIn + 1), guests: 1 }
        const booked = await t().post('/api/v1/bookings', body, { token: guest.token })
        expect(booked.status).toBe(201)
        return { id: booked.body.id as string, check_in: day(checkIn) }
      }
      const trips = [await book(a.place.id, 30), await book(b.place.id, 30), await book(a.place.id, 20)]
      const sorted = [...trips].sort((x, y) =>
        x.check_in === y.check_in ? (x.id < y.id ? -1 : 1) : x.check_in < y.check_in ? -1 : 1,
      )
      const order = sorted.map((trip) => trip.id)
      const first = await t().get('/api/v1/bookings?role=guest&limit=2', { token: guest.token })
      expect(first.body.map((trip: { id: string }) => trip.id)).toEqual(order.slice(0, 2))
      const next = nextLink(first)
      expect(next).toContain(`cursor=${sorted[1]!.check_in}_${sorted[1]!.id}`)
      const second = await t().get(next!, { token: guest.token })
      expect(second.body.map((trip: { id: string }) => trip.id)).toEqual(order.slice(2))
      expect(second.headers.link).toBeUndefined()
    })

    it('ignores a total sent by the client', async () => {
      const { place } = await host(t(), { instant_book: true })
      const guest = await t().user()
      const booked = await t().post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(40), check_out: day(41), guests: 1, total_minor: 1, total: 0.01 },
        { token: guest.token },
      )
      expect(booked.status).toBe(201)
      expect(booked.body.subtotal_minor).toBe(10000)
    })

    it('holds a request until the host accepts it', async () => {
      const { owner, place } = await host(t())
      const guest = await t().user()
      const request = await t().post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(20), check_out: day(23), guests: 2 },
        { token: guest.token },
      )
      expect(request.status).toBe(201)
      expect(request.body.status).toBe('pending')
      expect(request.body.expires_at).not.toBeNull()
      const calendar = await t().get(`/api/v1/places/${place.id}/calendar?from=${day(20)}&to=${day(23)}`)
      expect(calendar.body.map((n: { status: string }) => n.status)).toEqual(['booked', 'booked', 'booked'])
      expect(calendar.body[0].booking_id).toBeUndefined()
      const hostView = await t().get(`/api/v1/places/${place.id}/calendar?from=${day(20)}&to=${day(21)}`, {
        token: owner.token,
      })
      expect(hostView.body[0].booking_id).toBe(request.body.id)

      expect(
        (await t().post(`/api/v1/bookings/${request.body.id}/accept`, undefined, { token: guest.token }))
          .status,
      ).toBe(403)
      const accepted = await t().post(`/api/v1/bookings/${request.body.id}/accept`, undefined, {
        token: owner.token,
      })
      expect(accepted.status).toBe(200)
      expect(accepted.body.status).toBe('confirmed')
      const again = await t().post(`/api/v1/bookings/${request.body.id}/accept`, undefined, {
        token: owner.token,
      })
      expect(again.status).toBe(409)
      expect(again.body.error).toBe('Cannot accept a booking that is confirmed')
      expect(
        (await t().post(`/api/v1/bookings/${request.body.id}/decline`, undefined, { token: owner.token }))
          .status,
      ).toBe(409)
      const reservations = await t().get('/api/v1/bookings?role=host&status=confirmed', {
        token: owner.token,
      })
      expect(reservations.body.map((b: { id: string }) => b.id)).toEqual([request.body.id])
    })

    it('frees the nights of a declined request', async () => {
      const { owner, place } = await host(t())
      const guest = await t().user()
      const stay = { place_id: place.id, check_in: day(20), check_out: day(22), guests: 1 }
      const request = await t().post('/api/v1/bookings', stay, { token: guest.token })
      const declined = await t().post(`/api/v1/bookings/${request.body.id}/decline`, undefined, {
        token: owner.token,
      })
      expect(declined.body).toMatchObject({ status: 'declined', refund_minor: request.body.total_minor })
      expect(
        (await t().post(`/api/v1/bookings/${request.body.id}/cancel`, undefined, { token: guest.token }))
          .status,
      ).toBe(409)
      const other = await t().user()
      expect((await t().post('/api/v1/bookings', stay, { token: other.token })).status).toBe(201)
    })

    it('shows the refund before a guest cancels, then refunds exactly that', async () => {
      const { place } = await host(t(), { instant_book: true, cancellation_policy: 'strict' })
      const guest = await t().user()
      const booking = await t().post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(3), check_out: day(5), guests: 1 },
        { token: guest.token },
      )
      const preview = await t().get(`/api/v1/bookings/${booking.body.id}/cancellation`, {
        token: guest.token,
      })
      expect(preview.status).toBe(200)
      // Strict, fewer than 7 days before check-in: nothing back but the cleaning fee (none here).
      expect(preview.body).toMatchObject({ cancelled_by: 'guest', percent: 0, refund_minor: 0 })
      const cancelled = await t().post(`/api/v1/bookings/${booking.body.id}/cancel`, undefined, {
        token: guest.token,
      })
      expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelled_by: 'guest', refund_minor: 0 })
      const calendar = await t().get(`/api/v1/places/${place.id}/calendar?from=${day(3)}&to=${day(5)}`)
      expect(calendar.body.map((n: { status: string }) => n.status)).toEqual(['available', 'available'])
    })

    it('refunds everything when the host cancels, and a host cannot cancel a pending request', async () => {
      const { owner, place } = await host(t(), { cancellation_policy: 'strict' })
      const guest = await t().user()
      const booking = await t().post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(3), check_out: day(5), guests: 1 },
        { token: guest.token },
      )
      const early = await t().post(`/api/v1/bookings/${booking.body.id}/cancel`, undefined, {
        token: owner.token,
      })
      expect(early.status).toBe(409)
      expect(early.body.error).toBe('Cannot cancel a booking that is pending: decline the request instead')
      await t().post(`/api/v1/bookings/${booking.body.id}/accept`, undefined, { token: owner.token })
      const cancelled = await t().post(`/api/v1/bookings/${booking.body.id}/cancel`, undefined, {
        token: owner.token,
      })
      expect(cancelled.body).toMatchObject({
        status: 'cancelled',
        cancelled_by: 'host',
        refund_minor: booking.body.total_minor,
      })
    })

    it('keeps bookings private to their guest, host and admins', async () => {
      const { place } = await host(t(), { instant_book: true })
      const guest = await t().user()
      const stranger = await t().user()
      const booking = await t().post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(50), check_out: day(52), guests: 1 },
        { token: guest.token },
      )
      expect((await t().get(`/api/v1/bookings/${booking.body.id}`, { token: stranger.token })).status).toBe(
        404,
      )
      expect(
        (await t().get(`/api/v1/bookings/${booking.body.id}`, { token: await t().adminToken() })).status,
      ).toBe(200)
      expect((await t().get(`/api/v1/bookings/${booking.body.id}`)).status).toBe(401)
      expect(
        (await t().post(`/api/v1/bookings/${booking.body.id}/cancel`, undefined, { token: stranger.token }))
          .status,
      ).toBe(404)
    })

    it('refuses own places, unpublished places and taken dates', async () => {
      const { owner, place } = await host(t(), { instant_book: true })
      const stay = { place_id: place.id, check_in: day(60), check_out: day(62), guests: 1 }
      expect((await t().post('/api/v1/bookings', stay, { token: owner.token })).body.error).toBe(
        'You cannot book your own place',
      )
      const guest = await t().user()
      await t().post('/api/v1/bookings', stay, { token: guest.token })
      const taken = await t().post(
        '/api/v1/bookings',
        { ...stay, check_in: day(61), check_out: day(63) },
        { token: (await t().user()).token },
      )
      expect(taken.status).toBe(409)
      expect(taken.body.error).toBe('These dates were just booked by someone else: choose other dates')
      await t().put(`/api/v1/places/${place.id}`, { status: 'draft' }, { token: owner.token })
      expect(
        (
          await t().post(
            '/api/v1/bookings',
            { ...stay, check_in: day(70), check_out: day(71) },
            { token: guest.token },
          )
        ).status,
      ).toBe(404)
    })

    it('expires unanswered requests and completes finished stays', async () => {
      const { owner, place } = await host(t())
      const guest = await t().user()
      const request = await t().post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(5), check_out: day(6), guests: 1 },
        { token: guest.token },
      )
      const done = await t()
        .servicesAt(Date.now() + 25 * 3_600_000)
        .bookings.runDueTransitions()
      expect(done.expired).toBeGreaterThanOrEqual(1)
      expect((await t().get(`/api/v1/bookings/${request.body.id}`, { token: guest.token })).body.status).toBe(
        'expired',
      )
      expect(
        (await t().post(`/api/v1/bookings/${request.body.id}/accept`, undefined, { token: owner.token }))
          .status,
      ).toBe(409)

      const instant = await host(t(), { instant_book: true })
      const stay = await t().post(
        '/api/v1/bookings',
        { place_id: instant.place.id, check_in: day(1), check_out: day(2), guests: 1 },
        { token: guest.token },
      )
      await t()
        .servicesAt(Date.now() + 3 * 86_400_000)
        .bookings.runDueTransitions()
      expect((await t().get(`/api/v1/bookings/${stay.body.id}`, { token: guest.token })).body.status).toBe(
        'completed',
      )
      expect(
        (await t().post(`/api/v1/bookings/${stay.body.id}/cancel`, undefined, { token: guest.token })).status,
      ).toBe(409)
    })
  })

  describe('no double booking', () => {
    it('lets exactly one of 50 parallel overlapping requests through', async () => {
      const { place } = await host(t(), { instant_book: true })
      const guests = await Promise.all(Array.from({ length: 5 }, () => t().user()))
      const attempts = Array.from({ length: 50 }, (_, i) => {
        const start = 100 + (i % 3)
        return t().post(
          '/api/v1/bookings',
          { place_id: place.id, check_in: day(start), check_out: day(start + 3), guests: 1 },
          { token: guests[i % guests.length]!.token },
        )
      })
      const results = await Promise.all(attempts)
      const statuses = results.map((r) => r.status).sort()
      expect(statuses.filter((s) => s === 201)).toHaveLength(1)
      expect(statuses.filter((s) => s === 409)).toHaveLength(49)
      for (const refused of results.filter((r) => r.status === 409))
        expect(refused.body.code).toBe('dates_unavailable')
      const calendar = await t().get(`/api/v1/places/${place.id}/calendar?from=${day(100)}&to=${day(105)}`)
      expect(calendar.body.filter((n: { status: string }) => n.status === 'booked')).toHaveLength(3)
    })

    it('never both blocks and books the same nights when a host and guests race', async () => {
      const { owner, place } = await host(t(), { instant_book: true })
      const guests = await Promise.all(Array.from({ length: 4 }, () => t().user()))
      const block = t().post(
        `/api/v1/places/${place.id}/calendar/block`,
        { from: day(200), to: day(205) },
        { token: owner.token },
      )
      const books = guests.map((g, i) =>
        t().post(
          '/api/v1/bookings',
          { place_id: place.id, check_in: day(201 + (i % 2)), check_out: day(203 + (i % 2)), guests: 1 },
          { token: g.token },
        ),
      )
      const [blocked, ...booked] = await Promise.all([block, ...books])
      const created = booked.filter((r) => r.status === 201)
      if (blocked!.status === 200) {
        expect(created).toHaveLength(0)
      } else {
        expect(blocked!.status).toBe(409)
        expect(created).toHaveLength(1)
      }
      const calendar = await t().get(`/api/v1/places/${place.id}/calendar?from=${day(200)}&to=${day(205)}`, {
        token: owner.token,
      })
      const blockedNights = calendar.body.filter((n: { status: string }) => n.status === 'blocked')
      expect(blockedNights).toHaveLength(blocked!.status === 200 ? 5 : 0)
    })
  })

  describe('calendar', () => {
    it('blocks and unblocks nights for the host only', async () => {
      const { owner, place } = await host(t())
      const stranger = await t().user()
      const range = { from: day(30), to: day(33) }
      expect(
        (await t().post(`/api/v1/places/${place.id}/calendar/block`, range, { token: stranger.token }))
          .status,
      ).toBe(403)
      const blocked = await t().post(`/api/v1/places/${place.id}/calendar/block`, range, {
        token: owner.token,
      })
      expect(blocked.body).toEqual({ blocked: 3 })
      expect(
        (await t().post(`/api/v1/places/${place.id}/calendar/block`, range, { token: owner.token })).body,
      ).toEqual({ blocked: 0 })
      const guest = await t().user()
      const refused = await t().post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(32), check_out: day(34), guests: 1 },
        { token: guest.token },
      )
      expect(refused.status).toBe(409)
      const unblocked = await t().post(
        `/api/v1/places/${place.id}/calendar/unblock`,
        { from: day(31), to: day(33) },
        { token: owner.token },
      )
      expect(unblocked.body).toEqual({ unblocked: 2 })
      const calendar = await t().get(`/api/v1/places/${place.id}/calendar?from=${day(30)}&to=${day(33)}`)
      expect(calendar.body.map((n: { status: string }) => n.status)).toEqual([
        'blocked',
        'available',
        'available',
      ])
    })

    it('refuses to block booked nights, naming them', async () => {
      const { owner, place } = await host(t(), { instant_book: true })
      const guest = await t().user()
      await t().post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(40), check_out: day(42), guests: 1 },
        { token: guest.token },
      )
      const blocked = await t().post(
        `/api/v1/places/${place.id}/calendar/block`,
        { from: day(39), to: day(41) },
        { token: owner.token },
      )
      expect(blocked.status).toBe(409)
      expect(blocked.body.error).toContain(day(40))
    })

    it('validates ranges', async () => {
      const { place } = await host(t())
      expect((await t().get(`/api/v1/places/${place.id}/calendar?from=${day(5)}&to=${day(5)}`)).status).toBe(
        400,
      )
      expect(
        (await t().get(`/api/v1/places/${place.id}/calendar?from=${day(5)}&to=${day(900)}`)).status,
      ).toBe(400)
      expect((await t().get(`/api/v1/places/${place.id}/calendar?from=nope&to=${day(9)}`)).status).toBe(400)
      expect((await t().get(`/api/v1/places/unknown/calendar?from=${day(5)}&to=${day(9)}`)).status).toBe(404)
    })
  })
})
