// Integrity under races and deletions (issue 11): refunds decided from the status they apply to,
// places that cannot be deleted from under their guests, and one visibility rule for a place's children.
import { describe, expect, it } from 'vitest'
import { addDays, localDate } from '../../src/dates.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'

const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)
const MISSING_ID = '00000000-0000-4000-8000-000000000000'

/** Parallel places of the race; each runs its rounds one after the other. */
const RACE_PLACES = 20
const ROUNDS_PER_PLACE = 10

/** Every id of the public review list, page after page. */
async function allReviewIds(t: TestApp): Promise<string[]> {
  const ids: string[] = []
  for (let cursor = ''; ; ) {
    const page = await t.get(`/api/v1/reviews/?limit=50${cursor ? `&cursor=${cursor}` : ''}`)
    ids.push(...page.body.map((r: { id: string }) => r.id))
    if (page.body.length < 50) return ids
    cursor = ids[ids.length - 1]!
  }
}

interface Booking {
  id: string
  status: string
  total_minor: number
  cleaning_fee_minor: number
  refund_minor: number | null
  confirmed_at: string | null
  cancelled_at: string | null
  cancelled_by: string | null
}

describeEachDriver('integrity', (t) => {
  describe('a guest cancel racing the host accept', () => {
    it(`refunds what the policy gives for the status the cancel applied to, in ${RACE_PLACES * ROUNDS_PER_PLACE} rounds`, async () => {
      const guest = await t().user()
      const hosts = await Promise.all(Array.from({ length: 4 }, () => t().user()))
      // Strict, check-in in 3 days: a confirmed stay gets back only its cleaning fee; a pending request everything.
      const places = await Promise.all(
        Array.from({ length: RACE_PLACES }, (_, i) =>
          t().place(hosts[i % hosts.length]!.token, {
            price: 80,
            cleaning_fee: 25,
            cancellation_policy: 'strict',
            instant_book: false,
          }),
        ),
      )
      const outcomes = { cancelledPending: 0, cancelledConfirmed: 0, cancelRefused: 0 }

      const round = async (placeId: string, hostToken: string) => {
        const created = await t().post<Booking>(
          '/api/v1/bookings',
          { place_id: placeId, check_in: day(3), check_out: day(5), guests: 1 },
          { token: guest.token },
        )
        expect(created.status).toBe(201)
        expect(created.body.status).toBe('pending')
        const { id, total_minor, cleaning_fee_minor } = created.body
        const [cancel, accept] = await Promise.all([
          t().post<Booking>(`/api/v1/bookings/${id}/cancel`, undefined, { token: guest.token }),
          t().post<Booking>(`/api/v1/bookings/${id}/accept`, undefined, { token: hostToken }),
        ])
        expect([200, 409]).toContain(cancel.status)
        expect([200, 409]).toContain(accept.status)
        if (cancel.status === 409) {
          // The accept won between the cancel's read and its update: nothing was cancelled or refunded.
          expect(accept.status).toBe(200)
          expect((cancel.body as { code?: string }).code).toBe('booking_changed')
          const now = await t().get<Booking>(`/api/v1/bookings/${id}`, { token: guest.token })
          expect(now.body).toMatchObject({ status: 'confirmed', refund_minor: null, cancelled_at: null })
          outcomes.cancelRefused++
          const again = await t().post<Booking>(`/api/v1/bookings/${id}/cancel`, undefined, {
            token: guest.token,
          })
          expect(again.status).toBe(200)
        } else {
          outcomes[cancel.body.confirmed_at === null ? 'cancelledPending' : 'cancelledConfirmed']++
        }
        const final = (await t().get<Booking>(`/api/v1/bookings/${id}`, { token: guest.token })).body
        expect(final).toMatchObject({ status: 'cancelled', cancelled_by: 'guest' })
        if (final.confirmed_at === null) {
          // Cancelled while pending: the accept lost, and everything comes back.
          expect(accept.status).toBe(409)
          expect(final.refund_minor).toBe(total_minor)
        } else {
          // Cancelled once confirmed: strict, under 7 days before check-in, only the cleaning fee.
          expect(accept.status).toBe(200)
          expect(final.refund_minor).toBe(cleaning_fee_minor)
        }
        if (cancel.status === 200) expect(cancel.body.refund_minor).toBe(final.refund_minor)
      }

      await Promise.all(
        places.map(async (place, i) => {
          for (let r = 0; r < ROUNDS_PER_PLACE; r++) await round(place.id, hosts[i % hosts.length]!.token)
        }),
      )
      const total = outcomes.cancelledPending + outcomes.cancelledConfirmed + outcomes.cancelRefused
      expect(total).toBe(RACE_PLACES * ROUNDS_PER_PLACE)
    }, 300_000)

    it('prices a cancellation of a confirmed strict stay the same whether serial or raced', async () => {
      const owner = await t().user()
      const guest = await t().user()
      const place = await t().place(owner.token, {
        price: 80,
        cleaning_fee: 25,
        cancellation_policy: 'strict',
      })
      const created = await t().post<Booking>(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(4), check_out: day(6), guests: 1 },
        { token: guest.token },
      )
      const preview = await t().get(`/api/v1/bookings/${created.body.id}/cancellation`, {
        token: guest.token,
      })
      expect(preview.body).toMatchObject({ percent: 100, refund_minor: created.body.total_minor })
      await t().post(`/api/v1/bookings/${created.body.id}/accept`, undefined, { token: owner.token })
      const after = await t().get(`/api/v1/bookings/${created.body.id}/cancellation`, { token: guest.token })
      expect(after.body).toMatchObject({ percent: 0, refund_minor: created.body.cleaning_fee_minor })
      const cancelled = await t().post<Booking>(`/api/v1/bookings/${created.body.id}/cancel`, undefined, {
        token: guest.token,
      })
      expect(cancelled.body.refund_minor).toBe(created.body.cleaning_fee_minor)
    })
  })

  describe('a request that expires as its nights are booked again', () => {
    it('is refunded in full and notified, like any expired request', async () => {
      const owner = await t().user()
      const [first, second] = [await t().user(), await t().user()]
      const place = await t().place(owner.token, { cancellation_policy: 'strict', cleaning_fee: 10 })
      const stay = { place_id: place.id, check_in: day(5), check_out: day(7), guests: 1 }
      const stale = await t().post<Booking>('/api/v1/bookings', stay, { token: first.token })
      expect(stale.body.status).toBe('pending')
      // A day and more later, before any expiry run, another guest books the same nights.
      const later = t().servicesAt(Date.now() + 25 * 3_600_000).bookings
      const { booking } = await later.create({ id: second.id, isAdmin: false }, stay)
      expect(booking.status).toBe('pending')
      const expired = await t().get<Booking>(`/api/v1/bookings/${stale.body.id}`, { token: first.token })
      expect(expired.body).toMatchObject({ status: 'expired', refund_minor: stale.body.total_minor })
      const notice = await t()
        .app.database.write.selectFrom('outbox')
        .select('payload')
        .where('dedupe_key', '=', `booking:${stale.body.id}:expired`)
        .executeTakeFirst()
      expect(JSON.parse(notice!.payload)).toMatchObject({ event: 'expired', booking_id: stale.body.id })
    })
  })

  describe('deleting a place', () => {
    async function bookedPlace(t: TestApp, instant: boolean) {
      const owner = await t.user()
      const guest = await t.user()
      const place = await t.place(owner.token, { title: 'Cliff house', instant_book: instant, city: 'Nice' })
      const booking = await t.post<Booking>(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(20), check_out: day(23), guests: 1 },
        { token: guest.token },
      )
      expect(booking.status).toBe(201)
      return { owner, guest, place, booking: booking.body }
    }

    it('is refused while a confirmed or pending booking is ahead, even once unlisted', async () => {
      for (const instant of [true, false]) {
        const { owner, guest, place, booking } = await bookedPlace(t(), instant)
        for (const token of [owner.token, await t().adminToken()]) {
          const refused = await t().delete(`/api/v1/places/${place.id}`, { token })
          expect(refused.status).toBe(409)
          expect(refused.body).toMatchObject({ code: 'place_has_bookings' })
          expect(refused.body.error).toMatch(/unlist it instead \(set its status to draft\)/)
          expect(refused.body.error).toMatch(/cancel those bookings/)
        }
        expect((await t().get(`/api/v1/places/${place.id}`)).status).toBe(200)
        const kept = await t().get<Booking>(`/api/v1/bookings/${booking.id}`, { token: guest.token })
        expect(kept.status).toBe(200)
        expect(kept.body.status).toBe(instant ? 'confirmed' : 'pending')

        expect(
          (await t().put(`/api/v1/places/${place.id}`, { status: 'draft' }, { token: owner.token })).status,
        ).toBe(200)
        expect((await t().delete(`/api/v1/places/${place.id}`, { token: owner.token })).status).toBe(409)
        expect(
          (await t().get<Booking>(`/api/v1/bookings/${booking.id}`, { token: guest.token })).status,
        ).toBe(200)
      }
    })

    it("keeps past and cancelled bookings, their refunds and the guests' trips, and hides the place everywhere", async () => {
      const { owner, guest, place, booking } = await bookedPlace(t(), true)
      const wishlist = await t().post('/api/v1/wishlists', { name: 'Later' }, { token: guest.token })
      await t().put(`/api/v1/wishlists/${wishlist.body.id}/places/${place.id}`, undefined, {
        token: guest.token,
      })
      const declinedGuest = await t().user()
      await t().put(`/api/v1/places/${place.id}`, { instant_book: false }, { token: owner.token })
      const request = await t().post<Booking>(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(40), check_out: day(41), guests: 1 },
        { token: declinedGuest.token },
      )
      await t().post(`/api/v1/bookings/${request.body.id}/decline`, undefined, { token: owner.token })
      const cancelled = await t().post<Booking>(`/api/v1/bookings/${booking.id}/cancel`, undefined, {
        token: owner.token,
      })
      expect(cancelled.body).toMatchObject({ status: 'cancelled', refund_minor: booking.total_minor })
      const statsBefore = (await t().get('/api/v1/stats')).body

      const deleted = await t().delete(`/api/v1/places/${place.id}`, { token: owner.token })
      expect(deleted.status).toBe(200)
      expect(deleted.body).toEqual({ message: 'Place deleted successfully' })

      // The guests' records stay, with the place's title.
      const trip = await t().get(`/api/v1/bookings/${booking.id}`, { token: guest.token })
      expect(trip.status).toBe(200)
      expect(trip.body).toMatchObject({
        status: 'cancelled',
        cancelled_by: 'host',
        refund_minor: booking.total_minor,
        place: { id: place.id, title: 'Cliff house', city: 'Nice' },
      })
      const trips = await t().get('/api/v1/bookings?role=guest', { token: guest.token })
      expect(trips.body.map((b: Booking) => b.id)).toContain(booking.id)
      const reservations = await t().get('/api/v1/bookings?role=host', { token: owner.token })
      expect(reservations.body.map((b: Booking) => b.id).sort()).toEqual([booking.id, request.body.id].sort())
      const declined = await t().get(`/api/v1/bookings/${request.body.id}`, { token: declinedGuest.token })
      expect(declined.body).toMatchObject({ status: 'declined', refund_minor: request.body.total_minor })

      // The place itself is gone for everyone, its owner and admins included.
      const admin = await t().adminToken()
      for (const token of [undefined, owner.token, admin]) {
        expect((await t().get(`/api/v1/places/${place.id}`, { token })).body).toEqual(
          expect.objectContaining({ error: 'Place not found' }),
        )
        expect((await t().get(`/api/v1/places/${place.id}/reviews`, { token })).status).toBe(404)
        expect((await t().get(`/api/v1/places/${place.id}/amenities`, { token })).status).toBe(404)
        expect(
          (await t().get(`/api/v1/places/${place.id}/calendar?from=${day(1)}&to=${day(5)}`, { token }))
            .status,
        ).toBe(404)
      }
      expect((await t().delete(`/api/v1/places/${place.id}`, { token: owner.token })).status).toBe(404)
      expect((await t().put(`/api/v1/places/${place.id}`, { title: 'Back' }, { token: admin })).status).toBe(
        404,
      )
      const mine = await t().get('/api/v1/places/?owner_id=me', { token: owner.token })
      expect(mine.body.map((p: { id: string }) => p.id)).not.toContain(place.id)
      const drafts = await t().get(`/api/v1/places/?owner_id=${owner.id}&status=draft`, { token: admin })
      expect(drafts.status).toBe(200)
      expect(drafts.body).toEqual([])
      const again = await t().post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(60), check_out: day(61), guests: 1 },
        { token: guest.token },
      )
      expect(again.status).toBe(404)
      const list = await t().get(`/api/v1/wishlists/${wishlist.body.id}`, { token: guest.token })
      expect(list.body).toMatchObject({ place_count: 0, places: [] })
      const statsAfter = (await t().get('/api/v1/stats')).body
      expect(statsAfter.places).toBe(statsBefore.places - 1)
    })

    it('still deletes a place that never had a booking outright', async () => {
      const owner = await t().user()
      const place = await t().place(owner.token)
      expect((await t().delete(`/api/v1/places/${place.id}`, { token: owner.token })).status).toBe(200)
      expect((await t().get(`/api/v1/places/${place.id}`)).status).toBe(404)
      // Its id is free of any leftover: a second delete is a plain 404.
      expect((await t().delete(`/api/v1/places/${place.id}`, { token: owner.token })).status).toBe(404)
    })

    it('never leaves a booking on a place deleted at the same moment', async () => {
      const owner = await t().user()
      const guests = await Promise.all(Array.from({ length: 3 }, () => t().user()))
      for (let round = 0; round < 8; round++) {
        const place = await t().place(owner.token, { instant_book: true })
        const [booking, deletion] = await Promise.all([
          t().post<Booking>(
            '/api/v1/bookings',
            { place_id: place.id, check_in: day(10), check_out: day(12), guests: 1 },
            { token: guests[round % guests.length]!.token },
          ),
          t().delete(`/api/v1/places/${place.id}`, { token: owner.token }),
        ])
        if (deletion.status === 200) {
          // The delete went first: the booking found no place to book.
          expect([404, 409]).toContain(booking.status)
          expect((await t().get(`/api/v1/places/${place.id}`)).status).toBe(404)
        } else {
          // The booking went first: the delete was refused and the booking stands.
          expect(deletion.status).toBe(409)
          expect(booking.status).toBe(201)
          const kept = await t().get(`/api/v1/bookings/${booking.body.id}`, { token: owner.token })
          expect(kept.body.status).toBe('confirmed')
        }
      }
    })
  })

  describe('a place someone cannot see', () => {
    it('answers every read and write of a draft exactly like a missing place, for strangers and anonymous callers', async () => {
      const owner = await t().user()
      const stranger = await t().user()
      const amenity = (await t().get('/api/v1/amenities/')).body[0].id as string
      const draft = await t().place(owner.token, { status: 'draft' })
      const wishlist = await t().post('/api/v1/wishlists', { name: 'Saved' }, { token: stranger.token })
      const range = `from=${day(10)}&to=${day(12)}`
      const stay = `check_in=${day(10)}&check_out=${day(12)}&guests=1`
      const probes: [string, 'get' | 'post' | 'put' | 'delete', (id: string) => string, unknown?][] = [
        ['detail', 'get', (id) => `/api/v1/places/${id}`],
        ['reviews', 'get', (id) => `/api/v1/places/${id}/reviews`],
        ['reviews (alias)', 'get', (id) => `/api/v1/reviews/places/${id}/reviews`],
        ['amenities', 'get', (id) => `/api/v1/places/${id}/amenities`],
        ['calendar', 'get', (id) => `/api/v1/places/${id}/calendar?${range}`],
        ['quote', 'get', (id) => `/api/v1/places/${id}/quote?${stay}`],
      ]
      const writes: typeof probes = [
        ['update', 'put', (id) => `/api/v1/places/${id}`, { title: 'Mine now' }],
        ['delete', 'delete', (id) => `/api/v1/places/${id}`],
        ['link amenity', 'post', (id) => `/api/v1/places/${id}/amenities/${amenity}`],
        ['unlink amenity', 'delete', (id) => `/api/v1/places/${id}/amenities/${amenity}`],
        ['block', 'post', (id) => `/api/v1/places/${id}/calendar/block`, { from: day(10), to: day(11) }],
        ['unblock', 'post', (id) => `/api/v1/places/${id}/calendar/unblock`, { from: day(10), to: day(11) }],
        [
          'prices',
          'put',
          (id) => `/api/v1/places/${id}/calendar/prices`,
          { from: day(10), to: day(11), price: 5 },
        ],
        ['ical settings', 'get', (id) => `/api/v1/places/${id}/ical`],
        ['ical rotate', 'post', (id) => `/api/v1/places/${id}/ical/rotate`],
        ['ical feeds', 'get', (id) => `/api/v1/places/${id}/ical/feeds`],
        [
          'ical add feed',
          'post',
          (id) => `/api/v1/places/${id}/ical/feeds`,
          { url: 'https://example.com/x.ics' },
        ],
        ['wishlist', 'put', (id) => `/api/v1/wishlists/${wishlist.body.id}/places/${id}`],
        ['review', 'post', () => '/api/v1/reviews/', undefined],
        ['booking', 'post', () => '/api/v1/bookings', undefined],
      ]
      const bodyFor = (name: string, id: string, body: unknown) =>
        name === 'review'
          ? { text: 'Lovely', rating: 5, place_id: id }
          : name === 'booking'
            ? { place_id: id, check_in: day(10), check_out: day(12), guests: 1 }
            : body
      for (const [name, method, url, body] of [...probes, ...writes]) {
        const tokens = probes.some((p) => p[0] === name) ? [undefined, stranger.token] : [stranger.token]
        for (const token of tokens) {
          const send = (id: string) =>
            method === 'get' || method === 'delete'
              ? t()[method](url(id), { token })
              : t()[method](url(id), bodyFor(name, id, body), { token })
          const [hidden, missing] = [await send(draft.id), await send(MISSING_ID)]
          expect({ name, token: Boolean(token), status: hidden.status, error: hidden.body?.error }).toEqual({
            name,
            token: Boolean(token),
            status: 404,
            error: missing.body?.error,
          })
          expect(missing.status).toBe(404)
        }
      }
      expect((await t().get(`/api/v1/places/${draft.id}/reviews`)).body.error).toBe('Place not found')
      const review = await t().post(
        '/api/v1/reviews/',
        { text: 'Sneaky', rating: 1, place_id: draft.id },
        { token: stranger.token },
      )
      expect(review.body.error).toBe('Place not found')

      // Its owner and admins still see and manage it.
      for (const token of [owner.token, await t().adminToken()]) {
        expect((await t().get(`/api/v1/places/${draft.id}/reviews`, { token })).status).toBe(200)
        expect((await t().get(`/api/v1/places/${draft.id}/amenities`, { token })).status).toBe(200)
        expect((await t().get(`/api/v1/places/${draft.id}/calendar?${range}`, { token })).status).toBe(200)
      }
      expect(
        (await t().post(`/api/v1/places/${draft.id}/amenities/${amenity}`, undefined, { token: owner.token }))
          .status,
      ).toBe(201)
      // A published place still answers a stranger's write with the contract's 403.
      const published = await t().place(owner.token)
      const denied = await t().put(
        `/api/v1/places/${published.id}`,
        { title: 'x' },
        { token: stranger.token },
      )
      expect(denied.status).toBe(403)
      expect(denied.body.error).toBe('Unauthorized action')
    })

    it('hides the reviews of a place while it is unlisted, and shows them again once it is published', async () => {
      const owner = await t().user()
      const author = await t().user()
      const place = await t().place(owner.token)
      const review = await t().post(
        '/api/v1/reviews/',
        { text: 'Great view', rating: 4, place_id: place.id },
        { token: author.token },
      )
      expect(review.status).toBe(201)
      await t().put(`/api/v1/places/${place.id}`, { status: 'draft' }, { token: owner.token })
      const stranger = await t().user()
      for (const token of [undefined, stranger.token]) {
        const one = await t().get(`/api/v1/reviews/${review.body.id}`, { token })
        expect(one.status).toBe(404)
        expect(one.body.error).toBe('Review not found')
      }
      expect(await allReviewIds(t())).not.toContain(review.body.id)
      // Its author still reads and edits their own words.
      expect((await t().get(`/api/v1/reviews/${review.body.id}`, { token: author.token })).status).toBe(200)
      const edit = await t().put(`/api/v1/reviews/${review.body.id}`, { rating: 4 }, { token: author.token })
      expect(edit.status).toBe(200)
      expect((await t().get(`/api/v1/reviews/${review.body.id}`, { token: owner.token })).status).toBe(200)

      await t().put(`/api/v1/places/${place.id}`, { status: 'published' }, { token: owner.token })
      expect((await t().get(`/api/v1/reviews/${review.body.id}`)).body).toMatchObject({ rating: 4 })
      expect(await allReviewIds(t())).toContain(review.body.id)
      const listed = await t().get(`/api/v1/places/${place.id}/reviews`)
      expect(listed.body.map((r: { id: string }) => r.id)).toEqual([review.body.id])
    })

    it('still lets the guest of a completed stay review it after the host unlisted the place', async () => {
      const owner = await t().user()
      const guest = await t().user()
      const place = await t().place(owner.token, { instant_book: true })
      const stay = await t().post<Booking>(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(1), check_out: day(2), guests: 1 },
        { token: guest.token },
      )
      await t()
        .servicesAt(Date.now() + 3 * 86_400_000)
        .bookings.runDueTransitions()
      await t().put(`/api/v1/places/${place.id}`, { status: 'draft' }, { token: owner.token })
      const ratings = { cleanliness: 5, accuracy: 5, communication: 5, location: 5, check_in: 5, value: 5 }
      const review = await t().post(
        `/api/v1/bookings/${stay.body.id}/review`,
        { text: 'Lovely stay', rating: 5, ratings },
        { token: guest.token },
      )
      expect(review.status).toBe(201)
      // Not a way in for anyone else: the place and its reviews stay hidden from strangers.
      expect((await t().get(`/api/v1/places/${place.id}/reviews`, { token: guest.token })).status).toBe(404)
    })
  })
})
