import { expect, it } from 'vitest'
import { addDays, localDate } from '../../src/dates.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'

const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)
const DAY = 86_400_000
const ratings = { cleanliness: 5, accuracy: 4, communication: 5, location: 3, check_in: 5, value: 4 }

/** A confirmed one-night stay starting tomorrow, completed by running the due transitions three days ahead. */
async function completedStay(t: TestApp) {
  const host = await t.user()
  const guest = await t.user()
  const place = await t.place(host.token, { instant_book: true })
  const booking = await t.post(
    '/api/v1/bookings',
    { place_id: place.id, check_in: day(1), check_out: day(2), guests: 1 },
    { token: guest.token },
  )
  expect(booking.status).toBe(201)
  await t.servicesAt(Date.now() + 3 * DAY).bookings.runDueTransitions()
  return { host, guest, place, bookingId: booking.body.id as string }
}

describeEachDriver('stay reviews', (t) => {
  it('hides each side until both reviewed, then shows a verified review and updates the rating', async () => {
    const { host, guest, place, bookingId } = await completedStay(t())
    const first = await t().post(
      `/api/v1/bookings/${bookingId}/review`,
      { text: 'Lovely', rating: 4, ratings },
      { token: guest.token },
    )
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ about: 'place', visible: false })
    expect((await t().get(`/api/v1/places/${place.id}/reviews`)).body).toEqual([])
    expect((await t().get(`/api/v1/reviews/${first.body.id}`)).status).toBe(404)
    expect((await t().get(`/api/v1/reviews/${first.body.id}`, { token: guest.token })).status).toBe(200)
    expect((await t().get(`/api/v1/places/${place.id}`)).body.rating_count).toBe(0)

    const seen = await t().get(`/api/v1/bookings/${bookingId}`, { token: guest.token })
    expect(seen.body.reviewed).toEqual({ by_guest: true, by_host: false })
    const second = await t().post(
      `/api/v1/bookings/${bookingId}/review`,
      { text: 'A tidy guest', rating: 5 },
      { token: host.token },
    )
    expect(second.body).toMatchObject({ about: 'guest', visible: true })
    const reviews = (await t().get(`/api/v1/places/${place.id}/reviews`)).body
    expect(reviews).toHaveLength(1)
    expect(reviews[0]).toMatchObject({
      text: 'Lovely',
      rating: 4,
      verified: true,
      booking_id: bookingId,
      ratings,
      user: { id: guest.id },
    })
    expect((await t().get(`/api/v1/places/${place.id}`)).body).toMatchObject({
      rating_avg: 4,
      rating_count: 1,
    })
    const aboutGuest = await t().get(`/api/v1/users/${guest.id}/reviews`)
    expect(aboutGuest.body).toMatchObject([{ text: 'A tidy guest', rating: 5, author: { id: host.id } }])
  })

  it('reveals a lone review when the window closes', async () => {
    const { guest, place, bookingId } = await completedStay(t())
    await t().post(
      `/api/v1/bookings/${bookingId}/review`,
      { text: 'Quiet street', rating: 2, ratings },
      { token: guest.token },
    )
    await t()
      .servicesAt(Date.now() + 20 * DAY)
      .stayReviews.revealDue()
    expect(
      (await t().get(`/api/v1/places/${place.id}/reviews`)).body.map((r: { text: string }) => r.text),
    ).toEqual(['Quiet street'])
    expect((await t().get(`/api/v1/places/${place.id}`)).body).toMatchObject({
      rating_avg: 2,
      rating_count: 1,
    })
  })

  it('refuses reviews before completion, twice, by strangers, without ratings, and after the window', async () => {
    const host = await t().user()
    const guest = await t().user()
    const place = await t().place(host.token, { instant_book: true })
    const booking = await t().post(
      '/api/v1/bookings',
      { place_id: place.id, check_in: day(3), check_out: day(4), guests: 1 },
      { token: guest.token },
    )
    const early = await t().post(
      `/api/v1/bookings/${booking.body.id}/review`,
      { text: 'x', rating: 5, ratings },
      { token: guest.token },
    )
    expect(early.status).toBe(409)
    expect(early.body.code).toBe('stay_not_completed')

    const stay = await completedStay(t())
    const stranger = await t().user()
    expect(
      (
        await t().post(
          `/api/v1/bookings/${stay.bookingId}/review`,
          { text: 'x', rating: 5, ratings },
          { token: stranger.token },
        )
      ).status,
    ).toBe(404)
    const noRatings = await t().post(
      `/api/v1/bookings/${stay.bookingId}/review`,
      { text: 'x', rating: 5 },
      { token: stay.guest.token },
    )
    expect(noRatings.status).toBe(400)
    expect(
      (
        await t().post(
          `/api/v1/bookings/${stay.bookingId}/review`,
          { text: 'ok', rating: 5, ratings },
          { token: stay.guest.token },
        )
      ).status,
    ).toBe(201)
    const twice = await t().post(
      `/api/v1/bookings/${stay.bookingId}/review`,
      { text: 'again', rating: 1, ratings },
      { token: stay.guest.token },
    )
    expect(twice.status).toBe(409)

    const late = await completedStay(t())
    const tooLate = t()
      .servicesAt(Date.now() + 20 * DAY)
      .stayReviews.review(late.bookingId, { text: 'late', rating: 3 }, { id: late.host.id, isAdmin: false })
    await expect(tooLate).rejects.toMatchObject({ status: 409, code: 'review_window_closed' })
  })

  it('keeps the rating of open HBnB reviews up to date on every write', async () => {
    const host = await t().user()
    const place = await t().place(host.token)
    const [a, b] = [await t().user(), await t().user()]
    const first = await t().post(
      '/api/v1/reviews/',
      { text: 'Good', rating: 4, place_id: place.id },
      { token: a.token },
    )
    await t().post('/api/v1/reviews/', { text: 'Great', rating: 5, place_id: place.id }, { token: b.token })
    expect((await t().get(`/api/v1/places/${place.id}`)).body).toMatchObject({
      rating_avg: 4.5,
      rating_count: 2,
    })
    await t().put(`/api/v1/reviews/${first.body.id}`, { rating: 1 }, { token: a.token })
    expect((await t().get(`/api/v1/places/${place.id}`)).body.rating_avg).toBe(3)
    await t().delete(`/api/v1/reviews/${first.body.id}`, { token: a.token })
    expect((await t().get(`/api/v1/places/${place.id}`)).body).toMatchObject({
      rating_avg: 5,
      rating_count: 1,
    })
    const open = (await t().get(`/api/v1/places/${place.id}/reviews`)).body[0]
    expect(open).toMatchObject({ verified: false, booking_id: null, ratings: null })
  })
})
