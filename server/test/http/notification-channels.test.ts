// Notifications end to end: the real app over HTTP, emails to a real SMTP server on loopback, text
// messages to a local server speaking the Twilio API. Booking emails in each user's language, SMS
// only to verified numbers, phone verification by code, preferences, and the reminders of
// `hbnb beat` (driven by a fake clock), each sent exactly once.
import { afterAll, expect, it } from 'vitest'
import { addDays, localDate, localTimeToInstant } from '../../src/dates.js'
import { beatJobs } from '../../src/jobs/beat.js'
import { Scheduler } from '../../src/jobs/schedule.js'
import { fakeClock } from '../helpers/fake-clock.js'
import { FakeSmsApi } from '../helpers/fake-sms-api.js'
import { type CapturedMail, startSmtpServer } from '../helpers/smtp.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'
import { waitFor } from '../infra/mail-contract.js'

const smtp = await startSmtpServer()
const smtpUrl = smtp.url
const smsApi = new FakeSmsApi()
const smsUrl = await smsApi.start()
afterAll(async () => {
  await smtp.close()
  await smsApi.close()
})

const HOUR = 3_600_000
const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)
const TITLE = 'Loft <b>Mer</b> & Soleil'
const ESCAPED_TITLE = 'Loft &lt;b&gt;Mer&lt;/b&gt; &amp; Soleil'
let phones = Math.floor(Math.random() * 9_000_000)
const newPhone = () => `+3361${String(1_000_000 + (phones++ % 9_000_000)).padStart(7, '0')}`

type User = Awaited<ReturnType<TestApp['user']>>

async function mailsTo(address: string, count: number): Promise<CapturedMail[]> {
  return waitFor(async () => {
    const mails = smtp.to(address)
    return mails.length >= count ? mails : undefined
  }, `${count} email(s) to ${address}`)
}

async function smsTo(phone: string, count: number) {
  return waitFor(async () => {
    const messages = smsApi.to(phone)
    return messages.length >= count ? messages : undefined
  }, `${count} text message(s) to ${phone}`)
}

const codeIn = (body: string) => /\b(\d{6})\b/.exec(body)?.[1] ?? ''

/** Gives a user a verified phone number through the API. */
async function verifyPhone(t: TestApp, user: User): Promise<string> {
  const phone = newPhone()
  expect((await t.put('/api/v1/users/me/phone', { phone }, { token: user.token })).status).toBe(202)
  const [message] = await smsTo(phone, 1)
  const verified = await t.post(
    '/api/v1/users/me/phone/verify',
    { code: codeIn(message!.body) },
    { token: user.token },
  )
  expect(verified.status).toBe(200)
  expect(verified.body.phone).toBe(phone)
  return phone
}

async function outboxRow(t: TestApp, dedupeKey: string) {
  return t.app.database.write
    .selectFrom('outbox')
    .selectAll()
    .where('dedupe_key', '=', dedupeKey)
    .executeTakeFirst()
}

async function handled(t: TestApp, dedupeKey: string) {
  await waitFor(
    async () => ((await outboxRow(t, dedupeKey))?.status === 'sent' ? true : undefined),
    `${dedupeKey} handled`,
  )
}

/** Handles an outbox row's task again by hand, as a redelivery would. */
async function redeliver(t: TestApp, dedupeKey: string) {
  const row = (await outboxRow(t, dedupeKey))!
  await t.app.notifications.handle({
    name: row.task,
    payload: JSON.parse(row.payload),
    dedupeKey,
    attempt: 9,
    dueAt: Date.now(),
  })
}

async function book(t: TestApp, guest: User, placeId: string, from: number, nights = 2) {
  const response = await t.post(
    '/api/v1/bookings',
    { place_id: placeId, check_in: day(from), check_out: day(from + nights), guests: 1 },
    { token: guest.token },
  )
  expect(response.status).toBe(201)
  return response.body as { id: string; check_in: string; check_out: string }
}

/** Runs some of `hbnb beat`'s jobs from `start` to `end` on a clock that jumps from slot to slot. */
async function runBeat(t: TestApp, names: string[], start: number, end: number) {
  let scheduler!: Scheduler
  const clock = fakeClock(start, end, () => scheduler)
  const jobs = beatJobs({
    config: t.app.config,
    database: t.app.database,
    services: t.app.services,
    now: clock.now,
  }).filter((job) => names.includes(job.name))
  scheduler = new Scheduler(t.app.database, jobs, { clock, owner: 'test' })
  await scheduler.start()
  await scheduler.stop()
}

/** Makes reminder rows (due at the fake clock's time, days ahead) due now, so the runner sends them. */
async function releaseNow(t: TestApp, dedupeKey: string) {
  await t.app.database.write
    .updateTable('outbox')
    .set({ available_at: new Date().toISOString() })
    .where('dedupe_key', '=', dedupeKey)
    .execute()
}

describeEachDriver(
  'notifications by email and SMS',
  (t) => {
    it('verifies a phone number by a code sent by SMS: wrong, expired, too many attempts, rate limits', async () => {
      const user = await t().user()
      const phone = newPhone()
      expect((await t().put('/api/v1/users/me/phone', { phone })).status).toBe(401)
      const invalid = await t().put(
        '/api/v1/users/me/phone',
        { phone: '06 12 34 56 78' },
        { token: user.token },
      )
      expect(invalid.status).toBe(400)
      expect(invalid.body.code).toBe('invalid_phone')
      expect((await t().get('/api/v1/users/me/phone', { token: user.token })).body).toEqual({
        phone: null,
        verified_at: null,
        pending: null,
      })

      const sent = await t().put('/api/v1/users/me/phone', { phone }, { token: user.token })
      expect(sent.status).toBe(202)
      expect(sent.body.pending).toMatchObject({ phone, attempts_left: 5 })
      const [message] = await smsTo(phone, 1)
      expect(message!.body).toMatch(/^HBNB: your verification code is \d{6}\. It expires in 10 min\./)
      const code = codeIn(message!.body)
      const stored = await t()
        .app.database.write.selectFrom('phone_codes')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute()
      expect(stored).toHaveLength(1)
      expect(JSON.stringify(stored)).not.toContain(code)

      const again = await t().put('/api/v1/users/me/phone', { phone }, { token: user.token })
      expect(again.status).toBe(429)
      expect(again.body.code).toBe('code_sent_recently')
      expect(Number(again.headers['retry-after'])).toBeGreaterThan(0)
      expect(smsApi.to(phone)).toHaveLength(1)

      const wrong = await t().post(
        '/api/v1/users/me/phone/verify',
        { code: code === '000000' ? '111111' : '000000' },
        { token: user.token },
      )
      expect(wrong.status).toBe(400)
      expect(wrong.body).toMatchObject({
        code: 'wrong_code',
        error: 'Wrong code: 4 attempts left',
        details: { attempts_left: 4 },
      })
      const status = await t().get('/api/v1/users/me/phone', { token: user.token })
      expect(status.body).toMatchObject({ phone: null, pending: { phone, attempts_left: 4 } })

      const verified = await t().post('/api/v1/users/me/phone/verify', { code }, { token: user.token })
      expect(verified.status).toBe(200)
      expect(verified.body).toMatchObject({ phone, pending: null })
      expect(verified.body.verified_at).toMatch(/^\d{4}-/)
      const reused = await t().post('/api/v1/users/me/phone/verify', { code }, { token: user.token })
      expect(reused.status).toBe(400)
      expect(reused.body.code).toBe('no_code')
      // The phone number is never shown on the public profile.
      expect(JSON.stringify((await t().get(`/api/v1/users/${user.id}`)).body)).not.toContain(phone)

      // Too many wrong codes: the right one no longer works.
      const guesser = await t().user()
      const guessed = newPhone()
      await t().put('/api/v1/users/me/phone', { phone: guessed }, { token: guesser.token })
      const right = codeIn((await smsTo(guessed, 1))[0]!.body)
      const bad = right === '999999' ? '999998' : '999999'
      for (let attempt = 1; attempt <= 5; attempt++) {
        const answer = await t().post(
          '/api/v1/users/me/phone/verify',
          { code: bad },
          { token: guesser.token },
        )
        expect(answer.status).toBe(400)
        if (attempt === 5)
          expect(answer.body.error).toBe('Wrong code, and no attempts left: ask for a new one')
      }
      const locked = await t().post(
        '/api/v1/users/me/phone/verify',
        { code: right },
        { token: guesser.token },
      )
      expect(locked.status).toBe(429)
      expect(locked.body.code).toBe('too_many_attempts')
      expect((await t().get('/api/v1/users/me/phone', { token: guesser.token })).body.phone).toBeNull()

      // An expired code.
      const late = await t().user()
      const latePhone = newPhone()
      await t().put('/api/v1/users/me/phone', { phone: latePhone }, { token: late.token })
      const lateCode = codeIn((await smsTo(latePhone, 1))[0]!.body)
      await t()
        .app.database.write.updateTable('phone_codes')
        .set({ expires_at: '2000-01-01T00:00:00.000Z' })
        .where('user_id', '=', late.id)
        .execute()
      const expired = await t().post(
        '/api/v1/users/me/phone/verify',
        { code: lateCode },
        { token: late.token },
      )
      expect(expired.status).toBe(400)
      expect(expired.body.code).toBe('code_expired')

      // At most five codes an hour.
      for (let n = 0; n < 4; n++) {
        await t()
          .app.database.write.updateTable('phone_codes')
          .set({ created_at: new Date(Date.now() - (5 - n) * 2 * 60_000).toISOString() })
          .where('user_id', '=', late.id)
          .where('created_at', '>', new Date(Date.now() - 60_000).toISOString())
          .execute()
        expect(
          (await t().put('/api/v1/users/me/phone', { phone: latePhone }, { token: late.token })).status,
        ).toBe(202)
      }
      await t()
        .app.database.write.updateTable('phone_codes')
        .set({ created_at: new Date(Date.now() - 90_000).toISOString() })
        .where('user_id', '=', late.id)
        .where('created_at', '>', new Date(Date.now() - 60_000).toISOString())
        .execute()
      const limited = await t().put('/api/v1/users/me/phone', { phone: latePhone }, { token: late.token })
      expect(limited.status).toBe(429)
      expect(limited.body.code).toBe('too_many_codes')

      // Removing the number.
      expect((await t().delete('/api/v1/users/me/phone', { token: user.token })).status).toBe(200)
      expect((await t().get('/api/v1/users/me/phone', { token: user.token })).body.phone).toBeNull()
    })

    it('emails each booking change to the right people in their language, and texts verified numbers only, once', async () => {
      await t().app.jobs.start()
      const host = await t().user({ locale: 'fr' })
      const guest = await t().user()
      const frenchGuest = await t().user({ locale: 'fr' })
      const hostPhone = await verifyPhone(t(), host)
      const guestPhone = await verifyPhone(t(), guest)
      const onRequest = await t().place(host.token, {
        title: TITLE,
        price: 100,
        currency: 'EUR',
        city: 'Nice',
        timezone: 'Europe/Paris',
      })
      const instant = await t().place(host.token, {
        title: TITLE,
        price: 80,
        currency: 'EUR',
        instant_book: true,
      })

      // Requested: the host hears in French (email and SMS), the guest in English (email only).
      const request = await book(t(), guest, onRequest.id, 30)
      const requested = `booking:${request.id}:requested`
      await handled(t(), requested)
      const [toHost] = await mailsTo(host.email, 1)
      expect(toHost).toMatchObject({
        subject: `Nouvelle demande de réservation pour ${TITLE}`,
        dedupeKey: `${requested}:host`,
      })
      expect(toHost!.text).toContain('Bonjour First')
      expect(toHost!.text).toMatch(/total \d{3},\d\d\s€\./)
      expect(toHost!.html).toContain(ESCAPED_TITLE)
      expect(toHost!.html).not.toContain('<b>Mer')
      const requestSms = (await smsTo(hostPhone, 2))[1] // after the verification code
      expect(requestSms!.body).toMatch(
        /^HBNB : nouvelle demande de réservation pour Loft <b>Mer<\/b> & Soleil, du /,
      )
      const [toGuest] = await mailsTo(guest.email, 1)
      expect(toGuest!.subject).toBe(`Your booking request for ${TITLE} was sent`)
      expect(toGuest!.text).toContain('Check-in from 15:00')

      // Accepted: the guest gets the confirmation by email and SMS (English); the host by email only.
      expect(
        (await t().post(`/api/v1/bookings/${request.id}/accept`, undefined, { token: host.token })).status,
      ).toBe(200)
      await handled(t(), `booking:${request.id}:accepted`)
      const accepted = await mailsTo(guest.email, 2)
      expect(accepted[1]!.subject).toBe(`Your booking request for ${TITLE} was accepted`)
      expect((await mailsTo(host.email, 2))[1]!.subject).toBe(
        `Vous avez accepté une réservation pour ${TITLE}`,
      )
      const confirmedSms = (await smsTo(guestPhone, 2))[1]
      expect(confirmedSms!.body).toMatch(
        /^HBNB: your booking at Loft <b>Mer<\/b> & Soleil, .* is confirmed\./,
      )

      // Confirmed at once for a guest without a phone: French email, no SMS to anyone.
      const booked = await book(t(), frenchGuest, instant.id, 40)
      await handled(t(), `booking:${booked.id}:confirmed`)
      expect((await mailsTo(frenchGuest.email, 1))[0]!.subject).toBe(
        `Votre réservation pour ${TITLE} est confirmée`,
      )
      expect((await mailsTo(host.email, 3))[2]!.subject).toBe(`Nouvelle réservation pour ${TITLE}`)

      // Declined and cancelled: both sides, each in their language.
      const declined = await book(t(), frenchGuest, onRequest.id, 50)
      expect(
        (await t().post(`/api/v1/bookings/${declined.id}/decline`, undefined, { token: host.token })).status,
      ).toBe(200)
      await handled(t(), `booking:${declined.id}:declined`)
      expect(smtp.to(frenchGuest.email).map((m) => m.subject)).toContain(
        `Votre demande de réservation pour ${TITLE} a été refusée`,
      )
      expect(smtp.to(host.email).map((m) => m.subject)).toContain(
        `Vous avez refusé une demande de réservation pour ${TITLE}`,
      )
      expect(
        (await t().post(`/api/v1/bookings/${request.id}/cancel`, undefined, { token: guest.token })).status,
      ).toBe(200)
      await handled(t(), `booking:${request.id}:cancelled`)
      const cancelled = smtp.to(guest.email).at(-1)!
      expect(cancelled.subject).toBe(`Your booking at ${TITLE} was cancelled`)
      expect(cancelled.text).toContain('You cancelled this booking.')
      expect(smtp.to(host.email).at(-1)!.text).toContain('Le voyageur a annulé cette réservation')

      // SMS: the two requests to the host, one confirmation to the guest, nothing else.
      expect(smsApi.to(hostPhone).map((m) => m.body.slice(0, 30))).toEqual([
        'HBNB : votre code de vérificat',
        'HBNB : nouvelle demande de rés',
        'HBNB : nouvelle demande de rés',
      ])
      expect(smsApi.to(guestPhone)).toHaveLength(2) // the verification code and the confirmation

      // Exactly once: handling the tasks again sends nothing.
      const before = smtp.messages.length
      const texts = smsApi.messages.length
      await redeliver(t(), requested)
      await redeliver(t(), requested)
      await redeliver(t(), `booking:${request.id}:accepted`)
      expect(smtp.messages.length).toBe(before)
      expect(smsApi.messages.length).toBe(texts)
    })

    it('reads and changes notification preferences, refusing bad input without changing anything', async () => {
      const user = await t().user()
      const url = '/api/v1/users/me/notification-preferences'
      expect((await t().get(url)).status).toBe(401)
      const defaults = await t().get(url, { token: user.token })
      expect(defaults.status).toBe(200)
      expect(defaults.body).toEqual({
        email: {
          security: true,
          booking_requested: true,
          booking_confirmed: true,
          booking_declined: true,
          booking_cancelled: true,
          booking_expired: true,
          check_in_reminder: true,
          review_reminder: true,
          new_message: true,
          dates_freed: true,
        },
        sms: { booking_requested: true, booking_confirmed: true, check_in_reminder: true, new_message: true },
        in_app: {
          booking_requested: true,
          booking_confirmed: true,
          booking_declined: true,
          booking_cancelled: true,
          booking_expired: true,
          check_in_reminder: true,
          review_reminder: true,
          new_message: true,
          review_received: true,
          account: true,
        },
        phone: null,
      })

      const refusals: [unknown, number, string][] = [
        [{ email: { security: false } }, 400, 'preference_locked'],
        [{ email: { review_reminder: false, newsletter: true } }, 400, 'unknown_kind'],
        [{ sms: { review_reminder: false } }, 400, 'unknown_kind'],
        [{ email: { booking_confirmed: 'maybe' } }, 400, 'validation_failed'],
      ]
      for (const [body, status, code] of refusals) {
        const answer = await t().put(url, body, { token: user.token })
        expect([answer.status, answer.body.code]).toEqual([status, code])
      }
      expect((await t().get(url, { token: user.token })).body).toEqual(defaults.body)

      const changed = await t().put(
        url,
        { email: { review_reminder: false, security: true }, sms: { check_in_reminder: false } },
        { token: user.token },
      )
      expect(changed.status).toBe(200)
      expect(changed.body.email).toMatchObject({
        review_reminder: false,
        security: true,
        booking_confirmed: true,
      })
      expect(changed.body.sms).toEqual({
        booking_requested: true,
        booking_confirmed: true,
        check_in_reminder: false,
        new_message: true,
      })
      const back = await t().put(url, { email: { review_reminder: true } }, { token: user.token })
      expect(back.body.email.review_reminder).toBe(true)
      expect(back.body.sms.check_in_reminder).toBe(false)
    })

    it('honours preferences: a kind turned off is sent on neither channel it was turned off for', async () => {
      await t().app.jobs.start()
      const host = await t().user()
      const guest = await t().user()
      const guestPhone = await verifyPhone(t(), guest)
      const url = '/api/v1/users/me/notification-preferences'
      const off = await t().put(
        url,
        { email: { booking_confirmed: false }, sms: { booking_confirmed: false } },
        { token: guest.token },
      )
      expect(off.status).toBe(200)
      expect(off.body.phone).toBe(guestPhone)
      expect(
        (await t().put(url, { email: { booking_cancelled: false } }, { token: host.token })).status,
      ).toBe(200)
      const place = await t().place(host.token, { title: 'Quiet cabin', instant_book: true })

      const booking = await book(t(), guest, place.id, 60)
      await handled(t(), `booking:${booking.id}:confirmed`)
      expect((await mailsTo(host.email, 1))[0]!.subject).toBe('New booking at Quiet cabin')
      expect(smtp.to(guest.email)).toEqual([])
      expect(smsApi.to(guestPhone)).toHaveLength(1) // the verification code only

      expect(
        (await t().post(`/api/v1/bookings/${booking.id}/cancel`, undefined, { token: guest.token })).status,
      ).toBe(200)
      await handled(t(), `booking:${booking.id}:cancelled`)
      expect((await mailsTo(guest.email, 1))[0]!.subject).toBe('Your booking at Quiet cabin was cancelled')
      expect(smtp.to(host.email)).toHaveLength(1)
    })

    it('sends the check-in reminder once, 24 hours before check-in in the listing’s time zone', async () => {
      await t().app.jobs.start()
      const host = await t().user()
      const guest = await t().user({ locale: 'fr' })
      const guestPhone = await verifyPhone(t(), guest)
      const tokyo = await t().place(host.token, {
        title: 'Tokyo flat',
        timezone: 'Asia/Tokyo',
        check_in_time: '15:00',
        instant_book: true,
      })
      const la = await t().place(host.token, {
        title: 'LA bungalow',
        timezone: 'America/Los_Angeles',
        check_in_time: '16:00',
        instant_book: true,
      })
      const inTokyo = await book(t(), guest, tokyo.id, 20)
      const inLa = await book(t(), guest, la.id, 25)
      const tokyoCheckIn = localTimeToInstant(day(20), '15:00', 'Asia/Tokyo')
      const laCheckIn = localTimeToInstant(day(25), '16:00', 'America/Los_Angeles')

      await runBeat(t(), ['reminders.check_in'], tokyoCheckIn - 25 * HOUR, tokyoCheckIn - 23 * HOUR)
      await runBeat(t(), ['reminders.check_in'], laCheckIn - 25 * HOUR, laCheckIn - 23 * HOUR)
      const tokyoKey = `reminder:${inTokyo.id}:check_in`
      const laKey = `reminder:${inLa.id}:check_in`
      const rows = await t()
        .app.database.write.selectFrom('outbox')
        .select(['dedupe_key', 'created_at'])
        .where('dedupe_key', 'in', [tokyoKey, laKey])
        .orderBy('created_at')
        .execute()
      expect(rows).toEqual([
        { dedupe_key: tokyoKey, created_at: new Date(tokyoCheckIn - 24 * HOUR).toISOString() },
        { dedupe_key: laKey, created_at: new Date(laCheckIn - 24 * HOUR).toISOString() },
      ])

      await releaseNow(t(), tokyoKey)
      await handled(t(), tokyoKey)
      const reminder = (await mailsTo(guest.email, 3)).find((m) => m.dedupeKey === `${tokyoKey}:guest`)!
      expect(reminder.subject).toMatch(/^Rappel : votre séjour à Tokyo flat commence le \S+ \d+ \S+ \d{4}$/)
      expect(reminder.text).toContain('arrivée à partir de 15:00 (heure locale, Asia/Tokyo)')
      // The code, two confirmations and the reminder, in whichever order the runner sent them.
      const texts = await smsTo(guestPhone, 4)
      const reminderTexts = texts.filter((text) => text.body.includes('Tokyo flat commence'))
      expect(reminderTexts.map((text) => text.body)).toEqual([
        expect.stringMatching(/^HBNB : votre séjour à Tokyo flat commence le .*, arrivée à partir de 15:00/),
      ])

      // Once: the job running again, and the task handled again, send nothing more.
      const before = [smtp.messages.length, smsApi.messages.length]
      await runBeat(t(), ['reminders.check_in'], tokyoCheckIn - 2 * HOUR, tokyoCheckIn - HOUR)
      await redeliver(t(), tokyoKey)
      await redeliver(t(), tokyoKey)
      expect([smtp.messages.length, smsApi.messages.length]).toEqual(before)
    })

    it('reminds each side that has not reviewed a finished stay, once, a day after check-out', async () => {
      await t().app.jobs.start()
      const host = await t().user({ locale: 'fr' })
      const guest = await t().user()
      const place = await t().place(host.token, {
        title: 'Paris studio',
        timezone: 'Europe/Paris',
        check_out_time: '11:00',
        instant_book: true,
      })
      const booking = await book(t(), guest, place.id, 70)
      // The stay is over (what the `bookings.transitions` job does once check-out has passed).
      await t()
        .app.database.write.updateTable('bookings')
        .set({ status: 'completed' })
        .where('id', '=', booking.id)
        .execute()
      const review = await t().post(
        `/api/v1/bookings/${booking.id}/review`,
        {
          text: 'Lovely',
          rating: 5,
          ratings: { cleanliness: 5, accuracy: 5, communication: 5, location: 5, check_in: 5, value: 5 },
        },
        { token: guest.token },
      )
      expect(review.status).toBe(201)
      const checkOut = localTimeToInstant(day(72), '11:00', 'Europe/Paris')

      await runBeat(t(), ['reminders.review'], checkOut - HOUR, checkOut + 26 * HOUR)
      const key = `reminder:${booking.id}:review`
      expect((await outboxRow(t(), key))?.created_at).toBe(new Date(checkOut + 24 * HOUR).toISOString())
      await releaseNow(t(), key)
      await handled(t(), key)
      const reminder = (await mailsTo(host.email, 2)).find((m) => m.dedupeKey === `${key}:host`)!
      expect(reminder.subject).toMatch(/^Comment s'est passé le séjour de First\d+ \?$/)
      expect(smtp.to(guest.email).some((m) => m.dedupeKey.startsWith(key))).toBe(false)

      const before = smtp.messages.length
      await runBeat(t(), ['reminders.review'], checkOut + 30 * HOUR, checkOut + 32 * HOUR)
      await redeliver(t(), key)
      expect(smtp.messages.length).toBe(before)
    })

    it('welcomes a new sign-up in their language with the verification link', async () => {
      const email = `welcome-${Date.now()}@example.com`
      const signedUp = await t().post('/api/v1/auth/register', {
        first_name: 'Zoé',
        last_name: 'Martin',
        email,
        password: 'violet-lantern-harbour-73',
        locale: 'fr',
      })
      expect(signedUp.status).toBe(201)
      const [welcome] = await mailsTo(email, 1)
      expect(welcome!.subject).toBe('Bienvenue sur HBNB : confirmez votre adresse e-mail')
      expect(welcome!.text).toContain('Bienvenue sur HBNB, Zoé !')
      const token = /token=([A-Za-z0-9_-]+)/.exec(welcome!.text)![1]
      expect((await t().post('/api/v1/auth/verify-email', { token })).status).toBe(200)
    })
  },
  {
    HBNB_SMTP_URL: smtpUrl,
    HBNB_SMS_API_URL: smsUrl,
    HBNB_SMS_ACCOUNT_SID: smsApi.accountSid,
    HBNB_SMS_AUTH_TOKEN: smsApi.authToken,
    HBNB_SMS_FROM: '+15005550006',
    HBNB_TASK_POLL_MS: '20',
  },
)
