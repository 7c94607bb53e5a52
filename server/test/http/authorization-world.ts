// The fixture world of the authorization matrix (authorization-matrix.test.ts): the people who play
// each caller and the objects they own, built through the API, plus makers of fresh objects for
// cells whose request changes or uses up what it acts on.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addDays, localDate } from '../../src/dates.js'
import { multipartBody, smallPng } from '../helpers/images.js'
import { decodeQuotedPrintable } from '../helpers/smtp.js'
import { ADMIN, type TestApp } from '../helpers/test-app.js'
import { waitFor } from '../infra/mail-contract.js'

/** The people of the world. `host` owns the main places; `guest` books and reviews them. */
export type PersonKey = 'host' | 'guest' | 'other' | 'otherHost' | 'admin'

export interface Person {
  id: string
  email: string
  password: string
  token: string
  /** A phone number of their own (E.164), for the phone verification routes. */
  phone: string
}

/** The directories the suite's app uses: its data (mail and SMS files) and a minimal web client. */
export function suiteDirectories() {
  const root = mkdtempSync(join(tmpdir(), 'hbnb-authz-'))
  const web = join(root, 'web')
  mkdirSync(web)
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>HBNB</title>')
  writeFileSync(join(web, 'app.js'), 'console.log("HBNB")')
  return { dataDir: join(root, 'data'), webDir: web }
}

const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)
const DAY = 86_400_000
/** Hidden stay reviews made for the cells that delete one (one per caller of the case). */
const HIDDEN_REVIEW_POOL = 6
const RATINGS = { cleanliness: 5, accuracy: 4, communication: 5, location: 3, check_in: 5, value: 4 }

async function expectStatus(response: { status: number; text: string }, status: number, what: string) {
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${response.text}`)
}

export class World {
  readonly people = {} as Record<PersonKey, Person>
  /** Published, request-to-book, owned by `host`; booked and reviewed by `guest`. */
  place = ''
  /** A draft of `host`: it exists only for them and admins. */
  draft = ''
  /** A place of `host` suspended by an admin. */
  suspended = ''
  /** Published, owned by `otherHost`. */
  otherPlace = ''
  amenity = ''
  /** `guest`'s open (HBnB) review of `place`. */
  review = ''
  /** `guest`'s review of a place of `host` that went back to draft after it. */
  draftPlaceReview = ''
  /** `guest`'s review of a completed stay at `place`, hidden until `host` reviews `guest`. */
  hiddenReview = ''
  /** More such hidden reviews, one per cell that deletes one. */
  private hiddenReviewPool: string[] = []
  /** A completed stay of `guest` at a place of `host`, reviewed by neither yet. */
  completedBooking = ''
  pendingBooking = ''
  confirmedBooking = ''
  /** `guest`'s wishlist, with `place` saved in it. */
  wishlist = ''
  /** An iCal feed imported by `place`. */
  feed = ''
  /** `guest`'s enquiry about `place` (its host is the other participant), with a message of each. */
  conversation = ''
  /** An in-app notification of `guest`. */
  notification = ''
  private counter = 0
  private mail?: string
  private readonly codes = new Map<string, string>()

  constructor(
    readonly t: TestApp,
    private readonly dataDir: string,
  ) {}

  static async build(t: TestApp, dataDir: string): Promise<World> {
    const world = new World(t, dataDir)
    await world.populate()
    return world
  }

  private async populate() {
    const admin = await this.t.login(ADMIN.email, ADMIN.password)
    this.people.admin = { ...ADMIN, token: admin, phone: '+33600000009' }
    for (const key of ['host', 'guest', 'other', 'otherHost'] as const)
      this.people[key] = await this.newPerson()
    const { host, guest, otherHost } = this.people
    // Completed stays first: completing them runs the due transitions days ahead, which would
    // also expire any pending request made before.
    const completed: string[] = []
    for (let i = 0; i < 2 + HIDDEN_REVIEW_POOL; i++) completed.push(await this.newConfirmedBooking())
    // Four days on: their check-out (the third day, 11:00 local) has passed at any hour, in any zone.
    await this.t.servicesAt(Date.now() + 4 * DAY).bookings.runDueTransitions()
    this.completedBooking = completed.pop()!
    const hidden: string[] = []
    for (const booking of completed) {
      const review = await this.t.post(
        `/api/v1/bookings/${booking}/review`,
        { text: 'Lovely stay', rating: 5, ratings: RATINGS },
        { token: guest.token },
      )
      await expectStatus(review, 201, 'stay review')
      hidden.push(review.body.id)
    }
    this.hiddenReview = hidden.pop()!
    this.hiddenReviewPool = hidden

    this.place = await this.newPlace()
    this.draft = await this.newPlace({ status: 'draft' })
    this.otherPlace = await this.newPlace({}, otherHost)
    this.suspended = await this.newPlace()
    await expectStatus(
      await this.t.put(`/api/v1/places/${this.suspended}`, { status: 'suspended' }, { token: admin }),
      200,
      'suspension',
    )
    this.amenity = await this.newAmenity()
    this.review = await this.newReview(this.place)
    this.pendingBooking = await this.newBooking(this.place)
    const unpublished = await this.newPlace()
    this.draftPlaceReview = await this.newReview(unpublished)
    await expectStatus(
      await this.t.put(`/api/v1/places/${unpublished}`, { status: 'draft' }, { token: host.token }),
      200,
      'unpublishing',
    )
    this.confirmedBooking = await this.newConfirmedBooking()
    this.wishlist = await this.newWishlist()
    await expectStatus(
      await this.t.put(`/api/v1/wishlists/${this.wishlist}/places/${this.place}`, undefined, {
        token: guest.token,
      }),
      201,
      'wishlist save',
    )
    this.feed = await this.newFeed(this.place)
    this.conversation = await this.newConversation()
    this.notification = await this.newNotification()
    await expectStatus(
      await this.t.post(`/api/v1/places/${this.place}/amenities/${this.amenity}`, undefined, {
        token: host.token,
      }),
      201,
      'amenity link',
    )
  }

  /** A hidden stay review of `guest` no cell used yet. */
  takeHiddenReview(): string {
    const review = this.hiddenReviewPool.pop()
    if (!review)
      throw new Error(`only ${HIDDEN_REVIEW_POOL} hidden reviews are made: raise HIDDEN_REVIEW_POOL`)
    return review
  }

  next(): number {
    return ++this.counter
  }

  /** Logs everyone in again (after a cell that ended every login of its caller). */
  async renewLogins() {
    for (const person of Object.values(this.people)) {
      person.token = await this.t.login(person.email, person.password)
    }
  }

  /** A new user, created by the admin and logged in. */
  async newPerson(): Promise<Person> {
    const n = this.next()
    const input = {
      first_name: `First${n}`,
      last_name: `Last${n}`,
      email: `authz${n}-${Date.now().toString(36)}@example.com`,
      password: 'password-123',
    }
    const created = await this.t.post('/api/v1/users/', input, { token: this.people.admin.token })
    await expectStatus(created, 201, 'user creation')
    const token = await this.t.login(input.email, input.password)
    return {
      id: created.body.id,
      email: input.email,
      password: input.password,
      token,
      phone: `+3361000${String(n).padStart(4, '0')}`,
    }
  }

  /** A place of `owner` (`host` by default), published and request-to-book unless told. */
  /** A photo upload's multipart body (a small PNG). */
  async photoUpload() {
    return multipartBody({}, { name: 'room.png', type: 'image/png', bytes: await smallPng() })
  }

  private profileOwner?: string

  /** A user whose profile photo is ready (made once). */
  async profilePhotoOwner(): Promise<string> {
    if (this.profileOwner) return this.profileOwner
    const owner = this.people.otherHost
    const sent = await this.t.request('POST', '/api/v1/users/me/photo', {
      token: owner.token,
      ...(await this.photoUpload()),
    })
    if (sent.status !== 202) throw new Error(`profile photo upload failed: ${sent.status} ${sent.text}`)
    await this.t.app.services.photos.process(sent.body.id)
    this.profileOwner = owner.id
    return owner.id
  }

  /** A fresh photo of `host` on the place. */
  async newPhoto(placeId: string): Promise<string> {
    const response = await this.t.request('POST', `/api/v1/places/${placeId}/photos`, {
      token: this.people.host.token,
      ...(await this.photoUpload()),
    })
    if (response.status !== 202) throw new Error(`photo upload failed: ${response.status} ${response.text}`)
    return response.body.id
  }

  async newPlace(overrides: Record<string, unknown> = {}, owner = this.people.host): Promise<string> {
    return (await this.t.place(owner.token, { title: `Place ${this.next()}`, ...overrides })).id
  }

  async newAmenity(): Promise<string> {
    const created = await this.t.post(
      '/api/v1/amenities/',
      { name: `Amenity ${this.next()}` },
      { token: this.people.admin.token },
    )
    await expectStatus(created, 201, 'amenity creation')
    return created.body.id
  }

  /** An open review of `placeId` by `guest`. */
  async newReview(placeId: string): Promise<string> {
    const created = await this.t.post(
      '/api/v1/reviews/',
      { text: 'Nice', rating: 4, place_id: placeId },
      { token: this.people.guest.token },
    )
    await expectStatus(created, 201, 'review creation')
    return created.body.id
  }

  /** A booking by `guest` of a place (pending when the place is request-to-book). */
  async newBooking(placeId: string, checkIn = 10): Promise<string> {
    const created = await this.t.post(
      '/api/v1/bookings',
      { place_id: placeId, check_in: day(checkIn), check_out: day(checkIn + 2), guests: 1 },
      { token: this.people.guest.token },
    )
    await expectStatus(created, 201, 'booking creation')
    return created.body.id
  }

  /** A pending request of `guest` at a fresh place of `host`. */
  async newPendingBooking(): Promise<string> {
    return this.newBooking(await this.newPlace())
  }

  /** A confirmed stay of `guest` starting tomorrow at a fresh instant-book place of `host`. */
  async newConfirmedBooking(): Promise<string> {
    return this.newBooking(await this.newPlace({ instant_book: true }), 1)
  }

  /** A checkout hold of `holder` (`guest` by default) on a fresh place of `host`. */
  async newHold(holder = this.people.guest): Promise<string> {
    const placeId = await this.newPlace()
    const created = await this.t.post(`/api/v1/places/${placeId}/holds`, this.stay(), { token: holder.token })
    await expectStatus(created, 201, 'hold creation')
    return created.body.id
  }

  async newWishlist(owner = this.people.guest): Promise<string> {
    const created = await this.t.post(
      '/api/v1/wishlists',
      { name: `Wishlist ${this.next()}` },
      { token: owner.token },
    )
    await expectStatus(created, 201, 'wishlist creation')
    return created.body.id
  }

  /** `guest`'s enquiry about `place`: a question and the host's answer. */
  async newConversation(): Promise<string> {
    const { guest, host } = this.people
    const started = await this.t.post(
      '/api/v1/conversations',
      { place_id: this.place, text: 'Is the flat quiet at night?' },
      { token: guest.token },
    )
    if (started.status !== 200 && started.status !== 201)
      throw new Error(`conversation: ${started.status} ${started.text}`)
    await expectStatus(
      await this.t.post(
        `/api/v1/conversations/${started.body.id}/messages`,
        { text: 'Very quiet.' },
        { token: host.token },
      ),
      201,
      'answer',
    )
    return started.body.id
  }

  /** The newest in-app notification of `guest` (the host's answer made one). */
  async newNotification(): Promise<string> {
    const list = await this.t.get('/api/v1/notifications?limit=1', { token: this.people.guest.token })
    await expectStatus(list, 200, 'notifications')
    if (!list.body[0]) throw new Error('guest has no in-app notification')
    return list.body[0].id
  }

  /** A feed at an address nothing listens on: a sync answers 200 with status "error", quickly. */
  async newFeed(placeId: string): Promise<string> {
    const created = await this.t.post(
      `/api/v1/places/${placeId}/ical/feeds`,
      { url: this.feedUrl() },
      { token: this.people.host.token },
    )
    await expectStatus(created, 201, 'feed creation')
    return created.body.id
  }

  feedUrl(): string {
    return `http://127.0.0.1:9/calendar-${this.next()}.ics`
  }

  /** The secret export token of a place's calendar. */
  async icalToken(placeId: string): Promise<string> {
    const settings = await this.t.get(`/api/v1/places/${placeId}/ical`, { token: this.people.host.token })
    await expectStatus(settings, 200, 'iCal settings')
    return new URL(settings.body.export_url).searchParams.get('token')!
  }

  /** A nightly range of its own, months ahead, for calendar writes. */
  nightRange() {
    const start = 30 + 3 * this.next()
    return { from: day(start), to: day(start + 2) }
  }

  /** A stay of two nights for quotes and bookings. */
  stay(offset = 10) {
    return { check_in: day(offset), check_out: day(offset + 2), guests: 1 }
  }

  /** A fresh refresh token of a fresh login of `guest`. */
  async refreshToken(): Promise<string> {
    const { guest } = this.people
    const session = await this.t.post('/api/v1/auth/login', { email: guest.email, password: guest.password })
    await expectStatus(session, 200, 'login')
    return session.body.refresh_token
  }

  /** The code of an email verification asked for by a new user. */
  async verificationToken(): Promise<string> {
    const person = await this.newPerson()
    await expectStatus(
      await this.t.post('/api/v1/auth/verify-email/request', undefined, { token: person.token }),
      202,
      'verification request',
    )
    return this.tokenMailedTo(person.email, /verify/i)
  }

  /** The code of a password reset asked for by a new user. */
  async resetToken(): Promise<string> {
    const person = await this.newPerson()
    await expectStatus(
      await this.t.post('/api/v1/auth/password/forgot', { email: person.email }),
      202,
      'password reset request',
    )
    return this.tokenMailedTo(person.email, /reset|password/i)
  }

  /** The id (as /dev/outbox names it) of an email in the outbox. */
  async mailId(): Promise<string> {
    if (!this.mail) {
      await this.verificationToken()
      const names = (await readdir(join(this.dataDir, 'mail'))).filter((name) => name.endsWith('.eml'))
      this.mail = names
        .sort()
        .at(-1)!
        .replace(/\.eml$/, '')
    }
    return this.mail
  }

  private async tokenMailedTo(address: string, subject: RegExp): Promise<string> {
    return waitFor(async () => {
      const dir = join(this.dataDir, 'mail')
      for (const name of (await readdir(dir).catch(() => [] as string[])).sort().reverse()) {
        if (!name.endsWith('.eml')) continue
        const raw = decodeQuotedPrintable(await readFile(join(dir, name), 'utf8'))
        if (!raw.includes(`To: ${address}`) || !subject.test(raw)) continue
        const token = /token=([A-Za-z0-9_-]+)/.exec(raw)?.[1]
        if (token) return token
      }
      return undefined
    }, `an email to ${address}`)
  }

  /** Records that a code was texted to a person (by the cell of PUT /users/me/phone). */
  codeRequested(person: Person) {
    this.codes.set(person.id, person.phone)
  }

  /** The code last texted to a person's number; asks for one first when none was. */
  async phoneCode(person: Person): Promise<string> {
    if (!this.codes.has(person.id)) {
      await expectStatus(
        await this.t.put('/api/v1/users/me/phone', { phone: person.phone }, { token: person.token }),
        202,
        'phone code request',
      )
      this.codeRequested(person)
    }
    return waitFor(async () => {
      const dir = join(this.dataDir, 'sms')
      for (const name of (await readdir(dir).catch(() => [] as string[])).sort().reverse()) {
        if (!name.endsWith('.json')) continue
        const message = JSON.parse(await readFile(join(dir, name), 'utf8')) as { to: string; body: string }
        if (message.to !== person.phone) continue
        return /\b(\d{6})\b/.exec(message.body)?.[1]
      }
      return undefined
    }, `a text message to ${person.phone}`)
  }
}

export { RATINGS }
