// Every page's URL, built in one place: pages link with `paths.place(id)`, never by joining strings,
// and the patterns App.tsx routes on are typed with the parameters their pages receive.

/** The names of a route pattern's parameters: `/wishlists/:id` gives `'id'`. */
type ParamNames<Pattern extends string> = Pattern extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : Pattern extends `${string}:${infer Name}`
    ? Name
    : never

/** The parameters of a route pattern: `/places/:id` gives `{ id: string }`. */
export type ParamsOf<Pattern extends string> = [ParamNames<Pattern>] extends [never]
  ? Record<string, never>
  : { [Name in ParamNames<Pattern>]: string }

/** `?a=1&b=2` of the parameters that are set, or nothing. */
function query(params: Record<string, string | undefined> | URLSearchParams | string = {}): string {
  if (typeof params === 'string') return params ? `?${params}` : ''
  const search =
    params instanceof URLSearchParams
      ? params
      : new URLSearchParams(
          Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
        )
  const text = search.toString()
  return text ? `?${text}` : ''
}

/** Every page's route pattern: App.tsx routes on them and `paths` fills them in. */
export const patterns = {
  home: '/',
  search: '/search',
  place: '/places/:id',
  checkout: '/places/:id/checkout',
  login: '/login',
  signup: '/signup',
  forgotPassword: '/forgot-password',
  resetPassword: '/reset-password',
  verifyEmail: '/verify-email',
  trips: '/trips',
  trip: '/trips/:id',
  wishlists: '/wishlists',
  wishlist: '/wishlists/:id',
  inbox: '/inbox',
  conversation: '/inbox/:id',
  notifications: '/notifications',
  account: '/account',
  host: '/host',
  newListing: '/host/listings/new',
  editListing: '/host/listings/:id/edit',
  listingCalendar: '/host/listings/:id/calendar',
  reservations: '/host/reservations',
  admin: '/admin',
} as const

/** A pattern with its parameters in place, each encoded: `fill('/places/:id', { id })`. */
function fill<Pattern extends string>(pattern: Pattern, params: ParamsOf<Pattern>): string {
  const values = params as Record<string, string>
  return pattern.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name] ?? ''))
}

export const paths = {
  home: () => patterns.home,
  search: (params?: Record<string, string | undefined> | URLSearchParams) =>
    `${patterns.search}${query(params)}`,
  /** A listing; `search` carries the dates and guests of the search it was found by. */
  place: (id: string, search?: URLSearchParams | string) => `${fill(patterns.place, { id })}${query(search)}`,
  /** Review and confirm a stay of a listing (it is held for the guest meanwhile). */
  checkout: (id: string, stay: { check_in: string; check_out: string; guests: string }) =>
    `${fill(patterns.checkout, { id })}${query(stay)}`,
  /** `next`: where to go once logged in. */
  login: (params: { next?: string; reset?: '1' } = {}) => `${patterns.login}${query(params)}`,
  signup: (next?: string) => `${patterns.signup}${query({ next })}`,
  forgotPassword: () => patterns.forgotPassword,
  /** `booked`: the booking just made, announced on top. */
  trips: (params: { tab?: string; booked?: string } = {}) => `${patterns.trips}${query(params)}`,
  /** One trip; `booked` announces it as just booked. */
  trip: (id: string, params: { booked?: '1' } = {}) => `${fill(patterns.trip, { id })}${query(params)}`,
  wishlists: () => patterns.wishlists,
  wishlist: (id: string) => fill(patterns.wishlist, { id }),
  inbox: () => patterns.inbox,
  conversation: (id: string) => fill(patterns.conversation, { id }),
  notifications: () => patterns.notifications,
  account: () => patterns.account,
  /** The host's listings; `saved` highlights the one just saved. */
  host: (saved?: string) => `${patterns.host}${query({ saved })}`,
  newListing: () => patterns.newListing,
  editListing: (id: string) => fill(patterns.editListing, { id }),
  listingCalendar: (id: string) => fill(patterns.listingCalendar, { id }),
  reservations: () => patterns.reservations,
  admin: (params: { tab?: string; status?: string } = {}) => `${patterns.admin}${query(params)}`,
}
