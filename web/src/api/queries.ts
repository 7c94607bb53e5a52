// The query keys and options of every resource the pages read, in one place: a page asks for
// `placeQueries.detail(id)`, and a change invalidates `placeQueries.all()` or `placeQueries.detail(id).queryKey`,
// so a reader and the writers that refresh it can never disagree on a key.
import { type QueryClient, queryOptions } from '@tanstack/react-query'
import { api, unwrap } from './client'
import type { SearchQuery } from './types'

/** Lists of all amenities and users are short: read them whole. */
const WHOLE_LIST = { query: { limit: 1000 } }

export const placeQueries = {
  /** Every list of places (host listings, admin lists). */
  lists: () => ['places'] as const,
  list: (userId: string | undefined, query: object) => ['places', 'list', userId, query] as const,
  detail: (id: string) =>
    queryOptions({
      queryKey: ['place', id] as const,
      queryFn: () => unwrap(api.GET('/api/v1/places/{id}', { params: { path: { id } } })),
    }),
}

export const calendarQueries = {
  /** Every range of a place's calendar. */
  place: (placeId: string) => ['calendar', placeId] as const,
  range: (placeId: string, from: string, to: string) =>
    queryOptions({
      queryKey: ['calendar', placeId, from, to] as const,
      queryFn: () =>
        unwrap(
          api.GET('/api/v1/places/{id}/calendar', { params: { path: { id: placeId }, query: { from, to } } }),
        ),
    }),
}

export const quoteQueries = {
  /** Every quote of a place. */
  place: (placeId: string) => ['quote', placeId] as const,
  stay: (placeId: string, checkIn: string, checkOut: string, guests: number) =>
    queryOptions({
      queryKey: ['quote', placeId, checkIn, checkOut, guests] as const,
      queryFn: () =>
        unwrap(
          api.GET('/api/v1/places/{id}/quote', {
            params: { path: { id: placeId }, query: { check_in: checkIn, check_out: checkOut, guests } },
          }),
        ),
    }),
}

export const bookingQueries = {
  /** Every list of bookings, the guest's and the host's. */
  all: () => ['bookings'] as const,
  asGuest: (userId: string | undefined) =>
    queryOptions({
      queryKey: ['bookings', 'guest', userId] as const,
      queryFn: () =>
        unwrap(api.GET('/api/v1/bookings', { params: { query: { role: 'guest', limit: 200 } } })),
    }),
  asHost: (userId: string | undefined) =>
    queryOptions({
      queryKey: ['bookings', 'host', userId] as const,
      queryFn: () => unwrap(api.GET('/api/v1/bookings', { params: { query: { role: 'host', limit: 200 } } })),
    }),
  pendingForHost: (userId: string | undefined) =>
    queryOptions({
      queryKey: ['bookings', 'host', userId, 'pending'] as const,
      queryFn: () =>
        unwrap(api.GET('/api/v1/bookings', { params: { query: { role: 'host', status: 'pending' } } })),
    }),
  cancellation: (bookingId: string) =>
    queryOptions({
      queryKey: ['cancellation', bookingId] as const,
      queryFn: () =>
        unwrap(api.GET('/api/v1/bookings/{id}/cancellation', { params: { path: { id: bookingId } } })),
    }),
}

export const wishlistQueries = {
  /** Every user's list of wishlists. */
  lists: () => ['wishlists'] as const,
  /** Every single wishlist. */
  details: () => ['wishlist'] as const,
  mine: (userId: string | undefined) =>
    queryOptions({
      queryKey: ['wishlists', userId] as const,
      queryFn: () => unwrap(api.GET('/api/v1/wishlists')),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: ['wishlist', id] as const,
      queryFn: () => unwrap(api.GET('/api/v1/wishlists/{id}', { params: { path: { id } } })),
    }),
}

export const amenityQueries = {
  all: () =>
    queryOptions({
      queryKey: ['amenities'] as const,
      queryFn: () => unwrap(api.GET('/api/v1/amenities/', { params: WHOLE_LIST })),
    }),
}

export const userQueries = {
  all: () =>
    queryOptions({
      queryKey: ['users'] as const,
      queryFn: () => unwrap(api.GET('/api/v1/users/', { params: WHOLE_LIST })),
    }),
  me: (userId: string | undefined) =>
    queryOptions({
      queryKey: ['me', userId] as const,
      queryFn: () => unwrap(api.GET('/api/v1/auth/me')),
    }),
}

/** Keys of the account settings a user edits in place (optimistic updates set them directly). */
export const accountQueries = {
  phone: (userId: string) => ['phone', userId] as const,
  notificationPreferences: (userId: string) => ['notification-preferences', userId] as const,
}

export const searchQueries = {
  /** Every search (results change with any place or calendar). */
  all: () => ['search'] as const,
  results: (query: SearchQuery) => ['search', query] as const,
  home: () => ['search', { sort: 'rating', home: true }] as const,
}

/** After a change to a place: its detail, every list of places and every search. */
export function invalidatePlace(queryClient: QueryClient, id: string) {
  void queryClient.invalidateQueries({ queryKey: placeQueries.lists() })
  void queryClient.invalidateQueries({ queryKey: placeQueries.detail(id).queryKey })
  void queryClient.invalidateQueries({ queryKey: searchQueries.all() })
}
