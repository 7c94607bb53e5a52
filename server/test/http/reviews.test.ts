import { expect, it } from 'vitest'
import {
  expectError,
  expectNoPassword,
  expectOk,
  expectTimestamps,
  MALFORMED_IDS,
  UNKNOWN_ID,
  UUID,
} from '../helpers/contract.js'
import { describeEachDriver } from '../helpers/test-app.js'

describeEachDriver('reviews', (t) => {
  /** A place owned by a fresh host, and a fresh guest who may review it. */
  const scene = async () => {
    const host = await t().user()
    const guest = await t().user()
    const place = await t().place(host.token)
    return { host, guest, place }
  }

  const review = async (token: string, body: Record<string, unknown>) => {
    const response = await t().post('/api/v1/reviews/', body, { token })
    expectOk(response, 201)
    return response.body as { id: string; text: string; rating: number; user_id: string; place_id: string }
  }

  it('POST /reviews/ needs a token (401)', async () => {
    const { place } = await scene()
    expectError(await t().post('/api/v1/reviews/', { text: 'Nice', rating: 4, place_id: place.id }), 401)
    expect((await t().get(`/api/v1/places/${place.id}/reviews`)).body).toEqual([])
  })

  it('POST /reviews/ answers 201 {id, text, rating, user_id, place_id}', async () => {
    const { guest, place } = await scene()
    const response = await t().post(
      '/api/v1/reviews/',
      { text: '  Wonderful view  ', rating: 4, place_id: place.id },
      { token: guest.token },
    )
    expectOk(response, 201)
    expectNoPassword(response, guest.password)
    expect(response.body).toMatchObject({
      id: expect.stringMatching(UUID),
      text: 'Wonderful view',
      rating: 4,
      user_id: guest.id,
      place_id: place.id,
    })
    expectTimestamps(response.body)
  })

  it('POST /reviews/ ignores a user_id in the body: the author is always the caller', async () => {
    const { host, guest, place } = await scene()
    const victim = await t().user()
    const created = await review(guest.token, {
      text: 'Mine',
      rating: 3,
      place_id: place.id,
      user_id: victim.id,
    })
    expect(created.user_id).toBe(guest.id)
    expect((await t().get(`/api/v1/reviews/${created.id}`)).body.user_id).toBe(guest.id)
    const second = await t().place(host.token)
    const asHost = await t().post(
      '/api/v1/reviews/',
      { text: 'Pretending', rating: 5, place_id: second.id, user_id: victim.id },
      { token: host.token },
    )
    expectError(asHost, 400, 'You cannot review your own place')
  })

  it('POST /reviews/ refuses a review of your own place (400 "You cannot review your own place")', async () => {
    const { host, place } = await scene()
    const response = await t().post(
      '/api/v1/reviews/',
      { text: 'Best place ever', rating: 5, place_id: place.id },
      { token: host.token },
    )
    expectError(response, 400, 'You cannot review your own place')
    expect((await t().get(`/api/v1/places/${place.id}/reviews`)).body).toEqual([])
  })

  it('POST /reviews/ refuses a second review of the same place (400 "You have already reviewed this place")', async () => {
    const { guest, place } = await scene()
    await review(guest.token, { text: 'First', rating: 4, place_id: place.id })
    const again = await t().post(
      '/api/v1/reviews/',
      { text: 'Second', rating: 1, place_id: place.id },
      { token: guest.token },
    )
    expectError(again, 400, 'You have already reviewed this place')
    const list = await t().get(`/api/v1/places/${place.id}/reviews`)
    expect(list.body.map((r: { text: string }) => r.text)).toEqual(['First'])
  })

  it('POST /reviews/ answers 404 "Place not found" for an unknown or malformed place_id', async () => {
    const { guest } = await scene()
    for (const place_id of [UNKNOWN_ID, 'not-a-uuid']) {
      const response = await t().post(
        '/api/v1/reviews/',
        { text: 'Hm', rating: 2, place_id },
        { token: guest.token },
      )
      expectError(response, 404, 'Place not found')
    }
  })

  it('POST /reviews/ requires a non-empty text', async () => {
    const { guest, place } = await scene()
    for (const body of [
      { rating: 3, place_id: place.id },
      { text: '', rating: 3, place_id: place.id },
      { text: '   ', rating: 3, place_id: place.id },
    ]) {
      expectError(await t().post('/api/v1/reviews/', body, { token: guest.token }), 400)
    }
    expect((await t().get(`/api/v1/places/${place.id}/reviews`)).body).toEqual([])
  })

  it('POST /reviews/ requires an integer rating from 1 to 5', async () => {
    const { guest, place } = await scene()
    for (const rating of [undefined, 0, 6, -1, 4.5, 'great', null]) {
      const response = await t().post(
        '/api/v1/reviews/',
        { text: 'Rated', rating, place_id: place.id },
        { token: guest.token },
      )
      expectError(response, 400)
    }
    expect((await t().get(`/api/v1/places/${place.id}/reviews`)).body).toEqual([])
    const other = await t().user()
    expect((await review(guest.token, { text: 'Low', rating: 1, place_id: place.id })).rating).toBe(1)
    expect((await review(other.token, { text: 'High', rating: 5, place_id: place.id })).rating).toBe(5)
  })

  it('POST /reviews/ requires a place_id', async () => {
    const { guest } = await scene()
    expectError(
      await t().post('/api/v1/reviews/', { text: 'Where?', rating: 3 }, { token: guest.token }),
      400,
    )
  })

  it('GET /reviews/ is public and lists {id, text, rating, user_id, place_id}', async () => {
    const { guest, place } = await scene()
    const created = await review(guest.token, { text: 'Listed', rating: 2, place_id: place.id })
    for (const url of ['/api/v1/reviews/', '/api/v1/reviews']) {
      const response = await t().get(url)
      expectOk(response)
      expect(Array.isArray(response.body)).toBe(true)
      expect(response.body).toContainEqual(
        expect.objectContaining({
          id: created.id,
          text: 'Listed',
          rating: 2,
          user_id: guest.id,
          place_id: place.id,
        }),
      )
    }
  })

  it('GET /reviews/<id> answers the review', async () => {
    const { guest, place } = await scene()
    const created = await review(guest.token, { text: 'Fetched', rating: 5, place_id: place.id })
    const response = await t().get(`/api/v1/reviews/${created.id}`)
    expectOk(response)
    expect(response.body).toMatchObject({
      id: created.id,
      text: 'Fetched',
      rating: 5,
      user_id: guest.id,
      place_id: place.id,
    })
    expectTimestamps(response.body)
  })

  it('GET /reviews/<id> answers 404 "Review not found" for unknown and malformed ids', async () => {
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      expectError(await t().get(`/api/v1/reviews/${id}`), 404, 'Review not found')
    }
  })

  it('PUT /reviews/<id> by the author answers the updated review plus "Review updated successfully"', async () => {
    const { guest, place } = await scene()
    const created = await review(guest.token, { text: 'Before', rating: 2, place_id: place.id })
    const url = `/api/v1/reviews/${created.id}`
    const response = await t().put(url, { text: 'After', rating: 4 }, { token: guest.token })
    expectOk(response)
    expect(response.body).toMatchObject({
      message: 'Review updated successfully',
      id: created.id,
      text: 'After',
      rating: 4,
      user_id: guest.id,
      place_id: place.id,
    })
    expect((await t().get(url)).body).toMatchObject({ text: 'After', rating: 4 })
    const onlyRating = await t().put(url, { rating: 1 }, { token: guest.token })
    expectOk(onlyRating)
    expect(onlyRating.body).toMatchObject({ text: 'After', rating: 1 })
  })

  it('PUT /reviews/<id> needs a token (401), the author or an admin (403 "Unauthorized action")', async () => {
    const { host, guest, place } = await scene()
    const created = await review(guest.token, { text: 'Honest', rating: 3, place_id: place.id })
    const url = `/api/v1/reviews/${created.id}`
    expectError(await t().put(url, { text: 'Edited' }), 401)
    expectError(
      await t().put(url, { text: 'Edited by host' }, { token: host.token }),
      403,
      'Unauthorized action',
    )
    expect((await t().get(url)).body.text).toBe('Honest')
    const byAdmin = await t().put(url, { text: 'Moderated' }, { token: await t().adminToken() })
    expectOk(byAdmin)
    expect(byAdmin.body).toMatchObject({ text: 'Moderated', user_id: guest.id })
  })

  it('PUT /reviews/<id> validates text and rating (400)', async () => {
    const { guest, place } = await scene()
    const created = await review(guest.token, { text: 'Valid', rating: 3, place_id: place.id })
    const url = `/api/v1/reviews/${created.id}`
    for (const body of [
      { text: '' },
      { text: '  ' },
      { rating: 0 },
      { rating: 7 },
      { rating: 2.5 },
      { rating: 'x' },
    ]) {
      expectError(await t().put(url, body, { token: guest.token }), 400)
    }
    expect((await t().get(url)).body).toMatchObject({ text: 'Valid', rating: 3 })
  })

  it('PUT /reviews/<id> answers 404 "Review not found" for unknown and malformed ids', async () => {
    const admin = await t().adminToken()
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      expectError(
        await t().put(`/api/v1/reviews/${id}`, { text: 'x' }, { token: admin }),
        404,
        'Review not found',
      )
    }
  })

  it('DELETE /reviews/<id> needs a token (401), the author or an admin (403)', async () => {
    const { host, guest, place } = await scene()
    const created = await review(guest.token, { text: 'Keep me', rating: 4, place_id: place.id })
    const url = `/api/v1/reviews/${created.id}`
    expectError(await t().delete(url), 401)
    expectError(await t().delete(url, { token: host.token }), 403, 'Unauthorized action')
    expectOk(await t().get(url))
  })

  it('DELETE /reviews/<id> by the author answers "Review deleted successfully"; the author may review again', async () => {
    const { guest, place } = await scene()
    const created = await review(guest.token, { text: 'Remove me', rating: 1, place_id: place.id })
    const url = `/api/v1/reviews/${created.id}`
    const response = await t().delete(url, { token: guest.token })
    expectOk(response)
    expect(response.body).toEqual({ message: 'Review deleted successfully' })
    expectError(await t().get(url), 404, 'Review not found')
    expect((await t().get(`/api/v1/places/${place.id}`)).body.reviews).toEqual([])
    await review(guest.token, { text: 'Second thoughts', rating: 4, place_id: place.id })
  })

  it('DELETE /reviews/<id> by an admin deletes any review', async () => {
    const { guest, place } = await scene()
    const created = await review(guest.token, { text: 'Spam', rating: 1, place_id: place.id })
    const response = await t().delete(`/api/v1/reviews/${created.id}`, { token: await t().adminToken() })
    expectOk(response)
    expect(response.body.message).toBe('Review deleted successfully')
    expectError(await t().get(`/api/v1/reviews/${created.id}`), 404, 'Review not found')
  })

  it('DELETE /reviews/<id> answers 404 "Review not found" for unknown and malformed ids', async () => {
    const admin = await t().adminToken()
    for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
      expectError(await t().delete(`/api/v1/reviews/${id}`, { token: admin }), 404, 'Review not found')
    }
  })

  it('the Part 4 client flow works: login, list places, read details, post {text, rating, place_id}', async () => {
    const host = await t().user({ first_name: 'Hana', last_name: 'Host' })
    const guest = await t().user()
    const place = await t().place(host.token, { title: 'Client flow', price: 120 })
    const login = await t().post('/api/v1/auth/login', { email: guest.email, password: guest.password })
    expectOk(login)
    const token = login.body.access_token as string
    const list = await t().get('/api/v1/places')
    const listed = list.body.find((p: { id: string }) => p.id === place.id)
    expect(listed).toMatchObject({ title: 'Client flow', price: 120 })
    const posted = await t().post(
      '/api/v1/reviews/',
      { text: 'Great host', rating: 5, place_id: place.id },
      { token },
    )
    expectOk(posted, 201)
    const detail = await t().get(`/api/v1/places/${place.id}`)
    expect(detail.body.owner).toMatchObject({ first_name: 'Hana', last_name: 'Host' })
    expect(detail.body.reviews).toEqual([
      expect.objectContaining({ text: 'Great host', rating: 5, user_id: guest.id }),
    ])
  })
})
