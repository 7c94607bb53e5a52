// Booking emails: written to the outbox in the booking's transaction, sent by the in-process task
// runner through the embedded mail driver (files under <data dir>/mail), each exactly once.
import { mkdtempSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { addDays, localDate } from '../../src/dates.js'
import { sample, scrape } from '../helpers/metrics.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'
import { waitFor } from '../infra/mail-contract.js'

const dataDir = mkdtempSync(join(tmpdir(), 'hbnb-notifications-'))
const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)
const SENT_EMAILS = 'hbnb_messages_sent_total{channel="email",outcome="sent"}'

interface Mail {
  to: string
  subject: string
  key: string
  raw: string
}

/** Undoes quoted-printable soft line breaks and escapes, so bodies can be matched as written. */
function decodeQuotedPrintable(raw: string): string {
  return Buffer.from(
    raw
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  ).toString('utf8')
}

/** Every email of the mail directory about a booking (unfolded headers). */
async function mailsAbout(bookingId: string): Promise<Mail[]> {
  const dir = join(dataDir, 'mail')
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml'))
  const mails: Mail[] = []
  for (const name of names) {
    const raw = decodeQuotedPrintable(await readFile(join(dir, name), 'utf8')).replace(/\r?\n[ \t]+/g, ' ')
    const key = /^X-HBNB-Dedupe-Key: (.*)$/im.exec(raw)?.[1] ?? ''
    if (!key.includes(bookingId)) continue
    mails.push({
      to: /^To: (.*)$/m.exec(raw)?.[1] ?? '',
      subject: /^Subject: (.*)$/m.exec(raw)?.[1] ?? '',
      key,
      raw,
    })
  }
  return mails.sort((a, b) => a.key.localeCompare(b.key))
}

async function waitForMails(bookingId: string, count: number): Promise<Mail[]> {
  return waitFor(async () => {
    const mails = await mailsAbout(bookingId)
    return mails.length >= count ? mails : undefined
  }, `${count} email(s) about booking ${bookingId}`)
}

async function outboxOf(t: TestApp, bookingId: string) {
  return t.app.database.write
    .selectFrom('outbox')
    .selectAll()
    .where('dedupe_key', 'like', `booking:${bookingId}:%`)
    .orderBy('id')
    .execute()
}

async function setUp(t: TestApp, terms: Record<string, unknown> = {}) {
  const owner = await t.user()
  const place = await t.place(owner.token, { title: 'Sea view loft', price: 100, currency: 'EUR', ...terms })
  const guest = await t.user()
  return { owner, place, guest }
}

describeEachDriver(
  'booking notifications',
  (t) => {
    it('emails the guest and the host once when a booking is confirmed, even when the task is delivered again', async () => {
      await t().app.jobs.start()
      const { owner, place, guest } = await setUp(t(), { instant_book: true })
      const created = await t().post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(20), check_out: day(22), guests: 1 },
        { token: guest.token },
      )
      expect(created.status).toBe(201)
      const id = created.body.id as string

      const mails = await waitForMails(id, 2)
      expect(mails.map((m) => [m.to, m.key, m.subject])).toEqual([
        [guest.email, `booking:${id}:confirmed:guest`, 'Your booking at Sea view loft is confirmed'],
        [owner.email, `booking:${id}:confirmed:host`, 'New booking at Sea view loft'],
      ])
      expect(mails[0]!.raw).toMatch(/Content-Type: text\/plain[\s\S]*Your stay is booked\./)
      expect(mails[0]!.raw).toMatch(
        /Content-Type: text\/html[\s\S]*<p>Your stay is booked\. Have a good trip!<\/p>/,
      )
      await waitFor(async () => ((await outboxOf(t(), id))[0]?.status === 'sent' ? true : undefined), 'sent')

      // The row is delivered again (as when a runner died between sending and acknowledging,
      // and its lease ended) ...
      await t()
        .app.database.write.updateTable('outbox')
        .set({ status: 'pending', sent_at: null, available_at: new Date().toISOString() })
        .where('dedupe_key', '=', `booking:${id}:confirmed`)
        .execute()
      await waitFor(
        async () => ((await outboxOf(t(), id))[0]?.status === 'sent' ? true : undefined),
        'resent',
      )
      const [row] = await outboxOf(t(), id)
      expect(row).toMatchObject({ status: 'sent', attempts: 2, last_error: null })
      // ... and handled twice more by hand: still one email each.
      const delivery = {
        name: 'notifications',
        payload: JSON.parse(row!.payload),
        dedupeKey: row!.dedupe_key,
        dueAt: Date.now(),
      }
      const before = sample(await scrape(t()), SENT_EMAILS)
      await t().app.notifications.handle({ ...delivery, attempt: 3 })
      await t().app.notifications.handle({ ...delivery, attempt: 4 })
      expect(await mailsAbout(id)).toHaveLength(2)
      // Operators count what went out: nothing more for the repeated deliveries.
      expect(before).toBeGreaterThanOrEqual(2)
      expect(sample(await scrape(t()), SENT_EMAILS)).toBe(before)
    })

    it('writes one outbox row per booking change, in the change, and none for a refused change', async () => {
      const { owner, place, guest } = await setUp(t())
      const stay = { place_id: place.id, check_in: day(30), check_out: day(33), guests: 2 }
      const request = await t().post('/api/v1/bookings', stay, { token: guest.token })
      expect(request.status).toBe(201)
      const id = request.body.id as string
      const other = await t().user()
      expect((await t().post('/api/v1/bookings', stay, { token: other.token })).status).toBe(409)

      const accepted = await t().post(`/api/v1/bookings/${id}/accept`, undefined, { token: owner.token })
      expect(accepted.status).toBe(200)
      expect(
        (await t().post(`/api/v1/bookings/${id}/accept`, undefined, { token: owner.token })).status,
      ).toBe(409)
      expect(
        (await t().post(`/api/v1/bookings/${id}/cancel`, undefined, { token: guest.token })).status,
      ).toBe(200)

      const rows = await outboxOf(t(), id)
      expect(rows.map((r) => [r.task, r.dedupe_key, JSON.parse(r.payload)])).toEqual(
        ['requested', 'accepted', 'cancelled'].map((event) => [
          'notifications',
          `booking:${id}:${event}`,
          { kind: 'booking', event, booking_id: id },
        ]),
      )
      const mails = await waitForMails(id, 6)
      expect(mails.map((m) => [m.key.slice(`booking:${id}:`.length), m.to])).toEqual([
        ['accepted:guest', guest.email],
        ['accepted:host', owner.email],
        ['cancelled:guest', guest.email],
        ['cancelled:host', owner.email],
        ['requested:guest', guest.email],
        ['requested:host', owner.email],
      ])
      // No booking was made by the refused request, so nobody else heard of it.
      expect(
        await t()
          .app.database.write.selectFrom('sent_messages')
          .select('recipient')
          .where('recipient', '=', other.email)
          .execute(),
      ).toEqual([])
    })

    it('tells both sides when a request is declined or expires', async () => {
      const { owner, place, guest } = await setUp(t())
      const book = (offset: number) =>
        t().post(
          '/api/v1/bookings',
          { place_id: place.id, check_in: day(offset), check_out: day(offset + 2), guests: 1 },
          { token: guest.token },
        )
      const declinedId = (await book(40)).body.id as string
      expect(
        (await t().post(`/api/v1/bookings/${declinedId}/decline`, undefined, { token: owner.token })).status,
      ).toBe(200)
      const expiringId = (await book(50)).body.id as string
      const later = t().servicesAt(Date.now() + 25 * 3_600_000).bookings
      expect((await later.runDueTransitions()).expired).toBeGreaterThanOrEqual(1)
      // That service's clock is a day ahead, and so is its outbox row: bring the row due now.
      await t()
        .app.database.write.updateTable('outbox')
        .set({ available_at: new Date().toISOString() })
        .where('dedupe_key', '=', `booking:${expiringId}:expired`)
        .execute()

      const declined = await waitForMails(declinedId, 4)
      expect(declined.map((m) => [m.key.split(':').slice(2).join(':'), m.to])).toEqual([
        ['declined:guest', guest.email],
        ['declined:host', owner.email],
        ['requested:guest', guest.email],
        ['requested:host', owner.email],
      ])
      const expired = await waitForMails(expiringId, 4)
      expect(expired.map((m) => m.key.split(':').slice(2).join(':'))).toEqual([
        'expired:guest',
        'expired:host',
        'requested:guest',
        'requested:host',
      ])
      expect(expired[0]!.subject).toBe('Your booking request for Sea view loft expired')
    })
  },
  { HBNB_DATA_DIR: dataDir, HBNB_TASK_POLL_MS: '20' },
)
