// Checkout holds over HTTP: one hold per night (the place-night key), expiry by the clock, one hold
// per guest, release, conversion into the holder's booking, what others see, and "dates freed".
import { mkdtempSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { addDays, localDate } from '../../src/dates.js'
import { RecordingLiveEvents } from '../helpers/live-events.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'
import { waitFor } from '../infra/mail-contract.js'

const dataDir = mkdtempSync(join(tmpdir(), 'hbnb-holds-'))
const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)
const HOLD_MS = 600_000
const after = (ms: number) => Date.now() + ms
/** What the apps publish (their task runner's "dates freed" alerts among it). */
const appLive = new RecordingLiveEvents()

type User = Awaited<ReturnType<TestApp['user']>>

async function listing(t: TestApp, terms: Record<string, unknown> = {}) {
  const owner = await t.user()
  const place = await t.place(owner.token, { title: 'Harbour cabin', price: 100, currency: 'EUR', ...terms })
  return { owner, place }
}

function hold(t: TestApp, placeId: string, user: User, from: number, to: number, guests = 1) {
  return t.post(
    `/api/v1/places/${placeId}/holds`,
    { check_in: day(from), check_out: day(to), guests },
    { token: user.token },
  )
}

function book(t: TestApp, placeId: string, user: User, from: number, to: number) {
  return t.post(
    '/api/v1/bookings',
    { place_id: placeId, check_in: day(from), check_out: day(to), guests: 1 },
    { token: user.token },
  )
}

async function calendar(t: TestApp, placeId: string, from: number, to: number, token?: string) {
  const response = await t.get(`/api/v1/places/${placeId}/calendar?from=${day(from)}&to=${day(to)}`, {
    token,
  })
  expect(response.status).toBe(200)
  return response
}

async function holdRows(t: TestApp, placeId: string) {
  return t.app.database.write
    .selectFrom('checkout_holds')
    .selectAll()
    .where('place_id', '=', placeId)
    .execute()
}

async function mailsTo(email: string): Promise<{ subject: string; key: string; raw: string }[]> {
  const dir = join(dataDir, 'mail')
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml'))
  const mails = []
  for (const name of names) {
    const raw = (await readFile(join(dir, name), 'utf8')).replace(/\r?\n[ \t]+/g, ' ')
    if (!raw.includes(`To: ${email}`)) continue
    mails.push({
      subject: /^Subject: (.*)$/m.exec(raw)?.[1] ?? '',
      key: /^X-HBNB-Dedupe-Key: (.*)$/im.exec(raw)?.[1] ?? '',
      raw,
    })
  }
  return mails
}

/** Waits until the runner has handled every task due now (so none runs while the app closes). */
async function tasksSettled(t: TestApp) {
  await waitFor(async () => {
    const due = await t.app.database.write
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where((eb) =>
        eb.or([
          eb('available_at', '<=', new Date().toISOString()),
          // Claimed by the runner for its first try, and running.
          eb.and([eb('attempts', '>', 0), eb('last_error', 'is', null)]),
        ]),
      )
      .execute()
    return due.length === 0 ? true : undefined
  }, 'the due tasks handled')
}

describeEachDriver(
  'checkout holds',
  (t) => {
    it('gives exactly one of 50 guests opening checkout for the same nights at once the hold', async () => {
      const { place } = await listing(t())
      const guests: User[] = []
      for (let i = 0; i < 50; i++) guests.push(await t().user())
      const responses = await Promise.all(guests.map((guest) => hold(t(), place.id, guest, 30, 33)))
      const won = responses.filter((r) => r.status === 201)
      expect(won).toHaveLength(1)
      const winner = won[0]!.body
      const refused = responses.filter((r) => r.status !== 201)
      expect(refused).toHaveLength(49)
      for (const response of refused) {
        expect(response.status).toBe(409)
        expect(response.body.code).toBe('dates_held')
        expect(response.body.error).toContain(`hold ends at ${winner.expires_at}`)
        expect(response.body.details.held_until).toBe(winner.expires_at)
        expect(response.body.details.unavailable_nights).toEqual([day(30), day(31), day(32)])
      }
      expect(await holdRows(t(), place.id)).toHaveLength(1)
      const nights = await t()
        .app.database.write.selectFrom('place_nights')
        .select(['night', 'kind'])
        .where('place_id', '=', place.id)
        .orderBy('night')
        .execute()
      expect(nights).toEqual([day(30), day(31), day(32)].map((night) => ({ night, kind: 'hold' })))
    }, 120_000)

    it('shows others held nights and when the hold ends, never who holds them; the holder sees the hold', async () => {
      const { owner, place } = await listing(t())
      const [holder, other] = [await t().user(), await t().user()]
      const taken = await hold(t(), place.id, holder, 20, 22, 2)
      expect(taken.status).toBe(201)
      expect(taken.body).toMatchObject({
        place_id: place.id,
        check_in: day(20),
        check_out: day(22),
        guests: 2,
      })
      expect(taken.body.seconds_left).toBeGreaterThan(590)
      expect(taken.body.seconds_left).toBeLessThanOrEqual(600)
      const until = taken.body.expires_at as string
      expect(Date.parse(until) - Date.parse(taken.body.created_at)).toBe(HOLD_MS)

      for (const token of [undefined, other.token, owner.token, await t().adminToken()]) {
        const response = await calendar(t(), place.id, 19, 23, token)
        expect(response.body.map((n: { status: string }) => n.status)).toEqual([
          'available',
          'held',
          'held',
          'available',
        ])
        expect(response.body[1]).toMatchObject({ date: day(20), held_until: until })
        expect(response.body[1]).not.toHaveProperty('booking_id')
        expect(response.body[1]).not.toHaveProperty('source')
        expect(response.text).not.toContain(holder.id)
        expect(response.text).not.toContain(taken.body.id)
      }

      const quoteUrl = `/api/v1/places/${place.id}/quote?check_in=${day(21)}&check_out=${day(24)}&guests=2`
      const theirs = await t().get(quoteUrl, { token: other.token })
      expect(theirs.body).toMatchObject({
        available: false,
        unavailable_nights: [day(21)],
        held_until: until,
      })
      expect(theirs.body).not.toHaveProperty('hold')
      expect(theirs.text).not.toContain(holder.id)
      const mine = await t().get(
        `/api/v1/places/${place.id}/quote?check_in=${day(20)}&check_out=${day(22)}&guests=2`,
        { token: holder.token },
      )
      expect(mine.body).toMatchObject({ available: true, unavailable_nights: [] })
      expect(mine.body.hold).toMatchObject({ id: taken.body.id, expires_at: until })
      expect(mine.body).not.toHaveProperty('held_until')

      const current = await t().get('/api/v1/holds/current', { token: holder.token })
      expect(current.status).toBe(200)
      expect(current.body).toMatchObject({ id: taken.body.id, expires_at: until })
      const none = await t().get('/api/v1/holds/current', { token: other.token })
      expect(none.status).toBe(404)
      expect(none.body.code).toBe('no_hold')

      // Held places are left out of searches for those dates while the hold lasts.
      const search = await t().get(
        `/api/v1/search?check_in=${day(20)}&check_out=${day(22)}&q=${encodeURIComponent('Harbour cabin')}`,
      )
      expect(search.status).toBe(200)
      expect(JSON.stringify(search.body)).not.toContain(place.id)
    })

    it('lets an ended hold free its nights by the clock alone, before and after the sweep', async () => {
      const { place } = await listing(t())
      const [holder, next] = [await t().user(), await t().user()]
      expect((await hold(t(), place.id, holder, 40, 43)).status).toBe(201)
      expect((await hold(t(), place.id, next, 42, 44)).status).toBe(409)

      const later = t().servicesAt(after(HOLD_MS + 1000))
      // Not swept yet: the row is there, yet it takes nothing.
      expect(await holdRows(t(), place.id)).toHaveLength(1)
      const nights = await later.calendar.nights(place.id, { from: day(40), to: day(43) }, null)
      expect(nights.map((n) => n.status)).toEqual(['available', 'available', 'available'])
      const quote = await later.bookings.quote(
        place.id,
        { check_in: day(40), check_out: day(43), guests: 1 },
        null,
      )
      expect(quote.available).toBe(true)
      await expect(later.holds.current({ id: holder.id, isAdmin: false })).rejects.toMatchObject({
        status: 404,
      })
      // Another guest's hold replaces the ended one's rows in its own transaction.
      const taken = await later.holds.take({ id: next.id, isAdmin: false }, place.id, {
        check_in: day(42),
        check_out: day(44),
        guests: 1,
      })
      expect(taken.created).toBe(true)
      // The sweep removes what is left of the ended hold, and only that.
      expect(await later.holds.expireDue()).toMatchObject({ expired: expect.any(Number) })
      const left = await holdRows(t(), place.id)
      expect(left.map((row) => row.guest_id)).toEqual([next.id])
      const rows = await t()
        .app.database.write.selectFrom('place_nights')
        .select(['night', 'kind', 'source'])
        .where('place_id', '=', place.id)
        .orderBy('night')
        .execute()
      expect(rows).toEqual([
        { night: day(42), kind: 'hold', source: taken.hold.id },
        { night: day(43), kind: 'hold', source: taken.hold.id },
      ])
      // A booking lands on nights an ended hold had, too.
      const stale = await hold(t(), place.id, holder, 50, 52)
      expect(stale.status).toBe(201)
      const laterStill = t().servicesAt(after(HOLD_MS + 1000))
      const booked = await laterStill.bookings.create(
        { id: next.id, isAdmin: false },
        {
          place_id: place.id,
          check_in: day(50),
          check_out: day(52),
          guests: 1,
        },
      )
      expect(booked.booking.status).toBe('pending')

      // Rows of a hold whose row went with its guest's account take nothing, and the sweep deletes them.
      expect((await hold(t(), place.id, holder, 55, 56)).status).toBe(201)
      await t().app.database.write.deleteFrom('checkout_holds').where('guest_id', '=', holder.id).execute()
      await laterStill.holds.expireDue()
      const orphans = await t()
        .app.database.write.selectFrom('place_nights')
        .select('night')
        .where('place_id', '=', place.id)
        .where('night', '=', day(55))
        .execute()
      expect(orphans).toEqual([])
    })

    it('never lets a hold and a booking share a night: others are refused, the holder books it', async () => {
      const { place } = await listing(t(), { instant_book: true })
      const [holder, other] = [await t().user(), await t().user()]
      const held = await hold(t(), place.id, holder, 60, 63)
      expect(held.status).toBe(201)

      const refused = await book(t(), place.id, other, 62, 64)
      expect(refused.status).toBe(409)
      expect(refused.body.code).toBe('dates_held')
      expect(refused.body.details.held_until).toBe(held.body.expires_at)

      const booked = await book(t(), place.id, holder, 60, 63)
      expect(booked.status).toBe(201)
      expect(booked.body.status).toBe('confirmed')
      expect(await holdRows(t(), place.id)).toEqual([])
      expect((await t().get('/api/v1/holds/current', { token: holder.token })).status).toBe(404)
      const nights = await calendar(t(), place.id, 60, 63)
      expect(nights.body.map((n: { status: string }) => n.status)).toEqual(['booked', 'booked', 'booked'])

      // Booked nights refuse holds, with the booking conflict's code.
      const late = await hold(t(), place.id, other, 59, 61)
      expect(late.status).toBe(409)
      expect(late.body.code).toBe('dates_unavailable')
      expect(late.body.details.unavailable_nights).toEqual([day(60)])
      expect(await holdRows(t(), place.id)).toEqual([])
    })

    it('races holds and bookings of the same nights: never both on one night', async () => {
      const { place } = await listing(t(), { instant_book: true })
      const guests: User[] = []
      for (let i = 0; i < 12; i++) guests.push(await t().user())
      const responses = await Promise.all(
        guests.map((guest, i) =>
          i % 2 ? book(t(), place.id, guest, 70, 72) : hold(t(), place.id, guest, 71, 73),
        ),
      )
      expect(responses.filter((r) => r.status === 201)).toHaveLength(1)
      for (const response of responses.filter((r) => r.status !== 201)) expect(response.status).toBe(409)
      const rows = await t()
        .app.database.write.selectFrom('place_nights')
        .select(['night', 'kind'])
        .where('place_id', '=', place.id)
        .execute()
      expect(new Set(rows.map((r) => r.kind)).size).toBe(1)
    }, 60_000)

    it('keeps one hold per guest: a new one releases the previous; the same stay returns the same hold', async () => {
      const { place } = await listing(t())
      const { place: second } = await listing(t())
      const guest = await t().user()
      const first = await hold(t(), place.id, guest, 80, 82)
      expect(first.status).toBe(201)
      const again = await hold(t(), place.id, guest, 80, 82)
      expect(again.status).toBe(200)
      expect(again.body).toMatchObject({ id: first.body.id, expires_at: first.body.expires_at })

      const moved = await hold(t(), second.id, guest, 85, 86)
      expect(moved.status).toBe(201)
      const rows = await t()
        .app.database.write.selectFrom('checkout_holds')
        .select(['id', 'place_id'])
        .where('guest_id', '=', guest.id)
        .execute()
      expect(rows).toEqual([{ id: moved.body.id, place_id: second.id }])
      const freed = await calendar(t(), place.id, 80, 82)
      expect(freed.body.map((n: { status: string }) => n.status)).toEqual(['available', 'available'])
      expect((await t().get('/api/v1/holds/current', { token: guest.token })).body.id).toBe(moved.body.id)
    })

    it('releases a hold for its holder only', async () => {
      const { place } = await listing(t())
      const [holder, other] = [await t().user(), await t().user()]
      const held = await hold(t(), place.id, holder, 90, 92)
      const url = `/api/v1/holds/${held.body.id}`
      expect((await t().delete(url, { token: other.token })).status).toBe(404)
      expect((await t().delete(url, { token: await t().adminToken() })).status).toBe(404)
      expect((await t().delete(url)).status).toBe(401)
      expect((await calendar(t(), place.id, 90, 91)).body[0].status).toBe('held')
      const released = await t().delete(url, { token: holder.token })
      expect(released.status).toBe(200)
      expect((await calendar(t(), place.id, 90, 92)).body.map((n: { status: string }) => n.status)).toEqual([
        'available',
        'available',
      ])
      expect((await t().delete(url, { token: holder.token })).status).toBe(404)
      expect((await hold(t(), place.id, other, 90, 92)).status).toBe(201)
    })

    it('refuses bad holds with a 4xx and changes nothing', async () => {
      const { owner, place } = await listing(t(), { min_nights: 2 })
      const guest = await t().user()
      const cases: [Promise<{ status: number; body: any }>, number, string?][] = [
        [hold(t(), place.id, owner, 10, 12), 400, 'own_place'],
        [hold(t(), place.id, guest, 10, 11), 400],
        [hold(t(), place.id, guest, 12, 10), 400],
        [hold(t(), place.id, guest, -3, -1), 400],
        [hold(t(), '00000000-0000-0000-0000-000000000000', guest, 10, 12), 404],
        [
          t().post(
            `/api/v1/places/${place.id}/holds`,
            { check_in: 'soon', check_out: day(12) },
            { token: guest.token },
          ),
          400,
        ],
        [t().post(`/api/v1/places/${place.id}/holds`, { check_in: day(10), check_out: day(12) }), 401],
        [hold(t(), place.id, guest, 10, 12, 0), 400],
      ]
      for (const [pending, status, code] of cases) {
        const response = await pending
        expect(response.status).toBe(status)
        expect(typeof response.body.error).toBe('string')
        if (code) expect(response.body.code).toBe(code)
      }
      expect(await holdRows(t(), place.id)).toEqual([])
      const draft = await t().put(`/api/v1/places/${place.id}`, { status: 'draft' }, { token: owner.token })
      if (draft.status === 200) {
        const closed = await hold(t(), place.id, guest, 10, 12)
        expect([404, 409]).toContain(closed.status)
        expect(await holdRows(t(), place.id)).toEqual([])
      }
    })

    describe('dates freed', () => {
      /** The `freed_nights` task of `cause`, written with the change; handled once made due now. */
      async function freedNightsHandled(cause: string) {
        const key = `freed_nights:${cause}`
        const rows = () =>
          t().app.database.write.selectFrom('outbox').select('status').where('dedupe_key', '=', key).execute()
        expect(await rows()).toHaveLength(1)
        await t()
          .app.database.write.updateTable('outbox')
          .set({ available_at: new Date().toISOString() })
          .where('dedupe_key', '=', key)
          .where('status', '=', 'pending')
          .execute()
        await waitFor(async () => ((await rows())[0]?.status === 'sent' ? true : undefined), `${key} handled`)
      }
      const freed = (recording: RecordingLiveEvents, id: string) =>
        recording.on(`user:${id}`).filter((e) => e.type === 'dates.freed')

      it('tells the interested guests live and by email, once a day, when a hold ends', async () => {
        await t().app.jobs.start()
        const { owner, place } = await listing(t(), { title: 'Lighthouse loft' })
        const [holder, wisher, refused, bystander] = [
          await t().user(),
          await t().user(),
          await t().user(),
          await t().user(),
        ]
        const list = await t().post('/api/v1/wishlists', { name: 'Someday' }, { token: wisher.token })
        expect(list.status).toBe(201)
        const added = await t().put(`/api/v1/wishlists/${list.body.id}/places/${place.id}`, undefined, {
          token: wisher.token,
        })
        expect(added.status).toBe(201)

        const live = new RecordingLiveEvents()
        const now = t().servicesAt(Date.now(), live)
        const taken = await now.holds.take({ id: holder.id, isAdmin: false }, place.id, {
          check_in: day(100),
          check_out: day(103),
          guests: 1,
        })
        expect(live.typesOn(`place:${place.id}`)).toEqual(['hold.started', 'availability.changed'])
        expect(live.on(`place:${place.id}`)[1]!.data).toEqual({
          place_id: place.id,
          from: day(100),
          to: day(103),
        })
        expect(JSON.stringify(live.events)).not.toContain(holder.id)
        expect((await hold(t(), place.id, refused, 102, 104)).status).toBe(409)

        const later = t().servicesAt(Date.parse(taken.hold.expires_at) + 1000, live)
        // (Holds of the suite's other tests end by then too.)
        expect((await later.holds.expireDue()).expired).toBeGreaterThanOrEqual(1)
        expect(await holdRows(t(), place.id)).toEqual([])
        expect(live.typesOn(`place:${place.id}`)).toEqual([
          'hold.started',
          'availability.changed',
          'hold.ended',
          'availability.changed',
        ])
        expect(live.on(`place:${place.id}`)[2]!.data).toMatchObject({ reason: 'expired' })
        // The alerts are a task written with the hold's removal (a process that dies after it loses
        // none); the runner tells the guests, from the app.
        for (const guest of [wisher, refused]) expect(freed(appLive, guest.id)).toEqual([])
        await freedNightsHandled(`hold:${taken.hold.id}`)
        for (const guest of [wisher, refused]) {
          expect(freed(appLive, guest.id)).toEqual([
            {
              topic: `user:${guest.id}`,
              type: 'dates.freed',
              data: {
                place_id: place.id,
                place_title: 'Lighthouse loft',
                nights: [day(100), day(101), day(102)],
              },
            },
          ])
        }
        for (const guest of [holder, bystander, owner]) expect(freed(appLive, guest.id)).toEqual([])

        const mails = await waitFor(async () => {
          const found = [...(await mailsTo(wisher.email)), ...(await mailsTo(refused.email))]
          return found.length >= 2 ? found : undefined
        }, 'two dates freed emails')
        expect(mails.map((m) => m.subject)).toEqual([
          'Dates at Lighthouse loft are free again',
          'Dates at Lighthouse loft are free again',
        ])
        expect(mails[0]!.key).toMatch(/^dates_freed:/)

        // Freed again the same day (a hold taken and released): no second alert.
        const sameDay = Date.parse(taken.hold.expires_at) + 2000
        const again = await t()
          .servicesAt(sameDay, live)
          .holds.take({ id: holder.id, isAdmin: false }, place.id, {
            check_in: day(100),
            check_out: day(101),
            guests: 1,
          })
        await t().servicesAt(sameDay, live).holds.release({ id: holder.id, isAdmin: false }, again.hold.id)
        await freedNightsHandled(`hold:${again.hold.id}`)
        expect(freed(appLive, wisher.id)).toHaveLength(1)
        const outbox = await t()
          .app.database.write.selectFrom('outbox')
          .select('dedupe_key')
          .where('dedupe_key', 'like', `dates_freed:%:${place.id}:%`)
          .execute()
        expect(outbox).toHaveLength(2)
        await tasksSettled(t())
        expect(await mailsTo(wisher.email)).toHaveLength(1)
        expect(await mailsTo(refused.email)).toHaveLength(1)
      })

      it('tells them when a booking is cancelled or a host unblocks, for nights still to come only', async () => {
        await t().app.jobs.start()
        const { owner, place } = await listing(t(), { instant_book: true })
        const [booker, wisher] = [await t().user(), await t().user()]
        const list = await t().post('/api/v1/wishlists', { name: 'Later' }, { token: wisher.token })
        await t().put(`/api/v1/wishlists/${list.body.id}/places/${place.id}`, undefined, {
          token: wisher.token,
        })
        const booked = await book(t(), place.id, booker, 110, 112)
        expect(booked.status).toBe(201)

        const live = new RecordingLiveEvents()
        const services = t().servicesAt(Date.now(), live)
        await services.bookings.cancel(booked.body.id, { id: booker.id, isAdmin: false })
        await freedNightsHandled(`booking:${booked.body.id}:cancelled`)
        expect(freed(appLive, wisher.id).map((e) => e.data.nights)).toEqual([[day(110), day(111)]])
        expect(freed(appLive, booker.id)).toEqual([])

        // Past nights are never announced; the day's alert was given already for this place.
        const blocked = await t().post(
          `/api/v1/places/${place.id}/calendar/block`,
          { from: day(120), to: day(121) },
          { token: owner.token },
        )
        expect(blocked.status).toBe(200)
        await services.calendar.unblock(
          place.id,
          { from: day(120), to: day(121) },
          { id: owner.id, isAdmin: false },
        )
        const unblocks = await t()
          .app.database.write.selectFrom('outbox')
          .select('dedupe_key')
          .where('dedupe_key', 'like', 'freed_nights:unblock:%')
          .where('payload', 'like', `%${place.id}%`)
          .execute()
        expect(unblocks).toHaveLength(1)
        await freedNightsHandled(unblocks[0]!.dedupe_key.slice('freed_nights:'.length))
        expect(freed(appLive, wisher.id)).toHaveLength(1)
        const tomorrow = t().servicesAt(after(86_400_000), live)
        expect(
          await tomorrow.freedDates.announce({ place_id: place.id, from: day(-5), to: day(0), except: [] }),
        ).toBe(0)
        expect(
          await tomorrow.freedDates.announce({
            place_id: place.id,
            from: day(120),
            to: day(121),
            except: [],
          }),
        ).toBe(1)
        expect(freed(live, wisher.id)).toHaveLength(1)

        // Announcements racing (two processes freeing nights of the place at once): one alert each.
        const more = [await t().user(), await t().user(), await t().user()]
        for (const guest of more) {
          const own = await t().post('/api/v1/wishlists', { name: 'Maybe' }, { token: guest.token })
          await t().put(`/api/v1/wishlists/${own.body.id}/places/${place.id}`, undefined, {
            token: guest.token,
          })
        }
        const dayAfter = [0, 1, 2].map(() => t().servicesAt(after(2 * 86_400_000), live).freedDates)
        const told = await Promise.all(
          dayAfter.map((alerts) =>
            alerts.announce({ place_id: place.id, from: day(120), to: day(121), except: [] }),
          ),
        )
        expect(told.reduce((sum, n) => sum + n, 0)).toBe(4)
        for (const guest of [wisher, ...more]) {
          const alerts = await t()
            .app.database.write.selectFrom('dates_freed_alerts')
            .select('day')
            .where('guest_id', '=', guest.id)
            .where('place_id', '=', place.id)
            .execute()
          expect(alerts.length).toBe(guest === wisher ? 3 : 1)
        }
        await tasksSettled(t())
      })
    })
  },
  { HBNB_DATA_DIR: dataDir, HBNB_TASK_POLL_MS: '20' },
  { live: appLive },
)
