// Names for the API's shapes, all taken from the generated OpenAPI types (never copied by hand).
import type { components, paths } from './schema'

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R
}
  ? R extends { 200: infer A }
    ? Json<A>
    : R extends { 201: infer C }
      ? Json<C>
      : never
  : never
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: infer B
}
  ? Json<NonNullable<B>>
  : never
type Query<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  parameters: { query?: infer Q }
}
  ? NonNullable<Q>
  : never

export type ErrorBody = components['schemas']['def-0']
export type Me = Ok<'/api/v1/auth/me', 'get'>
export type TokenResponse = Ok<'/api/v1/auth/login', 'post'>
export type PlaceDetail = Ok<'/api/v1/places/{id}', 'get'>
export type PlaceSummary = Ok<'/api/v1/places/', 'get'>[number]
export type PlaceListQuery = Query<'/api/v1/places/', 'get'>
export type PlaceInput = Body<'/api/v1/places/', 'post'>
export type PlaceUpdate = Body<'/api/v1/places/{id}', 'put'>
export type Review = PlaceDetail['reviews'][number]
export type Amenity = Ok<'/api/v1/amenities/', 'get'>[number]
export type SearchQuery = Query<'/api/v1/search', 'get'>
export type SearchResponse = Ok<'/api/v1/search', 'get'>
export type SearchResult = SearchResponse['results'][number]
export type Quote = Ok<'/api/v1/places/{id}/quote', 'get'>
export type Night = Ok<'/api/v1/places/{id}/calendar', 'get'>[number]
export type Hold = Ok<'/api/v1/holds/current', 'get'>
export type Booking = Ok<'/api/v1/bookings/{id}', 'get'>
export type BookingStatus = Booking['status']
export type StayReviewResult = Ok<'/api/v1/bookings/{id}/review', 'post'>
export type CancellationPreview = Ok<'/api/v1/bookings/{id}/cancellation', 'get'>
export type StayReviewInput = Body<'/api/v1/bookings/{id}/review', 'post'>
export type Wishlist = Ok<'/api/v1/wishlists', 'get'>[number]
export type WishlistDetail = Ok<'/api/v1/wishlists/{id}', 'get'>
export type Conversation = Ok<'/api/v1/conversations/{id}', 'get'>
export type ConversationMessage = Ok<'/api/v1/conversations/{id}/messages', 'get'>[number]
export type UserView = Ok<'/api/v1/users/', 'get'>[number]
export type ClientConfig = Ok<'/api/v1/client-config', 'get'>
export type CancellationPolicy = PlaceDetail['cancellation_policy']
export type PlaceStatus = PlaceDetail['status']
export type PhoneStatus = Ok<'/api/v1/users/me/phone', 'get'>
export type NotificationPreferences = Ok<'/api/v1/users/me/notification-preferences', 'get'>
export type NotificationPreferencesUpdate = Body<'/api/v1/users/me/notification-preferences', 'put'>
export type EmailKind = keyof NotificationPreferences['email']
export type SmsKind = keyof NotificationPreferences['sms']
export type Photo = Ok<'/api/v1/places/{id}/photos', 'get'>[number]
export type PhotoCover = NonNullable<SearchResult['cover_photo']>
