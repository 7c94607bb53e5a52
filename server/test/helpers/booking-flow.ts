// A guest's booking made through the HTTP API of a running `hbnb serve`, for tests of what it sets off.
import { expect } from 'vitest'

/**
 * Through the API at `url`: signs up a host and a guest (named after `who`), lists an instant-book
 * place and books it, the booking request sent with `headers` (a `traceparent`, say).
 */
export async function bookInstantStay(url: string, headers: Record<string, string> = {}, who = 'a') {
  const call = async (path: string, body: unknown, token?: string, extra: Record<string, string> = {}) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...extra,
      },
      body: JSON.stringify(body),
    })
    const json = (await response.json()) as Record<string, string>
    expect(response.status, JSON.stringify(json)).toBeLessThan(300)
    return json
  }
  const person = (name: string) =>
    call('/api/v1/auth/register', {
      email: `${name}-${who}@example.com`,
      password: 'a long Passphrase 42',
      first_name: name,
      last_name: 'T',
    })
  const host = await person('host')
  const guest = await person('guest')
  const place = await call(
    '/api/v1/places/',
    { title: 'Traced loft', price: 90, latitude: 48.85, longitude: 2.35, instant_book: true },
    host.access_token,
  )
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
  await call(
    '/api/v1/bookings',
    { place_id: place.id, check_in: day(30), check_out: day(32), guests: 1 },
    guest.access_token,
    headers,
  )
}
