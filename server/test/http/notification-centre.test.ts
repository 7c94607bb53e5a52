// The in-app notification centre over HTTP: booking news (from the `notifications` task, run by the
// in-process task runner), new messages, reviews and account changes become stored notifications,
// listed newest first, counted, marked read one by one or all at once, and published live; the
// `in_app` preferences turn kinds off.
import { expect, it } from 'vitest'
import { addDays, localDate } from '../../src/dates.js'
import { RecordingLiveEvents } from '../helpers/recording-live.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'
import { waitFor } from '../infra/mail-contract.js'

const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)
const live = new RecordingLiveEvents()

interface Notice {
  id: string
  kind: string
  text: string
  data: Record<string, string>
  read: boolean
}

async function notices(t: TestApp, token: string, query = ''): Promise<Notice[]> {
  const list = await t.get(`/api/v1/notifications${query}`, { token })
  expect(list.status).toBe(200)
  return list.body
}

/** Waits until the user has a notification that `matches`. */
async function noticeOf(t: TestApp, token: string, matches: (n: Notice) => boolean, what: string) {
  return waitFor(async () => (await notices(t, token)).find(matches), what)
}

describeEachDriver(
  'notification centre',
  (t) => {
    it('stores every booking event for each side it concerns, and publishes each live', async () => {
      await t().app.jobs.start()
      const host = await t().user()
      const guest = await t().user()
      const place = await t().place(host.token, { title: 'Cliff house' })
      const requested = await t().post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(20), check_out: day(23), guests: 2 },
        { token: guest.token },
      )
      expect(requested.status).toBe(201)
      const bookingId = requested.body.id as string
      const about = (kind: string) => (n: Notice) => n.kind === kind && n.data.booking_id === bookingId
      const hostRequest = await noticeOf(t(), host.token, about('booking_requested'), 'host request notice')
      expect(hostRequest).toMatchObject({ read: false, data: { booking_id: bookingId } })
      expect(hostRequest.text).toMatch(/Cliff house/)
      await noticeOf(t(), guest.token, about('booking_requested'), 'guest request notice')

      expect(
        (await t().post(`/api/v1/bookings/${bookingId}/accept`, undefined, { token: host.token })).status,
      ).toBe(200)
      const confirmed = await noticeOf(t(), guest.token, about('booking_confirmed'), 'guest confirmation')
      expect(confirmed.text).toMatch(/Cliff house/)

      const published = live.on(`user:${guest.id}`, 'notification.created')
      expect(published.map((e) => (e.data.notification as Notice).kind)).toEqual([
        'booking_requested',
        'booking_confirmed',
      ])
      expect((published[1]!.data.notification as Notice).id).toBe(confirmed.id)

      // A task delivered again stores nothing twice (once its first delivery, which also emails, is done).
      const row = await waitFor(async () => {
        const sent = await t()
          .app.database.write.selectFrom('outbox')
          .selectAll()
          .where('dedupe_key', '=', `booking:${bookingId}:accepted`)
          .where('status', '=', 'sent')
          .executeTakeFirst()
        return sent
      }, 'the first delivery of the acceptance')
      await t().app.notifications.handle({
        name: row.task,
        payload: JSON.parse(row.payload),
        dedupeKey: row.dedupe_key,
        attempt: 2,
        dueAt: Date.now(),
      })
      expect((await notices(t(), guest.token)).filter(about('booking_confirmed'))).toHaveLength(1)
    })

    it('lists newest first in pages, counts the unread and marks one or all read', async () => {
      const host = await t().user()
      const place = await t().place(host.token, { title: 'Mill' })
      const guests = [await t().user(), await t().user(), await t().user()]
      for (const guest of guests) {
        const started = await t().post(
          '/api/v1/conversations',
          { place_id: place.id, text: 'Question' },
          { token: guest.token },
        )
        expect(started.status).toBe(201)
      }
      const all = await notices(t(), host.token)
      expect(all.map((n) => n.kind)).toEqual(['new_message', 'new_message', 'new_message'])
      expect(all[0]!.text).toBe(`New message from ${all[0]!.text.split(' ')[3]} about Mill`)
      const unread = () => t().get('/api/v1/notifications/unread-count', { token: host.token })
      expect((await unread()).body).toEqual({ unread: 3 })

      const first = await t().get('/api/v1/notifications?limit=2', { token: host.token })
      expect(first.body.map((n: Notice) => n.id)).toEqual(all.slice(0, 2).map((n) => n.id))
      const next = /<([^>]+)>; rel="next"/.exec(String(first.headers.link))![1]!
      const second = await t().get(next, { token: host.token })
      expect(second.body.map((n: Notice) => n.id)).toEqual([all[2]!.id])
      expect(second.headers.link).toBeUndefined()

      const marked = await t().post(`/api/v1/notifications/${all[1]!.id}/read`, undefined, {
        token: host.token,
      })
      expect(marked.status).toBe(200)
      expect(marked.body).toMatchObject({ id: all[1]!.id, read: true })
      expect(Date.parse(marked.body.read_at)).not.toBeNaN()
      expect((await unread()).body).toEqual({ unread: 2 })
      expect((await notices(t(), host.token, '?unread=true')).map((n) => n.id)).toEqual([
        all[0]!.id,
        all[2]!.id,
      ])

      // Someone else's notification, or none: 404, and nothing changes.
      const stranger = guests[0]!
      for (const id of [all[0]!.id, 'nope', '0190f0f0-0000-7000-8000-000000000000']) {
        const refused = await t().post(`/api/v1/notifications/${id}/read`, undefined, {
          token: stranger.token,
        })
        expect(refused.status).toBe(404)
      }
      expect((await t().post(`/api/v1/notifications/${all[0]!.id}/read`)).status).toBe(401)
      expect((await unread()).body).toEqual({ unread: 2 })
      const bad = await t().get('/api/v1/notifications?cursor=nonsense', { token: host.token })
      expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed'])
      expect((await t().get('/api/v1/notifications?limit=0', { token: host.token })).status).toBe(400)

      const readAll = await t().post('/api/v1/notifications/read-all', undefined, { token: host.token })
      expect(readAll.body).toEqual({ marked: 2, unread: 0 })
      expect((await unread()).body).toEqual({ unread: 0 })
      expect(
        (await t().post('/api/v1/notifications/read-all', undefined, { token: host.token })).body,
      ).toEqual({
        marked: 0,
        unread: 0,
      })
      expect((await t().get('/api/v1/notifications/unread-count')).status).toBe(401)
    })

    it('tells a host about a review of their place, and a user about a password change', async () => {
      const host = await t().user()
      const place = await t().place(host.token, { title: 'Barn' })
      const guest = await t().user()
      const review = await t().post(
        '/api/v1/reviews/',
        { text: 'Lovely barn', rating: 5, place_id: place.id },
        { token: guest.token },
      )
      expect(review.status).toBe(201)
      const [notice] = await notices(t(), host.token)
      expect(notice).toMatchObject({
        kind: 'review_received',
        text: 'New review of Barn',
        data: { review_id: review.body.id, place_id: place.id },
      })
      expect(live.on(`user:${host.id}`, 'notification.created').at(-1)!.data.notification).toEqual(notice)

      const token = await t().passwordResetToken(guest)
      const reset = await t().post('/api/v1/auth/password/reset', { token, password: 'quiet-heron-5821' })
      expect(reset.status).toBe(200)
      const login = await t().login(guest.email, 'quiet-heron-5821')
      const account = (await notices(t(), login)).filter((n) => n.kind === 'account')
      expect(account.map((n) => [n.text, n.data.event])).toEqual([
        ['Your password was changed', 'password_changed'],
      ])
      // Changed by an administrator: told too.
      const changed = await t().put(
        `/api/v1/users/${guest.id}`,
        { password: 'amber-otter-7731' },
        { token: await t().adminToken() },
      )
      expect(changed.status).toBe(200)
      const relogin = await t().login(guest.email, 'amber-otter-7731')
      expect((await notices(t(), relogin)).filter((n) => n.kind === 'account')).toHaveLength(2)
    })

    it('stores nothing of a kind the user turned off in-app, and says so in the preferences', async () => {
      const host = await t().user()
      const place = await t().place(host.token, { title: 'Quiet place' })
      const guest = await t().user()
      const url = '/api/v1/users/me/notification-preferences'
      const defaults = await t().get(url, { token: host.token })
      expect(defaults.body.in_app).toMatchObject({ new_message: true, review_received: true, account: true })
      const off = await t().put(url, { in_app: { new_message: false } }, { token: host.token })
      expect(off.status).toBe(200)
      expect(off.body.in_app.new_message).toBe(false)
      const refused = await t().put(url, { in_app: { newsletter: true } }, { token: host.token })
      expect([refused.status, refused.body.code]).toEqual([400, 'unknown_kind'])

      await t().post('/api/v1/conversations', { place_id: place.id, text: 'Hi' }, { token: guest.token })
      await t().post(
        '/api/v1/reviews/',
        { text: 'Fine', rating: 4, place_id: place.id },
        { token: guest.token },
      )
      expect((await notices(t(), host.token)).map((n) => n.kind)).toEqual(['review_received'])
    })
  },
  { HBNB_TASK_POLL_MS: '20' },
  { live },
)
