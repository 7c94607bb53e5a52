// Input rules every route shares (issue 11): strict types with the documented conversions, text
// without control characters, and numeric bounds whose messages state the rule. Each case below was
// a 500, a silent coercion or a misleading message before.
import { expect, it } from 'vitest'
import { addDays } from '../../src/dates.js'
import { describeEachDriver } from '../helpers/test-app.js'

const place = { title: 'Strict', description: 'A place', price: 100, latitude: 10, longitude: 20 }

describeEachDriver('input rules', (t) => {
  it('answers a clear 400 to non-finite, exponent and hex numbers in query strings (was a 500 on MariaDB)', async () => {
    for (const value of ['1e308', 'Infinity', '-Infinity', 'NaN', '0x10', '1_000', '']) {
      const response = await t().get(`/api/v1/search?price_min=${encodeURIComponent(value)}`)
      expect(response.status, value).toBe(400)
      expect(response.body.error).toBe('Invalid input: price_min must be a number')
    }
    const huge = await t().get('/api/v1/search?price_max=99999999999999999999999999')
    expect(huge.status).toBe(400)
    expect(huge.body.error).toBe('Invalid input: price_max must be at most 20000000')
    for (const [url, message] of [
      ['/api/v1/places/?limit=-Infinity', 'limit must be an integer'],
      ['/api/v1/places/?limit=0', 'limit must be at least 1'],
      ['/api/v1/search?guests=0x10', 'guests must be an integer'],
      ['/api/v1/search?radius_km=1e9&near=1,2', 'radius_km must be a number'],
      ['/api/v1/search?instant_book=yes', 'instant_book must be true or false'],
    ]) {
      const response = await t().get(url!)
      expect(response.status, url).toBe(400)
      expect(response.body.error, url).toBe(`Invalid input: ${message}`)
    }
    const fine = await t().get(
      '/api/v1/search?price_min=0&price_max=20000000&guests=2&instant_book=false&limit=5',
    )
    expect(fine.status).toBe(200)
  })

  it('refuses null, booleans, arrays and objects for numbers in JSON bodies (they were coerced to 0 and 1)', async () => {
    const host = await t().user()
    const guest = await t().user()
    for (const [field, value, rule] of [
      ['latitude', null, 'must be a number'],
      ['price', true, 'must be a number'],
      ['price', [100], 'must be a number'],
      ['longitude', { value: 1 }, 'must be a number'],
      ['max_guests', false, 'must be an integer'],
      ['max_guests', '2.5', 'must be an integer'],
      ['title', 42, 'must be a string'],
      ['instant_book', 1, 'must be true or false'],
      ['description', 7, 'must be a string or null'],
      ['status', 'open', 'must be one of "draft", "published" or "suspended"'],
    ] as const) {
      const response = await t().post('/api/v1/places/', { ...place, [field]: value }, { token: host.token })
      expect(response.status, `${field}: ${JSON.stringify(value)}`).toBe(400)
      expect(response.body.error).toBe(`Invalid input: ${field} ${rule}`)
      expect(response.body.details).toEqual([{ field, message: rule }])
    }
    const target = await t().place(host.token)
    const rating = await t().post(
      '/api/v1/reviews/',
      { text: 'Nice', rating: true, place_id: target.id },
      { token: guest.token },
    )
    expect(rating.status).toBe(400)
    expect(rating.body.error).toBe('Invalid input: rating must be an integer')
    const reviews = await t().get(`/api/v1/places/${target.id}/reviews`)
    expect(reviews.body).toEqual([])
  })

  it('keeps accepting numbers and booleans written as decimal strings, as HTML forms send them', async () => {
    const host = await t().user()
    const guest = await t().user()
    const created = await t().post(
      '/api/v1/places/',
      {
        ...place,
        price: '120.5',
        latitude: '-33.9',
        longitude: '151',
        max_guests: '4',
        instant_book: 'true',
      },
      { token: host.token },
    )
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ price: 120.5, latitude: -33.9, longitude: 151, max_guests: 4 })
    expect(created.body.instant_book).toBe(true)
    const review = await t().post(
      '/api/v1/reviews/',
      { text: 'Good', rating: '5', place_id: created.body.id },
      { token: guest.token },
    )
    expect(review.status).toBe(201)
    expect(review.body.rating).toBe(5)
  })

  it('refuses NUL and control characters in every text field, naming it; multi-line text keeps line breaks', async () => {
    const host = await t().user()
    const guest = await t().user()
    const token = host.token
    for (const [field, value] of [
      ['title', 'Nice\u0000place'],
      ['title', 'Two\nlines'],
      ['city', 'Par\u001bis'],
      ['address', '1 rue\u0085x'],
      ['description', 'Text with NUL\u0000'],
      ['description', 'Bell\u0007'],
    ] as const) {
      const response = await t().post('/api/v1/places/', { ...place, [field]: value }, { token })
      expect(response.status, `${field}: ${JSON.stringify(value)}`).toBe(400)
      expect(response.body.error).toMatch(
        new RegExp(`^Invalid input: ${field} must not contain control characters`),
      )
    }
    const surrogate = await t().post('/api/v1/places/', { ...place, title: 'a\ud800b' }, { token })
    expect(surrogate.status).toBe(400)
    expect(surrogate.body.error).toBe(
      'Invalid input: title must be valid Unicode text (it holds an unpaired surrogate)',
    )

    const multiline = await t().post(
      '/api/v1/places/',
      { ...place, title: 'Café 🏠', description: 'Line one\r\nLine two\n\tindented' },
      { token },
    )
    expect(multiline.status).toBe(201)
    expect(multiline.body.description).toBe('Line one\r\nLine two\n\tindented')
    expect(multiline.body.title).toBe('Café 🏠')

    const nulReview = await t().post(
      '/api/v1/reviews/',
      { text: 'bad\u0000', rating: 4, place_id: multiline.body.id },
      { token: guest.token },
    )
    expect(nulReview.status).toBe(400)
    expect(nulReview.body.error).toMatch(/^Invalid input: text must not contain control characters/)
    const review = await t().post(
      '/api/v1/reviews/',
      { text: 'Great.\nWould stay again.', rating: 4, place_id: multiline.body.id },
      { token: guest.token },
    )
    expect(review.status).toBe(201)

    const name = await t().post(
      '/api/v1/users/',
      { first_name: 'A\u0000', last_name: 'B', email: 'nul@example.com', password: 'password-123' },
      { token: await t().adminToken() },
    )
    expect(name.status).toBe(400)
    expect(name.body.error).toMatch(/^Invalid input: first_name must not contain control characters/)
    const search = await t().get(`/api/v1/search?q=${encodeURIComponent('a\u0000')}`)
    expect(search.status).toBe(400)
    expect(search.body.error).toMatch(/^Invalid input: q must not contain control characters/)
  })

  it('states the real bound of prices and fees, in the currency of the listing', async () => {
    const host = await t().user()
    const token = host.token
    const cases: [Record<string, unknown>, string][] = [
      [{ price: 20_000_001 }, 'Invalid input: price must be at most 20000000'],
      [{ price: 0 }, 'Invalid input: price must be greater than 0'],
      [{ price: -5 }, 'Invalid input: price must be greater than 0'],
      [{ price: 1e308 }, 'Invalid input: price must be at most 20000000'],
      [{ price: 0.001 }, 'price must be at least 0.01 USD'],
      [{ price: 2_000_001, currency: 'KWD' }, 'price must be at most 2000000 KWD'],
      [{ cleaning_fee: 20_000_001 }, 'Invalid input: cleaning_fee must be at most 20000000'],
      [{ cleaning_fee: 0.001 }, 'cleaning_fee must be at least 0.01 USD'],
      [{ latitude: 90.5 }, 'Invalid input: latitude must be at most 90'],
      [{ longitude: -181 }, 'Invalid input: longitude must be at least -180'],
      [{ max_guests: 51 }, 'Invalid input: max_guests must be at most 50'],
    ]
    for (const [fields, message] of cases) {
      const response = await t().post('/api/v1/places/', { ...place, ...fields }, { token })
      expect(response.status, JSON.stringify(fields)).toBe(400)
      expect(response.body.error).toBe(message)
    }
    const top = await t().place(token, { price: 20_000_000 })
    expect(top.price).toBe(20_000_000)
    const calendar = await t().put(
      `/api/v1/places/${top.id}/calendar/prices`,
      { from: '2030-01-01', to: '2030-01-03', price: 20_000_000.5 },
      { token },
    )
    expect(calendar.status).toBe(400)
    expect(calendar.body.error).toBe('Invalid input: price must be at most 20000000')
    const toKwd = await t().put(`/api/v1/places/${top.id}`, { currency: 'KWD' }, { token })
    expect(toKwd.status).toBe(400)
    expect(toKwd.body.error).toBe('price must be at most 2000000 KWD')
  })

  it('refuses a booking whose total a booking cannot store (was a 500 on MariaDB)', async () => {
    const host = await t().user()
    const guest = await t().user()
    const dear = await t().place(host.token, {
      price: 20_000_000,
      max_nights: 1095,
      booking_window_days: 1095,
    })
    const today = new Date().toISOString().slice(0, 10)
    const stay = { place_id: dear.id, check_in: addDays(today, 10), check_out: addDays(today, 12), guests: 1 }
    const response = await t().post('/api/v1/bookings', stay, { token: guest.token })
    expect(response.status).toBe(400)
    expect(response.body.code).toBe('stay_too_expensive')
    expect(response.body.error).toMatch(/at most 21474836\.47 USD/)
    const bookings = await t().get('/api/v1/bookings', { token: guest.token })
    expect(bookings.body).toEqual([])
  })
})
