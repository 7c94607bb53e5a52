// Host-guest messaging over HTTP: conversations per enquiry and per booking, participants only
// (admins read for moderation, recorded), unread counts, paging, read positions, limits, the
// events published live, and the email about messages left unread (sent once per burst, by the
// in-process task runner, and not at all when read in time).
import { mkdtempSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { expect, it } from 'vitest'
import { addDays, localDate } from '../../src/dates.js'
import { noLiveEvents } from '../../src/domain/live.js'
import { BookingRepository } from '../../src/modules/bookings/repository.js'
import { MessagingRepository } from '../../src/modules/messaging/repository.js'
import { MessagingService } from '../../src/modules/messaging/service.js'
import { PlaceRepository } from '../../src/modules/places/repository.js'
import { RecordingLiveEvents } from '../helpers/recording-live.js'
import { decodeQuotedPrintable } from '../helpers/smtp.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'
import { waitFor } from '../infra/mail-contract.js'

const dataDir = mkdtempSync(join(tmpdir(), 'hbnb-messaging-'))
const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)
const live = new RecordingLiveEvents()

interface Mail {
  to: string
  subject: string
  key: string
  raw: string
}

/** The text messages the file SMS driver wrote whose dedupe key is `key`. */
async function textsWithKey(key: string): Promise<{ to: string; body: string }[]> {
  const dir = join(dataDir, 'sms')
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'))
  const texts = []
  for (const name of names) {
    const text = JSON.parse(await readFile(join(dir, name), 'utf8'))
    if (text.dedupeKey === key) texts.push({ to: text.to, body: text.body })
  }
  return texts
}

async function mailsWithKey(part: string): Promise<Mail[]> {
  const dir = join(dataDir, 'mail')
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml'))
  const mails: Mail[] = []
  for (const name of names) {
    const raw = decodeQuotedPrintable(await readFile(join(dir, name), 'utf8')).replace(/\r?\n[ \t]+/g, ' ')
    const key = /^X-HBNB-Dedupe-Key: (.*)$/im.exec(raw)?.[1] ?? ''
    if (!key.includes(part)) continue
    mails.push({
      to: /^To: (.*)$/m.exec(raw)?.[1] ?? '',
      subject: /^Subject: (.*)$/m.exec(raw)?.[1] ?? '',
      key,
      raw,
    })
  }
  return mails
}

/** A host with a published place, and a guest. */
async function setUp(t: TestApp, title = 'Harbour studio') {
  const host = await t.user()
  const place = await t.place(host.token, { title })
  const guest = await t.user()
  return { host, place, guest }
}

async function enquiry(t: TestApp, placeId: string, token: string, text?: string) {
  const started = await t.post(
    '/api/v1/conversations',
    { place_id: placeId, ...(text ? { text } : {}) },
    { token },
  )
  expect([200, 201]).toContain(started.status)
  return started.body as { id: string; [key: string]: any }
}

async function send(t: TestApp, conversationId: string, token: string, text: string) {
  const sent = await t.post(`/api/v1/conversations/${conversationId}/messages`, { text }, { token })
  expect(sent.status, sent.text).toBe(201)
  return sent.body as { id: string; text: string; sender_id: string }
}

async function messageCount(t: TestApp, conversationId: string) {
  const row = await t.app.database.write
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('conversation_id', '=', conversationId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Follows `Link: rel="next"` from `url`, gathering every page. */
async function allPages(t: TestApp, url: string, token: string) {
  const pages: any[][] = []
  let next: string | undefined = url
  while (next) {
    const page: { status: number; body: any[]; headers: Record<string, unknown> } = await t.get(next, {
      token,
    })
    expect(page.status).toBe(200)
    pages.push(page.body)
    const link: string = String(page.headers.link ?? '')
    next = /<([^>]+)>; rel="next"/.exec(link)?.[1]
  }
  return pages
}

describeEachDriver(
  'messaging',
  (t) => {
    it('starts one conversation per guest and place, and one per booking, between its two sides', async () => {
      const { host, place, guest } = await setUp(t())
      const first = await t().post(
        '/api/v1/conversations',
        { place_id: place.id, text: 'Is there parking?' },
        { token: guest.token },
      )
      expect(first.status).toBe(201)
      expect(first.body).toMatchObject({
        kind: 'enquiry',
        place: { id: place.id, title: 'Harbour studio' },
        booking_id: null,
        guest: { id: guest.id },
        host: { id: host.id },
        role: 'guest',
        unread_count: 0,
        message: { text: 'Is there parking?', sender_id: guest.id },
      })
      expect(first.body.last_message.id).toBe(first.body.message.id)
      const again = await t().post('/api/v1/conversations', { place_id: place.id }, { token: guest.token })
      expect([again.status, again.body.id]).toEqual([200, first.body.id])

      // The host cannot enquire about their own place; nobody about a place they cannot see.
      const own = await t().post('/api/v1/conversations', { place_id: place.id }, { token: host.token })
      expect([own.status, own.body.code]).toEqual([400, 'own_place'])
      const draft = await t().place(host.token, { status: 'draft' })
      expect(
        (await t().post('/api/v1/conversations', { place_id: draft.id }, { token: guest.token })).status,
      ).toBe(404)

      // A booking's conversation: its guest or host opens it, the same one either way.
      const instant = await t().place(host.token, { title: 'Instant loft', instant_book: true })
      const booking = await t().post(
        '/api/v1/bookings',
        { place_id: instant.id, check_in: day(40), check_out: day(42), guests: 1 },
        { token: guest.token },
      )
      expect(booking.status).toBe(201)
      const ofBooking = await t().post(
        '/api/v1/conversations',
        { booking_id: booking.body.id },
        { token: host.token },
      )
      expect(ofBooking.status).toBe(201)
      expect(ofBooking.body).toMatchObject({ kind: 'booking', booking_id: booking.body.id, role: 'host' })
      const byGuest = await t().post(
        '/api/v1/conversations',
        { booking_id: booking.body.id, text: 'Arriving at 6pm' },
        { token: guest.token },
      )
      expect([byGuest.status, byGuest.body.id]).toEqual([200, ofBooking.body.id])
      const stranger = await t().user()
      expect(
        (await t().post('/api/v1/conversations', { booking_id: booking.body.id }, { token: stranger.token }))
          .status,
      ).toBe(404)
    })

    it("links a booking's conversation to the enquiry its guest wrote about the same place", async () => {
      const { host, place, guest } = await setUp(t(), 'Enquired cottage')
      await t().put(`/api/v1/places/${place.id}`, { instant_book: true }, { token: host.token })
      const asked = await enquiry(t(), place.id, guest.token, 'Is the garden fenced?')
      const book = async (token: string, offset: number) => {
        const booking = await t().post(
          '/api/v1/bookings',
          { place_id: place.id, check_in: day(offset), check_out: day(offset + 2), guests: 1 },
          { token },
        )
        expect(booking.status, booking.text).toBe(201)
        return booking.body.id as string
      }
      const bookingId = await book(guest.token, 50)
      for (const token of [guest.token, host.token]) {
        const opened = await t().post('/api/v1/conversations', { booking_id: bookingId }, { token })
        expect(opened.body).toMatchObject({ kind: 'booking', booking_id: bookingId, enquiry_id: asked.id })
        const read = await t().get(`/api/v1/conversations/${opened.body.id}`, { token })
        expect(read.body.enquiry_id).toBe(asked.id)
      }
      // The enquiry stays its own thread, listed as before; lists do not carry the link.
      const inbox = await t().get('/api/v1/conversations', { token: guest.token })
      expect(inbox.body.map((c: { id: string }) => c.id)).toContain(asked.id)
      expect(inbox.body.every((c: { enquiry_id?: unknown }) => c.enquiry_id === undefined)).toBe(true)

      // Another guest, who never wrote about the place, books it: no enquiry to link.
      const other = await t().user()
      await enquiry(t(), place.id, other.token)
      const otherBooking = await book(other.token, 60)
      const theirs = await t().post(
        '/api/v1/conversations',
        { booking_id: otherBooking },
        { token: other.token },
      )
      expect(theirs.body.enquiry_id).toBeNull()
    })

    it('lets only its participants read and write a conversation; admins read it, recorded, and never write', async () => {
      const { host, place, guest } = await setUp(t())
      const conversation = await enquiry(t(), place.id, guest.token, 'Hello')
      const stranger = await t().user()
      const urls = [
        ['GET', `/api/v1/conversations/${conversation.id}`],
        ['GET', `/api/v1/conversations/${conversation.id}/messages`],
        ['POST', `/api/v1/conversations/${conversation.id}/messages`],
        ['POST', `/api/v1/conversations/${conversation.id}/read`],
      ] as const
      for (const [method, url] of urls) {
        const body = method === 'POST' ? (url.endsWith('/read') ? {} : { text: 'Let me in' }) : undefined
        const anonymous = await t().request(method, url, { body })
        expect([url, anonymous.status]).toEqual([url, 401])
        const outsider = await t().request(method, url, { body, token: stranger.token })
        expect([url, outsider.status, outsider.body.code]).toEqual([url, 404, 'not_found'])
        const unknown = await t().request(
          method,
          url.replace(conversation.id, '0190f0f0-0000-7000-8000-000000000000'),
          {
            body,
            token: host.token,
          },
        )
        expect(unknown.status).toBe(404)
      }
      expect((await t().get('/api/v1/conversations', { token: stranger.token })).body).toEqual([])
      expect(await messageCount(t(), conversation.id)).toBe(1)

      // The host reads and answers.
      expect(
        (await t().get(`/api/v1/conversations/${conversation.id}`, { token: host.token })).body.role,
      ).toBe('host')
      await send(t(), conversation.id, host.token, 'Hi!')

      // An administrator reads it for moderation: allowed, recorded with who and when, but no writing.
      const admin = await t().adminToken()
      const opened = await t().get(`/api/v1/conversations/${conversation.id}`, { token: admin })
      expect([opened.status, opened.body.role, opened.body.unread_count]).toEqual([200, 'moderator', 0])
      const read = await t().get(`/api/v1/conversations/${conversation.id}/messages`, { token: admin })
      expect(read.body.map((m: { text: string }) => m.text)).toEqual(['Hi!', 'Hello'])
      const refused = await t().post(
        `/api/v1/conversations/${conversation.id}/messages`,
        { text: 'Moderator here' },
        { token: admin },
      )
      expect([refused.status, refused.body.code]).toEqual([403, 'not_participant'])
      expect(
        (await t().post(`/api/v1/conversations/${conversation.id}/read`, {}, { token: admin })).status,
      ).toBe(403)
      expect(await messageCount(t(), conversation.id)).toBe(2)

      const access = await t().get(`/api/v1/conversations/${conversation.id}/access`, { token: admin })
      expect(access.status).toBe(200)
      const adminId = (await t().get('/api/v1/auth/me', { token: admin })).body.id
      expect(access.body.map((a: { admin_id: string; action: string }) => [a.admin_id, a.action])).toEqual([
        [adminId, 'open'],
        [adminId, 'messages'],
      ])
      expect(Date.parse(access.body[0].accessed_at)).not.toBeNaN()
      for (const token of [host.token, guest.token, stranger.token]) {
        expect((await t().get(`/api/v1/conversations/${conversation.id}/access`, { token })).status).toBe(403)
      }
      // The participants' own reads are not recorded.
      const rows = await t()
        .app.database.write.selectFrom('conversation_access')
        .selectAll()
        .where('conversation_id', '=', conversation.id)
        .execute()
      expect(rows).toHaveLength(2)
    })

    it('counts unread messages per conversation and in all, and marks them read up to a message', async () => {
      const { host, place, guest } = await setUp(t())
      const conversation = await enquiry(t(), place.id, guest.token)
      const sent = []
      for (const text of ['one', 'two', 'three'])
        sent.push(await send(t(), conversation.id, guest.token, text))

      const inbox = await t().get('/api/v1/conversations', { token: host.token })
      expect(inbox.body).toHaveLength(1)
      expect(inbox.body[0]).toMatchObject({
        id: conversation.id,
        unread_count: 3,
        last_message: { id: sent[2]!.id, text: 'three', sender_id: guest.id },
      })
      expect((await t().get('/api/v1/conversations/unread', { token: host.token })).body).toEqual({
        conversations: 1,
        messages: 3,
      })
      // The sender has read their own messages.
      expect((await t().get('/api/v1/conversations', { token: guest.token })).body[0].unread_count).toBe(0)

      const url = `/api/v1/conversations/${conversation.id}/read`
      const partly = await t().post(url, { message_id: sent[1]!.id }, { token: host.token })
      expect(partly.body).toEqual({
        conversation_id: conversation.id,
        last_read_message_id: sent[1]!.id,
        unread_count: 1,
      })
      // Never moves back.
      const back = await t().post(url, { message_id: sent[0]!.id }, { token: host.token })
      expect(back.body).toMatchObject({ last_read_message_id: sent[1]!.id, unread_count: 1 })
      // No body: read up to the last message.
      const all = await t().post(url, undefined, { token: host.token })
      expect([all.status, all.body]).toMatchObject([
        200,
        { last_read_message_id: sent[2]!.id, unread_count: 0 },
      ])
      expect((await t().get('/api/v1/conversations/unread', { token: host.token })).body).toEqual({
        conversations: 0,
        messages: 0,
      })

      // The host's answer is unread for the guest.
      await send(t(), conversation.id, host.token, 'Welcome')
      const guestView = await t().get(`/api/v1/conversations/${conversation.id}`, { token: guest.token })
      expect(guestView.body.unread_count).toBe(1)
    })

    it('pages messages newest first and conversations by latest activity', async () => {
      const { host, place, guest } = await setUp(t())
      const conversation = await enquiry(t(), place.id, guest.token)
      const texts = ['m1', 'm2', 'm3', 'm4', 'm5']
      for (const [i, text] of texts.entries())
        await send(t(), conversation.id, i % 2 ? host.token : guest.token, text)
      const pages = await allPages(
        t(),
        `/api/v1/conversations/${conversation.id}/messages?limit=2`,
        guest.token,
      )
      expect(pages.map((page) => page.map((m: { text: string }) => m.text))).toEqual([
        ['m5', 'm4'],
        ['m3', 'm2'],
        ['m1'],
      ])

      // Three enquiries: the one written to last comes first.
      const others = [
        await t().place(host.token, { title: 'B' }),
        await t().place(host.token, { title: 'C' }),
      ]
      const b = await enquiry(t(), others[0]!.id, guest.token, 'about B')
      await enquiry(t(), others[1]!.id, guest.token, 'about C')
      await send(t(), b.id, guest.token, 'about B again')
      const inbox = await allPages(t(), '/api/v1/conversations?limit=2', host.token)
      expect(inbox.map((page) => page.map((c: { place: { title: string } }) => c.place.title))).toEqual([
        ['B', 'C'],
        ['Harbour studio'],
      ])
      // A conversation with no message yet is nobody's inbox entry.
      const empty = await t().place(host.token, { title: 'D' })
      await enquiry(t(), empty.id, guest.token)
      expect((await t().get('/api/v1/conversations', { token: host.token })).body).toHaveLength(3)

      for (const cursor of ['nonsense', '2026-01-01T00:00:00.000Z_x', '0190f0f0']) {
        const bad = await t().get(`/api/v1/conversations?cursor=${encodeURIComponent(cursor)}`, {
          token: host.token,
        })
        expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed'])
      }
      const badMessages = await t().get(`/api/v1/conversations/${conversation.id}/messages?cursor=x`, {
        token: host.token,
      })
      expect(badMessages.status).toBe(400)
    })

    it('stores text as typed (trimmed) and refuses empty, too long or malformed input, changing nothing', async () => {
      const { host, place, guest } = await setUp(t())
      const conversation = await enquiry(t(), place.id, guest.token, 'First')
      const url = `/api/v1/conversations/${conversation.id}/messages`
      const typed = '<b>bold?</b> <script>alert(1)</script> & see https://example.com/?a=1&b=2\nsecond line'
      const stored = await send(t(), conversation.id, guest.token, `  ${typed}  `)
      expect(stored.text).toBe(typed)
      const listed = await t().get(url, { token: host.token })
      expect(listed.body[0].text).toBe(typed)

      const longest = 'é'.repeat(4000)
      expect((await send(t(), conversation.id, guest.token, ` ${longest} `)).text).toBe(longest)
      const before = await messageCount(t(), conversation.id)
      const refusals: [unknown, number][] = [
        [{}, 400],
        [{ text: '' }, 400],
        [{ text: ' \n\t ' }, 400],
        [{ text: 'x'.repeat(4001) }, 400],
        [{ text: 42 }, 400],
        [{ text: 'bell\u0007' }, 400],
        [{ text: 'x'.repeat(9000) }, 400],
      ]
      for (const [body, status] of refusals) {
        const answer = await t().post(url, body, { token: guest.token })
        expect([JSON.stringify(body).slice(0, 40), answer.status, answer.body.code]).toEqual([
          JSON.stringify(body).slice(0, 40),
          status,
          'validation_failed',
        ])
        expect(answer.body.error).toMatch(/text/)
      }
      const tooLong = await t().post(url, { text: 'x'.repeat(4001) }, { token: guest.token })
      expect(tooLong.body.error).toBe('text must be at most 4000 characters (it has 4001)')

      const starts: [unknown, number, string][] = [
        [{}, 400, 'validation_failed'],
        [{ place_id: place.id, booking_id: 'x' }, 400, 'validation_failed'],
        [{ place_id: place.id, text: '   ' }, 400, 'validation_failed'],
        [{ place_id: 'nope' }, 404, 'not_found'],
      ]
      for (const [body, status, code] of starts) {
        const answer = await t().post('/api/v1/conversations', body, { token: guest.token })
        expect([answer.status, answer.body.code]).toEqual([status, code])
      }
      const other = await enquiry(t(), (await t().place(host.token)).id, guest.token, 'Other')
      const foreign = await t().get(`/api/v1/conversations/${other.id}/messages`, { token: guest.token })
      for (const messageId of [foreign.body[0].id, 'not-an-id']) {
        const answer = await t().post(
          `/api/v1/conversations/${conversation.id}/read`,
          { message_id: messageId },
          { token: host.token },
        )
        expect([answer.status, answer.body.code]).toEqual([400, 'validation_failed'])
      }
      expect(await messageCount(t(), conversation.id)).toBe(before)
      expect(
        (await t().get(`/api/v1/conversations/${conversation.id}`, { token: host.token })).body.unread_count,
      ).toBe(before)
    })

    it('publishes message.created to the conversation and both sides, and conversation.read when a side reads', async () => {
      const { host, place, guest } = await setUp(t())
      const conversation = await enquiry(t(), place.id, guest.token)
      live.events.length = 0
      const message = await send(t(), conversation.id, guest.token, 'Live?')
      const created = live.events.filter((e) => e.type === 'message.created')
      expect(created.map((e) => e.topic).sort()).toEqual(
        [`conversation:${conversation.id}`, `user:${guest.id}`, `user:${host.id}`].sort(),
      )
      for (const event of created) expect(event.data).toEqual({ message })
      // The first unread message of a burst is an in-app notification of the host.
      const notified = live.on(`user:${host.id}`, 'notification.created')
      expect(notified).toHaveLength(1)
      expect(notified[0]!.data.notification).toMatchObject({
        kind: 'new_message',
        data: { conversation_id: conversation.id, message_id: message.id },
        read: false,
      })
      await send(t(), conversation.id, guest.token, 'Still there?')
      expect(live.on(`user:${host.id}`, 'notification.created')).toHaveLength(1)

      live.events.length = 0
      await t().post(`/api/v1/conversations/${conversation.id}/read`, {}, { token: host.token })
      const read = live.on(`conversation:${conversation.id}`, 'conversation.read')
      expect(read).toHaveLength(1)
      expect(read[0]!.data).toMatchObject({ conversation_id: conversation.id, user_id: host.id })
      expect(live.on(`user:${host.id}`, 'conversation.read')).toHaveLength(1)
      // Reading again moves nothing and publishes nothing.
      await t().post(`/api/v1/conversations/${conversation.id}/read`, {}, { token: host.token })
      expect(live.on(`conversation:${conversation.id}`, 'conversation.read')).toHaveLength(1)
    })

    it('logs each moderation access, naming the administrator and the conversation', async () => {
      const { place, guest } = await setUp(t())
      const conversation = await enquiry(t(), place.id, guest.token, 'Hello')
      const lines: string[] = []
      const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) })
      const { database } = t().app
      const messaging = new MessagingService({
        conversations: new MessagingRepository(database),
        places: new PlaceRepository(database),
        bookings: new BookingRepository(database),
        centre: t().app.services.notificationCentre,
        live: noLiveEvents,
        logger,
        now: Date.now,
        options: { notifyAfterMs: 60_000 },
      })
      const adminId = (await t().get('/api/v1/auth/me', { token: await t().adminToken() })).body.id
      await messaging.get(conversation.id, { id: adminId, isAdmin: true })
      await messaging.get(conversation.id, { id: guest.id, isAdmin: false })
      const logged = lines.map((line) => JSON.parse(line))
      expect(logged.map((l) => [l.msg, l.admin_id, l.conversation_id, l.action])).toEqual([
        ['conversation opened for moderation', adminId, conversation.id, 'open'],
      ])
    })

    it('tells the real-time tier who may follow a conversation', async () => {
      const { host, place, guest } = await setUp(t())
      const conversation = await enquiry(t(), place.id, guest.token, 'Hi')
      const stranger = await t().user()
      const { messaging } = t().app.services
      expect(await messaging.maySubscribe(guest.id, conversation.id)).toBe(true)
      expect(await messaging.maySubscribe(host.id, conversation.id)).toBe(true)
      expect(await messaging.maySubscribe(stranger.id, conversation.id)).toBe(false)
      expect(await messaging.maySubscribe(guest.id, 'not-a-conversation')).toBe(false)
    })

    it('emails a burst of unread messages once, after the delay, and not when they were read in time', async () => {
      await t().app.jobs.start()
      const { host, place, guest } = await setUp(t(), 'Olive grove cottage')
      // The host has a verified number: unread messages are texted too.
      const phone = `+3361${String(Date.now()).slice(-7)}`
      await t()
        .app.database.write.updateTable('users')
        .set({ phone, phone_verified_at: new Date().toISOString() })
        .where('id', '=', host.id)
        .execute()
      const conversation = await enquiry(t(), place.id, guest.token)
      const before = Date.now()
      const first = await send(t(), conversation.id, guest.token, 'Hello <host>')
      await send(t(), conversation.id, guest.token, 'Are pets allowed?')
      await send(t(), conversation.id, guest.token, 'We have a small dog.')
      const key = `message:${first.id}:${host.id}`
      const outbox = () =>
        t()
          .app.database.write.selectFrom('outbox')
          .selectAll()
          .where('dedupe_key', 'like', `message:%:${host.id}`)
          .execute()
      const rows = await outbox()
      expect(rows.map((r) => [r.dedupe_key, r.status])).toEqual([[key, 'pending']])
      // Due HBNB_MESSAGE_NOTIFY_AFTER_MINUTES (10 by default) after the first message.
      expect(Date.parse(rows[0]!.available_at)).toBeGreaterThanOrEqual(before + 10 * 60_000)
      expect(JSON.parse(rows[0]!.payload)).toEqual({
        kind: 'message',
        conversation_id: conversation.id,
        recipient_id: host.id,
        message_id: first.id,
      })

      // Time passes: the task falls due and the host has read nothing.
      const due = async (dedupeKey: string) => {
        await t()
          .app.database.write.updateTable('outbox')
          .set({ available_at: new Date().toISOString() })
          .where('dedupe_key', '=', dedupeKey)
          .execute()
        await waitFor(async () => {
          const row = await t()
            .app.database.write.selectFrom('outbox')
            .select('status')
            .where('dedupe_key', '=', dedupeKey)
            .executeTakeFirst()
          return row?.status === 'sent' ? true : undefined
        }, `task ${dedupeKey} handled`)
      }
      await due(key)
      const mails = await mailsWithKey(key)
      expect(mails.map((m) => [m.to, m.subject])).toEqual([
        [
          host.email,
          `3 new messages from ${/First\d+/.exec(JSON.stringify(conversation.guest))![0]} about Olive grove cottage`,
        ],
      ])
      expect(mails[0]!.raw).toMatch(/Content-Type: text\/plain[\s\S]*Hello <host>/)
      expect(mails[0]!.raw).toMatch(/Content-Type: text\/html[\s\S]*<p>Hello &lt;host&gt;<\/p>/)
      expect(await textsWithKey(`${key}:sms`)).toEqual([
        {
          to: phone,
          body: expect.stringMatching(/^HBNB: 3 new messages from First\d+ about Olive grove cottage\./),
        },
      ])
      // Handled again (a redelivery): still one email.
      await t().app.notifications.handle({
        name: 'notifications',
        payload: JSON.parse(rows[0]!.payload),
        dedupeKey: key,
        attempt: 2,
        dueAt: Date.now(),
      })
      expect(await mailsWithKey(key)).toHaveLength(1)

      // The burst goes on unread: no second task, no second email.
      await send(t(), conversation.id, guest.token, 'Any news?')
      expect((await outbox()).map((r) => r.dedupe_key)).toEqual([key])

      // Read in time: the next burst's task finds nothing to tell.
      await t().post(`/api/v1/conversations/${conversation.id}/read`, {}, { token: host.token })
      const next = await send(t(), conversation.id, guest.token, 'One more question')
      const nextKey = `message:${next.id}:${host.id}`
      expect((await outbox()).map((r) => r.dedupe_key)).toEqual([key, nextKey])
      await t().post(`/api/v1/conversations/${conversation.id}/read`, {}, { token: host.token })
      await due(nextKey)
      expect(await mailsWithKey(nextKey)).toEqual([])
      expect(await textsWithKey(`${nextKey}:sms`)).toEqual([])

      // Turned off by the host: not emailed, though unread.
      await t().put(
        '/api/v1/users/me/notification-preferences',
        { email: { new_message: false } },
        { token: host.token },
      )
      const muted = await send(t(), conversation.id, guest.token, 'Hello again')
      const mutedKey = `message:${muted.id}:${host.id}`
      await due(mutedKey)
      expect(await mailsWithKey(mutedKey)).toEqual([])
      // ... while texts, still on, are sent.
      expect(await textsWithKey(`${mutedKey}:sms`)).toHaveLength(1)
      // The guest's own messages never notify the guest.
      expect(await mailsWithKey(`:${guest.id}`)).toEqual([])
    })
  },
  { HBNB_DATA_DIR: dataDir, HBNB_TASK_POLL_MS: '20' },
  { live },
)

describeEachDriver(
  'messaging rate limit',
  (t) => {
    it('limits how many messages a user sends per minute (429), storing none over the limit', async () => {
      const { host, place, guest } = await setUp(t())
      // Starting a conversation counts as a send too.
      const conversation = await enquiry(t(), place.id, guest.token)
      const url = `/api/v1/conversations/${conversation.id}/messages`
      const statuses: number[] = []
      for (let i = 0; i < 5; i++)
        statuses.push((await t().post(url, { text: `n${i}` }, { token: guest.token })).status)
      expect(statuses).toEqual([201, 201, 201, 201, 429])
      const limited = await t().post(url, { text: 'again' }, { token: guest.token })
      expect([limited.status, limited.body.code]).toEqual([429, 'rate_limited'])
      expect(limited.headers['retry-after']).toBeDefined()
      expect(await messageCount(t(), conversation.id)).toBe(4)
      // The limit is the sender's: the other side still writes, reading is not limited.
      expect((await t().post(url, { text: 'host answers' }, { token: host.token })).status).toBe(201)
      expect((await t().get(url, { token: guest.token })).status).toBe(200)
    })
  },
  { HBNB_DATA_DIR: dataDir, HBNB_MESSAGE_RATE_LIMIT: '5' },
)
