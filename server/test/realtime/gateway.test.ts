// The WebSocket endpoint of one API process (embedded pub/sub), on SQLite and MariaDB: who may
// connect and follow what, live availability, logins ending mid-connection, replay after a
// reconnect, and the limits that keep one client from costing the server without bound.
import { request as httpRequest } from 'node:http'
import { describe, expect, it } from 'vitest'
import { addDays, localDate } from '../../src/dates.js'
import { AccessTokens } from '../../src/modules/auth/tokens.js'
import { LiveClient, sessionOf } from '../helpers/live-client.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'

const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)
const REPLAY_SIZE = 10
const PER_ADDRESS = 30
const MAX_SUBSCRIPTIONS = 5

async function login(t: TestApp, user: { email: string; password: string }) {
  const response = await t.post('/api/v1/auth/login', { email: user.email, password: user.password })
  expect(response.status, response.text).toBe(200)
  return response.body as { access_token: string; refresh_token: string }
}

async function refused(t: TestApp, options: Parameters<typeof LiveClient.connect>[1]) {
  try {
    const client = await LiveClient.connect(t.baseUrl, options)
    client.close()
  } catch (error) {
    return error as Error & { data?: { code: string } }
  }
  throw new Error('the connection was accepted')
}

/** Publishes through the live-events seam, as services do, and waits for the client to see it. */
function publish(t: TestApp, topic: `place:${string}` | `user:${string}`, n: number) {
  t.app.live.publish({ topic, type: 'test.event', data: { n } })
}

describeEachDriver(
  'WebSocket endpoint (one process)',
  (t) => {
    describe('connecting', () => {
      it('needs a valid access token of an open login, or none (anonymous: public listings only)', async () => {
        const invalid = await refused(t(), { token: 'not-a-token' })
        expect(invalid.data?.code).toBe('invalid_token')
        const user = await t().user()
        const client = await LiveClient.connect(t().baseUrl, { token: user.token })
        expect(client.connected).toBe(true)
        client.close()

        // Anonymous: a published listing's availability, and nothing about users or conversations.
        const owner = await t().user()
        const place = await t().place(owner.token)
        const draft = await t().place(owner.token, { status: 'draft' })
        const anonymous = await LiveClient.connect(t().baseUrl, {})
        expect(await anonymous.subscribe(`place:${place.id}`)).toMatchObject({ ok: true })
        for (const topic of [`place:${draft.id}`, `user:${owner.id}`, `conversation:${place.id}`]) {
          expect((await anonymous.subscribe(topic)).error?.code).toBe('topic_forbidden')
        }
        expect((await anonymous.request('authenticate', { token: user.token })).error?.code).toBe(
          'wrong_user',
        )
        publish(t(), `place:${place.id}`, 1)
        await anonymous.until(() => anonymous.eventsOf(`place:${place.id}`).length === 1, 'the public event')
        anonymous.close()
      })

      it('answers its long-polling transport beside the API, and refuses upgrades to other paths', async () => {
        const polling = await fetch(`${t().baseUrl}/api/v1/ws/?EIO=4&transport=polling`)
        expect(polling.status).toBe(200)
        const open = await polling.text()
        expect(open).toMatch(/^0\{"sid":/)
        // Closed at once (engine.io's close packet): the session would count against this address's limit.
        const { sid } = JSON.parse(open.slice(1)) as { sid: string }
        const close = await fetch(`${t().baseUrl}/api/v1/ws/?EIO=4&transport=polling&sid=${sid}`, {
          method: 'POST',
          body: '1',
        })
        expect(close.status).toBe(200)
        expect((await fetch(`${t().baseUrl}/api/v1/places/`)).status).toBe(200)
        const upgrade = await new Promise<string>((resolve) => {
          const attempt = httpRequest(`${t().baseUrl}/api/v1/places/`, {
            headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13' },
          })
          attempt.on('upgrade', () => resolve('upgraded'))
          attempt.on('response', (response) => resolve(`answered ${response.statusCode}`))
          attempt.on('error', (error) => resolve(`refused: ${error.message}`))
          attempt.end()
        })
        expect(upgrade).toMatch(/^refused/)
      })

      it('refuses origins outside the CORS rules, and accepts the allowed ones and the site itself', async () => {
        const user = await t().user()
        const foreign = await refused(t(), { token: user.token, headers: { origin: 'https://evil.example' } })
        expect(foreign.message).toMatch(/origin_not_allowed|xhr|websocket/i)
        const host = new URL(t().baseUrl).host
        for (const origin of ['http://localhost:5173', `http://${host}`]) {
          const client = await LiveClient.connect(t().baseUrl, { token: user.token, headers: { origin } })
          client.close()
        }
      })

      it('limits the connections of one address', async () => {
        const user = await t().user()
        const open: LiveClient[] = []
        try {
          for (let i = 0; i < PER_ADDRESS; i++)
            open.push(await LiveClient.connect(t().baseUrl, { token: user.token }))
          await refused(t(), { token: user.token })
          open.pop()!.close()
          await open[0]!.until(() => t().app.realtime.connectionCount < PER_ADDRESS, 'a closed connection')
          open.push(await LiveClient.connect(t().baseUrl, { token: user.token }))
        } finally {
          for (const client of open) client.close()
        }
      })
    })

    describe('topics', () => {
      it("delivers the user's own events to every connection of that user, and no one else's", async () => {
        const [alice, bob] = [await t().user(), await t().user()]
        const tabs = [
          await LiveClient.connect(t().baseUrl, { token: alice.token }),
          await LiveClient.connect(t().baseUrl, { token: alice.token }),
        ]
        const other = await LiveClient.connect(t().baseUrl, { token: bob.token })
        publish(t(), `user:${alice.id}`, 1)
        for (const tab of tabs) {
          await tab.until(() => tab.eventsOf(`user:${alice.id}`).length === 1, 'the event in each tab')
          expect(tab.events[0]).toMatchObject({
            topic: `user:${alice.id}`,
            type: 'test.event',
            data: { n: 1 },
          })
          expect(tab.events[0]!.id).toBeGreaterThan(0)
        }
        publish(t(), `user:${bob.id}`, 2)
        await other.until(() => other.events.length === 1, "bob's event")
        expect(tabs.every((tab) => tab.events.length === 1)).toBe(true)
        const refusedOther = await other.subscribe(`user:${alice.id}`)
        expect(refusedOther.error.code).toBe('topic_forbidden')
        for (const client of [...tabs, other]) client.close()
      })

      it('lets anyone follow a public listing, not a draft of someone else, and no conversation yet', async () => {
        const owner = await t().user()
        const place = await t().place(owner.token)
        const viewer = await t().user()
        const client = await LiveClient.connect(t().baseUrl, { token: viewer.token })
        expect(await client.subscribe(`place:${place.id}`)).toMatchObject({
          ok: true,
          topic: `place:${place.id}`,
        })
        expect((await client.subscribe('place:00000000-0000-7000-8000-000000000000')).error.code).toBe(
          'topic_forbidden',
        )
        expect((await client.subscribe('conversation:00000000-0000-7000-8000-000000000000')).error.code).toBe(
          'topic_forbidden',
        )
        expect((await client.subscribe('room:everything')).error.code).toBe('invalid_topic')
        expect((await client.subscribe(`place:${place.id}; DROP`)).error.code).toBe('invalid_topic')
        client.close()
      })

      it('limits the topics one connection follows', async () => {
        const owner = await t().user()
        const places = []
        for (let i = 0; i < MAX_SUBSCRIPTIONS; i++) places.push(await t().place(owner.token))
        const client = await LiveClient.connect(t().baseUrl, { token: owner.token })
        // The user's own topic counts: MAX_SUBSCRIPTIONS - 1 listings fit.
        for (const place of places.slice(0, -1))
          expect((await client.subscribe(`place:${place.id}`)).ok).toBe(true)
        const over = await client.subscribe(`place:${places.at(-1)!.id}`)
        expect(over.error.code).toBe('too_many_subscriptions')
        await client.request('unsubscribe', { topic: `place:${places[0]!.id}` })
        expect((await client.subscribe(`place:${places.at(-1)!.id}`)).ok).toBe(true)
        client.close()

        // Asked all at once, the limit holds too.
        const eager = await LiveClient.connect(t().baseUrl, { token: owner.token })
        const answers = await Promise.all(places.map((place) => eager.subscribe(`place:${place.id}`)))
        expect(answers.filter((a) => a.ok)).toHaveLength(MAX_SUBSCRIPTIONS - 1)
        expect(answers.filter((a) => a.error?.code === 'too_many_subscriptions')).toHaveLength(1)
        eager.close()
      })
    })

    describe('client messages', () => {
      it('answers at most 120 messages a minute per connection, then says rate_limited', async () => {
        const user = await t().user()
        const client = await LiveClient.connect(t().baseUrl, { token: user.token })
        const answers = await Promise.all(
          Array.from({ length: 121 }, () => client.subscribe(`user:${user.id}`)),
        )
        expect(answers.slice(0, 120).every((a) => a.ok)).toBe(true)
        expect(answers[120].error.code).toBe('rate_limited')
        expect(client.connected).toBe(true)
        client.close()
      })
    })

    describe('live availability', () => {
      it('tells the viewers of a listing when nights are booked, blocked, unblocked or released', async () => {
        const owner = await t().user()
        const place = await t().place(owner.token, { instant_book: true })
        const guest = await t().user()
        const viewer = await LiveClient.connect(t().baseUrl, { token: (await t().user()).token })
        await viewer.subscribe(`place:${place.id}`)
        const topic = `place:${place.id}`
        const changes = () => viewer.eventsOf(topic, 'availability.changed').map((e) => e.data)

        const booking = await t().post(
          '/api/v1/bookings',
          { place_id: place.id, check_in: day(10), check_out: day(13), guests: 1 },
          { token: guest.token },
        )
        expect(booking.status, booking.text).toBe(201)
        await viewer.until(() => changes().length === 1, 'the booking')
        expect(changes()[0]).toEqual({ place_id: place.id, from: day(10), to: day(12) })

        const blocked = await t().post(
          `/api/v1/places/${place.id}/calendar/block`,
          { from: day(20), to: day(22) },
          { token: owner.token },
        )
        expect(blocked.status, blocked.text).toBe(200)
        await viewer.until(() => changes().length === 2, 'the block')
        expect(changes()[1]).toEqual({ place_id: place.id, from: day(20), to: day(21) })

        await t().post(
          `/api/v1/places/${place.id}/calendar/unblock`,
          { from: day(20), to: day(22) },
          {
            token: owner.token,
          },
        )
        await viewer.until(() => changes().length === 3, 'the unblock')

        const cancelled = await t().post(`/api/v1/bookings/${booking.body.id}/cancel`, undefined, {
          token: guest.token,
        })
        expect(cancelled.status, cancelled.text).toBe(200)
        await viewer.until(() => changes().length === 4, 'the cancellation')
        expect(changes()[3]).toEqual({ place_id: place.id, from: day(10), to: day(12) })

        // A refused request changes nothing and tells no one.
        const again = await t().post(
          `/api/v1/places/${place.id}/calendar/block`,
          { from: day(40), to: day(30) },
          { token: owner.token },
        )
        expect(again.status).toBe(400)
        const ids = viewer.eventsOf(topic).map((e) => e.id)
        expect(ids).toEqual([...ids].sort((a, b) => a - b))
        expect(viewer.events.filter((e) => e.topic === topic)).toHaveLength(4)
        viewer.close()
      })
    })

    describe('logins ending mid-connection', () => {
      it('closes the connections of a login at logout, and only those', async () => {
        const user = await t().user()
        const [ended, kept] = [await login(t(), user), await login(t(), user)]
        const endedClient = await LiveClient.connect(t().baseUrl, { token: ended.access_token })
        const keptClient = await LiveClient.connect(t().baseUrl, { token: kept.access_token })
        const out = await t().post('/api/v1/auth/logout', { refresh_token: ended.refresh_token })
        expect(out.status, out.text).toBe(200)
        await endedClient.until(() => !endedClient.connected, 'the ended login disconnected')
        expect(endedClient.closings).toEqual([expect.objectContaining({ code: 'token_revoked' })])
        expect(endedClient.disconnectReason).toBe('io server disconnect')
        const again = await refused(t(), { token: ended.access_token })
        expect(again.data?.code).toBe('token_revoked')
        // The other login saw its own topic's event and stays connected.
        await keptClient.until(
          () => keptClient.eventsOf(`user:${user.id}`, 'session.ended').length === 1,
          'event',
        )
        expect(keptClient.connected).toBe(true)
        keptClient.close()
      })

      it('closes every connection of the user at logout-all and at a password reset', async () => {
        const user = await t().user()
        const first = await LiveClient.connect(t().baseUrl, { token: (await login(t(), user)).access_token })
        const out = await t().post('/api/v1/auth/logout-all', undefined, { token: user.token })
        expect(out.status, out.text).toBe(200)
        await first.until(() => !first.connected, 'logout-all disconnected')

        const next = await LiveClient.connect(t().baseUrl, { token: (await login(t(), user)).access_token })
        const reset = await t().post('/api/v1/auth/password/reset', {
          token: await t().passwordResetToken(user),
          password: 'a-brand-new-password',
        })
        expect(reset.status, reset.text).toBeLessThan(300)
        await next.until(() => !next.connected, 'password reset disconnected')
        expect(next.closings[0]?.code).toBe('token_revoked')
      })

      it('closes the connection when its access token expires, unless the client sent a fresh one', async () => {
        const user = await t().user()
        const sessionId = sessionOf(user.token)
        const tokens = new AccessTokens(t().app.config.jwtSecret, 30)
        // Tokens issued 28 s ago: they expire 2 s from now.
        const shortLived = () => tokens.sign({ id: user.id, isAdmin: false }, sessionId, Date.now() - 28_000)
        const expiring = await LiveClient.connect(t().baseUrl, { token: await shortLived() })
        const renewed = await LiveClient.connect(t().baseUrl, { token: await shortLived() })
        const answer = await renewed.request('authenticate', { token: user.token })
        expect(answer.ok).toBe(true)
        const wrong = await renewed.request('authenticate', { token: (await t().user()).token })
        expect(wrong.error.code).toBe('wrong_user')
        await expiring.until(() => !expiring.connected, 'the expired connection closed')
        expect(expiring.closings[0]?.code).toBe('token_expired')
        expect(renewed.connected).toBe(true)
        renewed.close()
      })
    })

    describe('backpressure', () => {
      it('disconnects a client that stops reading, and keeps serving one that reads', async () => {
        const owner = await t().user()
        const place = await t().place(owner.token)
        const topic = `place:${place.id}` as const
        const [stalled, reading] = [
          await LiveClient.connect(t().baseUrl, { token: owner.token }),
          await LiveClient.connect(t().baseUrl, { token: owner.token }),
        ]
        await stalled.subscribe(topic)
        await reading.subscribe(topic)
        const before = t().app.realtime.connectionCount
        // The stalled client's socket stops reading: what the server sends piles up, first in the
        // operating system's buffers, then in the server's, until the limit.
        ;(stalled.socket.io.engine.transport as any).ws._socket.pause()
        const padding = 'x'.repeat(16 * 1024)
        let sent = 0
        while (t().app.realtime.connectionCount === before) {
          if (sent > 4000) throw new Error('the stalled client was never disconnected')
          for (let i = 0; i < 4; i++)
            t().app.live.publish({ topic, type: 'test.event', data: { n: sent++, padding } })
          await new Promise((resolve) => setTimeout(resolve, 1))
        }
        expect(t().app.realtime.connectionCount).toBe(before - 1)
        await reading.until(
          () => reading.eventsOf(topic).length === sent,
          'every event for the reading client',
        )
        expect(reading.connected).toBe(true)
        stalled.close()
        reading.close()
      })
    })

    describe('reconnecting', () => {
      it('replays every missed event exactly once, in order, then continues live', async () => {
        const owner = await t().user()
        const place = await t().place(owner.token)
        const topic = `place:${place.id}` as const
        const first = await LiveClient.connect(t().baseUrl, { token: owner.token })
        await first.subscribe(topic)
        publish(t(), topic, 0)
        await first.until(() => first.eventsOf(topic).length === 1, 'the first event')
        const lastId = first.eventsOf(topic)[0]!.id
        first.close()

        // A burst while away, then more while the replay is read: no more than the replay keeps.
        const total = REPLAY_SIZE
        for (let n = 1; n <= total - 3; n++) publish(t(), topic, n)
        const second = await LiveClient.connect(t().baseUrl, {
          token: owner.token,
          lastIds: { [topic]: lastId },
        })
        for (let n = total - 2; n <= total; n++) publish(t(), topic, n)
        await second.until(() => second.eventsOf(topic).length === total, 'the replay and live events')
        publish(t(), topic, total + 1)
        await second.until(() => second.eventsOf(topic).length === total + 1, 'the next live event')
        await new Promise((resolve) => setTimeout(resolve, 200))
        const seen = second.eventsOf(topic)
        expect(seen.map((e) => e.data.n)).toEqual(Array.from({ length: total + 1 }, (_, i) => i + 1))
        expect(seen.map((e) => e.id)).toEqual([...seen.map((e) => e.id)].sort((a, b) => a - b))
        expect(second.resyncs).toEqual([])
        second.close()
      })

      it('asks for a resync when more was missed than the replay keeps', async () => {
        const owner = await t().user()
        const place = await t().place(owner.token)
        const topic = `place:${place.id}` as const
        const first = await LiveClient.connect(t().baseUrl, { token: owner.token })
        await first.subscribe(topic)
        publish(t(), topic, 0)
        await first.until(() => first.eventsOf(topic).length === 1, 'the first event')
        const lastId = first.eventsOf(topic)[0]!.id
        first.close()
        for (let n = 1; n <= REPLAY_SIZE + 5; n++) publish(t(), topic, n)
        await new Promise((resolve) => setTimeout(resolve, 100))
        const second = await LiveClient.connect(t().baseUrl, { token: owner.token })
        const answer = await second.subscribe(topic, lastId)
        expect(answer.ok).toBe(true)
        expect(second.resyncs).toHaveLength(1)
        expect(second.resyncs[0]!.topic).toBe(topic)
        expect(second.resyncs[0]!.last_id).toBe(answer.last_id)
        expect(second.eventsOf(topic)).toEqual([])
        publish(t(), topic, 99)
        await second.until(() => second.eventsOf(topic).length === 1, 'the next event')
        expect(second.eventsOf(topic)[0]!.id).toBeGreaterThan(answer.last_id)
        second.close()
      })
    })
  },
  {
    HBNB_REALTIME_REPLAY_SIZE: String(REPLAY_SIZE),
    HBNB_REALTIME_MAX_CONNECTIONS_PER_ADDRESS: String(PER_ADDRESS),
    HBNB_REALTIME_MAX_SUBSCRIPTIONS: String(MAX_SUBSCRIPTIONS),
    HBNB_CORS_ANY_ORIGIN: 'false',
    HBNB_REALTIME_MAX_BUFFERED_BYTES: String(256 * 1024),
  },
)
