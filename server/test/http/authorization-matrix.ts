// The authorization matrix: for every route of the app (keyed `METHOD pattern` exactly as the server
// registers it), what each kind of caller gets. authorization-matrix.test.ts checks that this table
// and the app's routes are the same set, then sends every cell.
//
// Callers: `anonymous` (no token); `owner` (the person the object belongs to: which one is named per
// case); `other` (a guest with no relation to the object); `otherHost` (a host who owns other
// places); `admin`; and, where a case names one, `party` (the other side of the object: the host of a
// booking whose owner is the guest, the host of the place a review is about...).
//
// Outcomes: `allow` = 2xx; `deny` = 401 for anonymous, 403 for anyone logged in (with the exact
// `forbidden` message where the HBnB contract fixes one); `hidden` = 404, the object's existence is
// not revealed; a number = that exact status (a business rule, not authorization, answers first).
//
// The matrix runs in development/test mode. Where production answers differently, `production` says so.
import type { Person, PersonKey, World } from './authorization-world.js'
import { RATINGS } from './authorization-world.js'

export const CALLERS = ['anonymous', 'owner', 'other', 'otherHost', 'admin'] as const
export type Caller = (typeof CALLERS)[number] | 'party'
export type Outcome = 'allow' | 'deny' | 'hidden' | number

export interface CellRequest {
  url: string
  body?: unknown
  /** A raw body (e.g. multipart) with its headers, instead of a JSON `body`. */
  payload?: Buffer
  headers?: Record<string, string>
}

export interface Case {
  /** What the case acts on, when a route has several cases (e.g. `draft place`). */
  on?: string
  /** Who plays `owner`, and `party` when the case has one. */
  owner: PersonKey
  party?: PersonKey
  expect: Record<(typeof CALLERS)[number], Outcome> & { party?: Outcome }
  /** The exact `error` of the 403 cells (HBnB contract strings). */
  forbidden?: string
  /** The request a caller sends; it may make fresh objects first (never through the caller). */
  request: (w: World, caller: Person | null) => CellRequest | Promise<CellRequest>
  /** Called after the cell with its status (e.g. to note that a code was texted). */
  after?: (w: World, caller: Person | null, status: number) => void
  /** The cell ends every login of its caller: everyone logs in again after it. */
  endsLogins?: boolean
  /** How production differs from this (development) behaviour. */
  production?: string
}

export type Entry = Case | Case[]

const PUBLIC = {
  anonymous: 'allow',
  owner: 'allow',
  other: 'allow',
  otherHost: 'allow',
  admin: 'allow',
} as const
const LOGGED_IN = { ...PUBLIC, anonymous: 'deny' } as const
const ADMIN_ONLY = {
  anonymous: 'deny',
  owner: 'deny',
  other: 'deny',
  otherHost: 'deny',
  admin: 'allow',
} as const
const OWNER_OR_ADMIN = { ...ADMIN_ONLY, owner: 'allow' } as const
/** Managing an object outsiders must not know about (a draft place): 404 to them. */
const OWNER_OR_ADMIN_HIDDEN = { ...OWNER_OR_ADMIN, other: 'hidden', otherHost: 'hidden' } as const
/** Reading an object only its owner and admins know about. */
const SEEN_BY_OWNER_AND_ADMIN = {
  anonymous: 'hidden',
  owner: 'allow',
  other: 'hidden',
  otherHost: 'hidden',
  admin: 'allow',
} as const
/** Private to its owner, admins included: a wishlist. */
const OWNER_ONLY = {
  anonymous: 'deny',
  owner: 'allow',
  other: 'hidden',
  otherHost: 'hidden',
  admin: 'hidden',
} as const

const UNAUTHORIZED_ACTION = 'Unauthorized action'
const ADMIN_REQUIRED = 'Admin privileges required'

const publicGet = (url: string, production?: string): Case => ({
  owner: 'guest',
  expect: PUBLIC,
  request: () => ({ url }),
  ...(production ? { production } : {}),
})
const loggedIn = (url: string, body?: (w: World, caller: Person | null) => unknown): Case => ({
  owner: 'guest',
  expect: LOGGED_IN,
  request: (w, caller) => ({ url, body: body?.(w, caller) }),
})

/** A route on a place: the published `place` and the `draft` (invisible to all but host and admins). */
function onPlaces(
  published: Case['expect'],
  draft: Case['expect'],
  request: (w: World, placeId: string, caller: Person | null) => CellRequest | Promise<CellRequest>,
  extra: Partial<Case> = {},
): Case[] {
  return [
    {
      on: 'published place',
      owner: 'host',
      expect: published,
      request: (w, c) => request(w, w.place, c),
      ...extra,
    },
    { on: 'draft place', owner: 'host', expect: draft, request: (w, c) => request(w, w.draft, c), ...extra },
  ]
}

/** Reading a place's data: public when published, the host's and admins' alone when a draft. */
const placeRead = (request: (w: World, placeId: string) => CellRequest | Promise<CellRequest>): Case[] => [
  ...onPlaces(PUBLIC, SEEN_BY_OWNER_AND_ADMIN, (w, id) => request(w, id)),
  // Suspended by an admin: like a draft, it exists only for its host and admins.
  {
    on: 'suspended place',
    owner: 'host',
    expect: SEEN_BY_OWNER_AND_ADMIN,
    request: (w) => request(w, w.suspended),
  },
]
/** Managing a place: its host and admins; a draft is not revealed to others. */
const placeManage = (
  request: (w: World, placeId: string, caller: Person | null) => CellRequest | Promise<CellRequest>,
  extra: Partial<Case> = {},
) => onPlaces(OWNER_OR_ADMIN, OWNER_OR_ADMIN_HIDDEN, request, extra)

const nextName = (w: World, what: string) => `${what} ${w.next()}`

export const MATRIX: Record<string, Entry> = {
  // API documentation (Swagger UI and the OpenAPI document), operations and the web client
  'GET /api/v1': publicGet('/api/v1/', 'protected by a setting in production'),
  // Swagger UI sends its page from /api/v1/.
  'GET /api/v1/static/index.html': {
    ...publicGet('/api/v1/static/index.html', 'protected by a setting in production'),
    expect: { anonymous: 302, owner: 302, other: 302, otherHost: 302, admin: 302 },
  },
  'GET /api/v1/static/swagger-initializer.js': publicGet(
    '/api/v1/static/swagger-initializer.js',
    'protected by a setting in production',
  ),
  'GET /api/v1/static/*': publicGet('/api/v1/static/swagger-ui.css', 'protected by a setting in production'),
  'GET /api/v1/json': publicGet('/api/v1/json', 'protected by a setting in production'),
  'GET /api/v1/yaml': publicGet('/api/v1/yaml', 'protected by a setting in production'),
  'GET /api/v1/openapi.json': publicGet('/api/v1/openapi.json', 'protected by a setting in production'),
  'GET /api/v1/status': publicGet('/api/v1/status'),
  'GET /api/v1/stats': publicGet('/api/v1/stats', 'protected by a setting in production'),
  'GET /healthz': publicGet('/healthz'),
  'GET /readyz': publicGet('/readyz'),
  'GET /metrics': publicGet('/metrics', 'protected by a setting in production'),
  'GET /api/v1/client-config': publicGet('/api/v1/client-config'),
  'GET /': publicGet('/'),
  'GET /*': publicGet('/app.js'),
  // The client's pages with their own head: a listing's is public; a draft's is the plain shell
  // with 404 for everyone (its host edits it in the client, which asks the API with their token).
  'GET /places/:id': onPlaces(
    PUBLIC,
    { anonymous: 404, owner: 404, other: 404, otherHost: 404, admin: 404 },
    (_w, id) => ({ url: `/places/${id}`, headers: { accept: 'text/html' } }),
  ),
  'GET /search': {
    ...publicGet('/search?q=Paris'),
    request: () => ({ url: '/search?q=Paris', headers: { accept: 'text/html' } }),
  },
  'GET /robots.txt': publicGet('/robots.txt'),
  'GET /sitemap.xml': publicGet('/sitemap.xml'),
  // What the embedded mail and SMS drivers "sent": every message, to anyone. Not registered in
  // production, nor when real SMTP and SMS services are configured.
  'GET /dev/outbox': publicGet('/dev/outbox', 'not served'),
  'GET /dev/outbox/mail/:id': {
    owner: 'guest',
    expect: PUBLIC,
    request: async (w) => ({ url: `/dev/outbox/mail/${await w.mailId()}` }),
    production: 'not served',
  },
  'GET /dev/outbox/mail/:id/raw': {
    owner: 'guest',
    expect: PUBLIC,
    request: async (w) => ({ url: `/dev/outbox/mail/${await w.mailId()}/raw` }),
    production: 'not served',
  },

  // Auth: the credential is in the body (password, refresh token, emailed code), not the bearer.
  'POST /api/v1/auth/login': {
    owner: 'guest',
    expect: PUBLIC,
    request: (w) => ({
      url: '/api/v1/auth/login',
      body: { email: w.people.guest.email, password: w.people.guest.password },
    }),
  },
  'POST /api/v1/login': {
    owner: 'guest',
    expect: PUBLIC,
    request: (w) => ({
      url: '/api/v1/login',
      body: { email: w.people.guest.email, password: w.people.guest.password },
    }),
  },
  'POST /api/v1/auth/register': {
    owner: 'guest',
    expect: PUBLIC,
    request: (w) => ({
      url: '/api/v1/auth/register',
      body: {
        first_name: 'New',
        last_name: 'Member',
        email: `signup-${w.next()}-${Date.now().toString(36)}@example.com`,
        password: 'long-enough-password',
      },
    }),
  },
  // `owner`: whoever holds the refresh token (a fresh login of `guest` per cell).
  'POST /api/v1/auth/refresh': {
    owner: 'guest',
    expect: PUBLIC,
    request: async (w) => ({ url: '/api/v1/auth/refresh', body: { refresh_token: await w.refreshToken() } }),
  },
  'POST /api/v1/auth/logout': {
    owner: 'guest',
    expect: PUBLIC,
    request: async (w) => ({ url: '/api/v1/auth/logout', body: { refresh_token: await w.refreshToken() } }),
  },
  'POST /api/v1/auth/logout-all': { ...loggedIn('/api/v1/auth/logout-all'), endsLogins: true },
  'GET /api/v1/auth/me': loggedIn('/api/v1/auth/me'),
  'GET /api/v1/auth/protected': loggedIn('/api/v1/auth/protected'),
  'POST /api/v1/auth/verify-email/request': loggedIn('/api/v1/auth/verify-email/request'),
  // `owner`: whoever holds the emailed code (asked for by a fresh user per cell).
  'POST /api/v1/auth/verify-email': {
    owner: 'guest',
    expect: PUBLIC,
    request: async (w) => ({
      url: '/api/v1/auth/verify-email',
      body: { token: await w.verificationToken() },
    }),
  },
  'POST /api/v1/auth/password/forgot': {
    owner: 'guest',
    expect: PUBLIC,
    request: (w) => ({ url: '/api/v1/auth/password/forgot', body: { email: w.people.guest.email } }),
  },
  'POST /api/v1/auth/password/reset': {
    owner: 'guest',
    expect: PUBLIC,
    request: async (w) => ({
      url: '/api/v1/auth/password/reset',
      body: { token: await w.resetToken(), password: 'a-new-password-1' },
    }),
  },

  // Users. `owner`: the user themself.
  'POST /api/v1/users/': {
    owner: 'guest',
    expect: ADMIN_ONLY,
    forbidden: ADMIN_REQUIRED,
    request: (w) => ({
      url: '/api/v1/users/',
      body: {
        first_name: 'Made',
        last_name: 'ByAdmin',
        email: `made-${w.next()}-${Date.now().toString(36)}@example.com`,
        password: 'pw',
      },
    }),
  },
  'GET /api/v1/users/': publicGet('/api/v1/users/', 'anonymous callers do not get the email addresses'),
  'GET /api/v1/users/:id': {
    ...publicGet(''),
    request: (w) => ({ url: `/api/v1/users/${w.people.guest.id}` }),
  },
  'PUT /api/v1/users/:id': {
    owner: 'guest',
    expect: OWNER_OR_ADMIN,
    forbidden: UNAUTHORIZED_ACTION,
    request: (w) => ({
      url: `/api/v1/users/${w.people.guest.id}`,
      body: { first_name: nextName(w, 'Renamed') },
    }),
  },
  // What hosts wrote about a guest: public once revealed.
  'GET /api/v1/users/:id/reviews': {
    ...publicGet(''),
    request: (w) => ({ url: `/api/v1/users/${w.people.guest.id}/reviews` }),
  },
  // The caller's own phone and preferences (`me`): every logged-in caller acts on themself.
  'GET /api/v1/users/me/phone': loggedIn('/api/v1/users/me/phone'),
  'PUT /api/v1/users/me/phone': {
    ...loggedIn('/api/v1/users/me/phone', (_w, caller) => ({ phone: caller?.phone ?? '+33612345678' })),
    after: (w, caller, status) => {
      if (caller && status === 202) w.codeRequested(caller)
    },
  },
  'POST /api/v1/users/me/phone/verify': {
    owner: 'guest',
    expect: LOGGED_IN,
    request: async (w, caller) => ({
      url: '/api/v1/users/me/phone/verify',
      body: { code: caller ? await w.phoneCode(caller) : '123456' },
    }),
  },
  'DELETE /api/v1/users/me/phone': loggedIn('/api/v1/users/me/phone'),
  'GET /api/v1/users/me/notification-preferences': loggedIn('/api/v1/users/me/notification-preferences'),
  'PUT /api/v1/users/me/notification-preferences': loggedIn(
    '/api/v1/users/me/notification-preferences',
    () => ({
      sms: { check_in_reminder: false },
    }),
  ),

  // Amenities: the catalogue is public, its changes are the admins'.
  'POST /api/v1/amenities/': {
    owner: 'guest',
    expect: ADMIN_ONLY,
    forbidden: ADMIN_REQUIRED,
    request: (w) => ({ url: '/api/v1/amenities/', body: { name: nextName(w, 'Sauna') } }),
  },
  'GET /api/v1/amenities/': publicGet('/api/v1/amenities/'),
  'GET /api/v1/amenities/:id': {
    ...publicGet(''),
    request: (w) => ({ url: `/api/v1/amenities/${w.amenity}` }),
  },
  'PUT /api/v1/amenities/:id': {
    owner: 'guest',
    expect: ADMIN_ONLY,
    forbidden: ADMIN_REQUIRED,
    request: (w) => ({ url: `/api/v1/amenities/${w.amenity}`, body: { name: nextName(w, 'Jacuzzi') } }),
  },

  // Places. `owner`: the place's host.
  'POST /api/v1/places/': [
    {
      on: 'own listing',
      owner: 'host',
      expect: LOGGED_IN,
      request: (w) => ({
        url: '/api/v1/places/',
        body: { title: nextName(w, 'New place'), price: 80, latitude: 1, longitude: 2 },
      }),
    },
    // Naming another existing user as the owner: admins only (the HBnB rule); `owner` names themself.
    {
      on: "listing named as otherHost's",
      owner: 'otherHost',
      expect: { anonymous: 'deny', owner: 'allow', other: 'deny', otherHost: 'allow', admin: 'allow' },
      forbidden: UNAUTHORIZED_ACTION,
      request: (w) => ({
        url: '/api/v1/places/',
        body: {
          title: nextName(w, 'Named'),
          price: 80,
          latitude: 1,
          longitude: 2,
          owner_id: w.people.otherHost.id,
        },
      }),
    },
  ],
  'GET /api/v1/places/': [
    { on: 'published places', ...publicGet('/api/v1/places/') },
    // Listings that are not published: their owner's and the admins' (refused, not hidden: the
    // query names the owner, whose existence is public).
    {
      on: "host's drafts",
      owner: 'host',
      expect: { anonymous: 403, owner: 'allow', other: 'deny', otherHost: 'deny', admin: 'allow' },
      request: (w) => ({ url: `/api/v1/places/?owner_id=${w.people.host.id}&status=draft` }),
    },
  ],
  'POST /api/v1/places_search': {
    ...publicGet('/api/v1/places_search'),
    request: () => ({ url: '/api/v1/places_search', body: {} }),
  },
  'GET /api/v1/search': publicGet('/api/v1/search'),
  'GET /api/v1/places/:id': placeRead((_w, id) => ({ url: `/api/v1/places/${id}` })),
  'PUT /api/v1/places/:id': placeManage(
    (w, id) => ({ url: `/api/v1/places/${id}`, body: { title: nextName(w, 'Retitled') } }),
    { forbidden: UNAUTHORIZED_ACTION },
  ),
  // A fresh place (or draft) of `host` per cell.
  'DELETE /api/v1/places/:id': [
    {
      on: 'published place',
      owner: 'host',
      expect: OWNER_OR_ADMIN,
      forbidden: UNAUTHORIZED_ACTION,
      request: async (w) => ({ url: `/api/v1/places/${await w.newPlace()}` }),
    },
    {
      on: 'draft place',
      owner: 'host',
      expect: OWNER_OR_ADMIN_HIDDEN,
      request: async (w) => ({ url: `/api/v1/places/${await w.newPlace({ status: 'draft' })}` }),
    },
  ],
  'GET /api/v1/places/:id/amenities': placeRead((_w, id) => ({ url: `/api/v1/places/${id}/amenities` })),
  'POST /api/v1/places/:id/amenities/:amenity_id': placeManage((w, id) => ({
    url: `/api/v1/places/${id}/amenities/${w.amenity}`,
  })),
  'DELETE /api/v1/places/:id/amenities/:amenity_id': placeManage((w, id) => ({
    url: `/api/v1/places/${id}/amenities/${w.amenity}`,
  })),

  // Reviews. `owner` of a review: its author (`guest`); `party`: the host of the reviewed place.
  // Reviewing: `owner` is the place's host, who may not review their own place (400). A fresh place per cell.
  'POST /api/v1/reviews/': [
    {
      on: 'published place',
      owner: 'host',
      expect: { anonymous: 'deny', owner: 400, other: 'allow', otherHost: 'allow', admin: 'allow' },
      request: async (w) => ({
        url: '/api/v1/reviews/',
        body: { text: 'Great', rating: 5, place_id: await w.newPlace() },
      }),
    },
    {
      on: 'draft place',
      owner: 'host',
      expect: { anonymous: 'deny', owner: 400, other: 'hidden', otherHost: 'hidden', admin: 'allow' },
      request: async (w) => ({
        url: '/api/v1/reviews/',
        body: { text: 'Great', rating: 5, place_id: await w.newPlace({ status: 'draft' }) },
      }),
    },
  ],
  'GET /api/v1/reviews/': publicGet('/api/v1/reviews/'),
  'GET /api/v1/reviews/:id': [
    { on: 'open review', ...publicGet(''), request: (w) => ({ url: `/api/v1/reviews/${w.review}` }) },
    // A stay review stays hidden until both sides have written theirs (or the window closes).
    {
      on: 'hidden stay review',
      owner: 'guest',
      party: 'host',
      expect: { ...SEEN_BY_OWNER_AND_ADMIN, party: 'hidden' },
      request: (w) => ({ url: `/api/v1/reviews/${w.hiddenReview}` }),
    },
    // A review of a place that went back to draft: a child of an invisible place, seen by the
    // place's host (`owner`), its author (`party`) and admins.
    {
      on: 'review of a draft place',
      owner: 'host',
      party: 'guest',
      expect: { ...SEEN_BY_OWNER_AND_ADMIN, party: 'allow' },
      request: (w) => ({ url: `/api/v1/reviews/${w.draftPlaceReview}` }),
    },
  ],
  'PUT /api/v1/reviews/:id': [
    {
      on: 'open review',
      owner: 'guest',
      party: 'host',
      expect: { ...OWNER_OR_ADMIN, party: 'deny' },
      forbidden: UNAUTHORIZED_ACTION,
      request: (w) => ({ url: `/api/v1/reviews/${w.review}`, body: { text: nextName(w, 'Edited') } }),
    },
    // Those who may not see a hidden stay review are not told it exists.
    {
      on: 'hidden stay review',
      owner: 'guest',
      party: 'host',
      expect: { ...OWNER_OR_ADMIN_HIDDEN, party: 'hidden' },
      request: (w) => ({ url: `/api/v1/reviews/${w.hiddenReview}`, body: { text: nextName(w, 'Edited') } }),
    },
  ],
  // A fresh review per cell.
  'DELETE /api/v1/reviews/:id': [
    {
      on: 'open review',
      owner: 'guest',
      party: 'host',
      expect: { ...OWNER_OR_ADMIN, party: 'deny' },
      forbidden: UNAUTHORIZED_ACTION,
      request: async (w) => ({ url: `/api/v1/reviews/${await w.newReview(await w.newPlace())}` }),
    },
    {
      on: 'hidden stay review',
      owner: 'guest',
      party: 'host',
      expect: { ...OWNER_OR_ADMIN_HIDDEN, party: 'hidden' },
      request: (w) => ({ url: `/api/v1/reviews/${w.takeHiddenReview()}` }),
    },
  ],
  'GET /api/v1/places/:id/reviews': placeRead((_w, id) => ({ url: `/api/v1/places/${id}/reviews` })),
  // Photos: the host's (and admins') to add, change and delete; a fresh photo of `host` per cell.
  'GET /api/v1/places/:id/photos': placeRead((_w, id) => ({ url: `/api/v1/places/${id}/photos` })),
  'POST /api/v1/places/:id/photos': placeManage(
    async (w, id) => ({ url: `/api/v1/places/${id}/photos`, ...(await w.photoUpload()) }),
    { forbidden: UNAUTHORIZED_ACTION },
  ),
  // Direct uploads exist only with S3 (photos-s3.test.ts): here the host and admins learn that (409),
  // and completing an upload that never arrived is a 404; others are refused first.
  'POST /api/v1/places/:id/photos/uploads': onPlaces(
    { ...OWNER_OR_ADMIN, owner: 409, admin: 409 },
    { ...OWNER_OR_ADMIN_HIDDEN, owner: 409, admin: 409 },
    (_w, id) => ({
      url: `/api/v1/places/${id}/photos/uploads`,
      body: { content_type: 'image/png', size: 100 },
    }),
    { forbidden: UNAUTHORIZED_ACTION },
  ),
  'POST /api/v1/places/:id/photos/uploads/:upload_id': onPlaces(
    { ...OWNER_OR_ADMIN, owner: 404, admin: 404 },
    { ...OWNER_OR_ADMIN_HIDDEN, owner: 404, admin: 404 },
    (_w, id) => ({
      url: `/api/v1/places/${id}/photos/uploads/00000000-0000-4000-8000-000000000000`,
      body: {},
    }),
    { forbidden: UNAUTHORIZED_ACTION },
  ),
  'PATCH /api/v1/places/:id/photos/:photo_id': placeManage(
    async (w, id) => ({
      url: `/api/v1/places/${id}/photos/${await w.newPhoto(id)}`,
      body: { caption: 'Seen' },
    }),
    { forbidden: UNAUTHORIZED_ACTION },
  ),
  'DELETE /api/v1/places/:id/photos/:photo_id': placeManage(
    async (w, id) => ({ url: `/api/v1/places/${id}/photos/${await w.newPhoto(id)}` }),
    { forbidden: UNAUTHORIZED_ACTION },
  ),
  // Profile photos: anyone sees them; each user changes their own.
  'GET /api/v1/users/:id/photo': {
    owner: 'guest',
    expect: PUBLIC,
    request: async (w) => ({ url: `/api/v1/users/${await w.profilePhotoOwner()}/photo` }),
  },
  'GET /api/v1/users/photos': {
    owner: 'guest',
    expect: PUBLIC,
    request: async (w) => ({ url: `/api/v1/users/photos?ids=${await w.profilePhotoOwner()}` }),
  },
  // Only the host playing `otherHost` has a profile photo: everyone else is told they have none.
  'GET /api/v1/users/me/photo': {
    owner: 'guest',
    expect: { anonymous: 'deny', owner: 404, other: 404, otherHost: 'allow', admin: 404 },
    request: async (w) => {
      await w.profilePhotoOwner()
      return { url: '/api/v1/users/me/photo' }
    },
  },
  'POST /api/v1/users/me/photo': {
    ...loggedIn('/api/v1/users/me/photo'),
    request: async (w) => ({ url: '/api/v1/users/me/photo', ...(await w.photoUpload()) }),
  },
  'DELETE /api/v1/users/me/photo': loggedIn('/api/v1/users/me/photo'),
  // Photo variants are public files, named by their content.
  'GET /media/*': {
    owner: 'guest',
    expect: PUBLIC,
    request: async (w) => {
      await w.t.app.storage.put('media/matrix-320.jpg', Buffer.from('x'), { contentType: 'image/jpeg' })
      return { url: '/media/matrix-320.jpg' }
    },
  },
  'GET /api/v1/reviews/places/:id/reviews': placeRead((_w, id) => ({
    url: `/api/v1/reviews/places/${id}/reviews`,
  })),
  // A completed stay: `owner` is its guest (reviews the place), `party` its host (reviews the guest).
  // An admin sees the booking but is not a party to the stay.
  'POST /api/v1/bookings/:id/review': {
    owner: 'guest',
    party: 'host',
    expect: {
      anonymous: 'deny',
      owner: 'allow',
      party: 'allow',
      other: 'hidden',
      otherHost: 'hidden',
      admin: 'deny',
    },
    request: (w) => ({
      url: `/api/v1/bookings/${w.completedBooking}/review`,
      body: { text: 'Good stay', rating: 4, ratings: RATINGS },
    }),
  },

  // Calendar and prices. `owner`: the place's host.
  'GET /api/v1/places/:id/calendar': placeRead((w, id) => {
    const { from, to } = w.nightRange()
    return { url: `/api/v1/places/${id}/calendar?from=${from}&to=${to}` }
  }),
  'POST /api/v1/places/:id/calendar/block': placeManage((w, id) => ({
    url: `/api/v1/places/${id}/calendar/block`,
    body: w.nightRange(),
  })),
  'POST /api/v1/places/:id/calendar/unblock': placeManage((w, id) => ({
    url: `/api/v1/places/${id}/calendar/unblock`,
    body: w.nightRange(),
  })),
  'PUT /api/v1/places/:id/calendar/prices': placeManage((w, id) => ({
    url: `/api/v1/places/${id}/calendar/prices`,
    body: { ...w.nightRange(), price: 120 },
  })),

  // iCal. The export is read with its secret token, whoever asks; the settings are the host's.
  'GET /api/v1/places/:id/calendar.ics': [
    {
      on: 'with the secret token',
      ...publicGet(''),
      request: async (w) => ({
        url: `/api/v1/places/${w.place}/calendar.ics?token=${await w.icalToken(w.place)}`,
      }),
    },
    {
      on: 'without the token',
      owner: 'host',
      expect: { anonymous: 'hidden', owner: 'hidden', other: 'hidden', otherHost: 'hidden', admin: 'hidden' },
      request: (w) => ({ url: `/api/v1/places/${w.place}/calendar.ics` }),
    },
  ],
  'GET /api/v1/places/:id/ical': placeManage((_w, id) => ({ url: `/api/v1/places/${id}/ical` })),
  'POST /api/v1/places/:id/ical/rotate': placeManage((_w, id) => ({
    url: `/api/v1/places/${id}/ical/rotate`,
  })),
  'GET /api/v1/places/:id/ical/feeds': placeManage((_w, id) => ({ url: `/api/v1/places/${id}/ical/feeds` })),
  'POST /api/v1/places/:id/ical/feeds': placeManage((w, id) => ({
    url: `/api/v1/places/${id}/ical/feeds`,
    body: { url: w.feedUrl() },
  })),
  // A fresh feed per cell.
  'DELETE /api/v1/places/:id/ical/feeds/:feed_id': placeManage(async (w, id) => ({
    url: `/api/v1/places/${id}/ical/feeds/${await w.newFeed(id)}`,
  })),
  'POST /api/v1/places/:id/ical/feeds/:feed_id/sync': placeManage(async (w, id) => ({
    url: `/api/v1/places/${id}/ical/feeds/${id === w.place ? w.feed : await w.newFeed(id)}/sync`,
  })),

  // Bookings. `owner` of a booking: its guest; `party`: its host (accept and decline: the other way round).
  'GET /api/v1/places/:id/quote': placeRead((w, id) => {
    const { check_in, check_out, guests } = w.stay()
    return { url: `/api/v1/places/${id}/quote?check_in=${check_in}&check_out=${check_out}&guests=${guests}` }
  }),
  // Booking a fresh place of `host` per cell: the host may not book their own place (400); an admin
  // sees a draft but cannot book it (409).
  'POST /api/v1/bookings': [
    {
      on: 'published place',
      owner: 'host',
      expect: { anonymous: 'deny', owner: 400, other: 'allow', otherHost: 'allow', admin: 'allow' },
      request: async (w) => ({
        url: '/api/v1/bookings',
        body: { place_id: await w.newPlace(), ...w.stay() },
      }),
    },
    {
      on: 'draft place',
      owner: 'host',
      expect: { anonymous: 'deny', owner: 400, other: 'hidden', otherHost: 'hidden', admin: 409 },
      request: async (w) => ({
        url: '/api/v1/bookings',
        body: { place_id: await w.newPlace({ status: 'draft' }), ...w.stay() },
      }),
    },
  ],
  // Opening checkout holds the nights of a fresh place of `host` per cell, like booking it.
  'POST /api/v1/places/:id/holds': [
    {
      on: 'published place',
      owner: 'host',
      expect: { anonymous: 'deny', owner: 400, other: 'allow', otherHost: 'allow', admin: 'allow' },
      request: async (w) => ({ url: `/api/v1/places/${await w.newPlace()}/holds`, body: w.stay() }),
    },
    {
      on: 'draft place',
      owner: 'host',
      expect: { anonymous: 'deny', owner: 400, other: 'hidden', otherHost: 'hidden', admin: 409 },
      request: async (w) => ({
        url: `/api/v1/places/${await w.newPlace({ status: 'draft' })}/holds`,
        body: w.stay(),
      }),
    },
  ],
  // The caller's own hold (each logged-in caller holds a fresh place first): nobody reads another's.
  'GET /api/v1/holds/current': {
    ...loggedIn('/api/v1/holds/current'),
    request: async (w, caller) => {
      if (caller) await w.newHold(caller)
      return { url: '/api/v1/holds/current' }
    },
  },
  // Only its holder releases a hold; to anyone else, admins included, it does not exist.
  'DELETE /api/v1/holds/:id': {
    owner: 'guest',
    expect: OWNER_ONLY,
    request: async (w) => ({ url: `/api/v1/holds/${await w.newHold()}` }),
  },
  // The caller's own trips (or, with role=host, their reservations).
  'GET /api/v1/bookings': loggedIn('/api/v1/bookings'),
  'GET /api/v1/bookings/:id': {
    owner: 'guest',
    party: 'host',
    expect: {
      anonymous: 'deny',
      owner: 'allow',
      party: 'allow',
      other: 'hidden',
      otherHost: 'hidden',
      admin: 'allow',
    },
    request: (w) => ({ url: `/api/v1/bookings/${w.pendingBooking}` }),
  },
  'GET /api/v1/bookings/:id/cancellation': {
    owner: 'guest',
    party: 'host',
    expect: {
      anonymous: 'deny',
      owner: 'allow',
      party: 'allow',
      other: 'hidden',
      otherHost: 'hidden',
      admin: 'allow',
    },
    request: (w) => ({ url: `/api/v1/bookings/${w.confirmedBooking}/cancellation` }),
  },
  // A fresh pending request (cancel: a fresh confirmed stay) per cell.
  'POST /api/v1/bookings/:id/accept': {
    owner: 'host',
    party: 'guest',
    expect: {
      anonymous: 'deny',
      owner: 'allow',
      party: 'deny',
      other: 'hidden',
      otherHost: 'hidden',
      admin: 'allow',
    },
    request: async (w) => ({ url: `/api/v1/bookings/${await w.newPendingBooking()}/accept` }),
  },
  'POST /api/v1/bookings/:id/decline': {
    owner: 'host',
    party: 'guest',
    expect: {
      anonymous: 'deny',
      owner: 'allow',
      party: 'deny',
      other: 'hidden',
      otherHost: 'hidden',
      admin: 'allow',
    },
    request: async (w) => ({ url: `/api/v1/bookings/${await w.newPendingBooking()}/decline` }),
  },
  'POST /api/v1/bookings/:id/cancel': {
    owner: 'guest',
    party: 'host',
    expect: {
      anonymous: 'deny',
      owner: 'allow',
      party: 'allow',
      other: 'hidden',
      otherHost: 'hidden',
      admin: 'allow',
    },
    request: async (w) => ({ url: `/api/v1/bookings/${await w.newConfirmedBooking()}/cancel` }),
  },

  // Wishlists: private to their owner (`guest`), admins included.
  'GET /api/v1/wishlists': loggedIn('/api/v1/wishlists'),
  'POST /api/v1/wishlists': loggedIn('/api/v1/wishlists', (w) => ({ name: nextName(w, 'Summer') })),
  'GET /api/v1/wishlists/:id': {
    owner: 'guest',
    expect: OWNER_ONLY,
    request: (w) => ({ url: `/api/v1/wishlists/${w.wishlist}` }),
  },
  'PUT /api/v1/wishlists/:id': {
    owner: 'guest',
    expect: OWNER_ONLY,
    request: (w) => ({ url: `/api/v1/wishlists/${w.wishlist}`, body: { name: nextName(w, 'Winter') } }),
  },
  'DELETE /api/v1/wishlists/:id': {
    owner: 'guest',
    expect: OWNER_ONLY,
    request: async (w) => ({ url: `/api/v1/wishlists/${await w.newWishlist()}` }),
  },
  // Saving a place in `guest`'s wishlist: a draft of `host` is unknown to the guest.
  'PUT /api/v1/wishlists/:id/places/:place_id': [
    {
      on: 'published place',
      owner: 'guest',
      expect: OWNER_ONLY,
      request: (w) => ({ url: `/api/v1/wishlists/${w.wishlist}/places/${w.otherPlace}` }),
    },
    {
      on: 'draft place',
      owner: 'guest',
      expect: { ...OWNER_ONLY, owner: 'hidden' },
      request: (w) => ({ url: `/api/v1/wishlists/${w.wishlist}/places/${w.draft}` }),
    },
  ],
  'DELETE /api/v1/wishlists/:id/places/:place_id': {
    owner: 'guest',
    expect: OWNER_ONLY,
    request: (w) => ({ url: `/api/v1/wishlists/${w.wishlist}/places/${w.place}` }),
  },

  // Conversations. `owner`: the guest who asked; `party`: the host of the place. Outsiders do not
  // learn that a conversation exists; admins read one for moderation (recorded) but never write.
  'GET /api/v1/conversations': loggedIn('/api/v1/conversations'),
  'GET /api/v1/conversations/unread': loggedIn('/api/v1/conversations/unread'),
  'POST /api/v1/conversations': [
    {
      on: 'enquiry about a place',
      owner: 'host',
      expect: { anonymous: 'deny', owner: 400, other: 'allow', otherHost: 'allow', admin: 'allow' },
      request: (w) => ({ url: '/api/v1/conversations', body: { place_id: w.place, text: 'Hello?' } }),
    },
    {
      on: 'enquiry about a draft',
      owner: 'host',
      expect: { anonymous: 'deny', owner: 400, other: 'hidden', otherHost: 'hidden', admin: 'allow' },
      request: (w) => ({ url: '/api/v1/conversations', body: { place_id: w.draft } }),
    },
    {
      on: 'booking',
      owner: 'guest',
      party: 'host',
      expect: {
        anonymous: 'deny',
        owner: 'allow',
        party: 'allow',
        other: 'hidden',
        otherHost: 'hidden',
        admin: 'hidden',
      },
      request: (w) => ({ url: '/api/v1/conversations', body: { booking_id: w.confirmedBooking } }),
    },
  ],
  'GET /api/v1/conversations/:id': {
    owner: 'guest',
    party: 'host',
    expect: {
      anonymous: 'deny',
      owner: 'allow',
      party: 'allow',
      other: 'hidden',
      otherHost: 'hidden',
      admin: 'allow',
    },
    request: (w) => ({ url: `/api/v1/conversations/${w.conversation}` }),
  },
  'GET /api/v1/conversations/:id/messages': {
    owner: 'guest',
    party: 'host',
    expect: {
      anonymous: 'deny',
      owner: 'allow',
      party: 'allow',
      other: 'hidden',
      otherHost: 'hidden',
      admin: 'allow',
    },
    request: (w) => ({ url: `/api/v1/conversations/${w.conversation}/messages` }),
  },
  'POST /api/v1/conversations/:id/messages': {
    owner: 'guest',
    party: 'host',
    expect: {
      anonymous: 'deny',
      owner: 'allow',
      party: 'allow',
      other: 'hidden',
      otherHost: 'hidden',
      admin: 'deny',
    },
    request: (w) => ({ url: `/api/v1/conversations/${w.conversation}/messages`, body: { text: 'And?' } }),
  },
  'POST /api/v1/conversations/:id/read': {
    owner: 'guest',
    party: 'host',
    expect: {
      anonymous: 'deny',
      owner: 'allow',
      party: 'allow',
      other: 'hidden',
      otherHost: 'hidden',
      admin: 'deny',
    },
    request: (w) => ({ url: `/api/v1/conversations/${w.conversation}/read`, body: {} }),
  },
  'GET /api/v1/conversations/:id/access': {
    owner: 'guest',
    party: 'host',
    expect: { ...ADMIN_ONLY, party: 'deny' },
    forbidden: ADMIN_REQUIRED,
    request: (w) => ({ url: `/api/v1/conversations/${w.conversation}/access` }),
  },

  // The caller's in-app notifications (`owner`: the guest whose notification it is).
  'GET /api/v1/notifications': loggedIn('/api/v1/notifications'),
  'GET /api/v1/notifications/unread-count': loggedIn('/api/v1/notifications/unread-count'),
  'POST /api/v1/notifications/read-all': loggedIn('/api/v1/notifications/read-all'),
  'POST /api/v1/notifications/:id/read': {
    owner: 'guest',
    expect: OWNER_ONLY,
    request: (w) => ({ url: `/api/v1/notifications/${w.notification}/read` }),
  },
}
