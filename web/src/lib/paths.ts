// Every page's URL, built in one place: pages link with `paths.place(id)`, never by joining strings,
// and the patterns App.tsx routes on are typed with the parameters their pages receive.

/** The parameters of a route pattern: `/places/:id` gives `{ id: string }`. */
export type ParamsOf<Pattern extends string> = Pattern extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & ParamsOf<`/${Rest}`>
  : Pattern extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<string, never>

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

const segment = encodeURIComponent

export const paths = {
  home: () => '/',
  search: (params?: Record<string, string | undefined> | URLSearchParams) => `/search${query(params)}`,
  /** A listing; `search` carries the dates and guests of the search it was found by. */
  place: (id: string, search?: URLSearchParams | string) => `/places/${segment(id)}${query(search)}`,
  /** `next`: where to go once logged in. */
  login: (params: { next?: string; reset?: '1' } = {}) => `/login${query(params)}`,
  signup: (next?: string) => `/signup${query({ next })}`,
  forgotPassword: () => '/forgot-password',
  trips: (booked?: string) => `/trips${query({ booked })}`,
  wishlists: () => '/wishlists',
  wishlist: (id: string) => `/wishlists/${segment(id)}`,
  account: () => '/account',
  /** The host's listings; `saved` highlights the one just saved. */
  host: (saved?: string) => `/host${query({ saved })}`,
  newListing: () => '/host/listings/new',
  editListing: (id: string) => `/host/listings/${segment(id)}/edit`,
  listingCalendar: (id: string) => `/host/listings/${segment(id)}/calendar`,
  reservations: () => '/host/reservations',
  admin: (params: { tab?: string; status?: string } = {}) => `/admin${query(params)}`,
}
