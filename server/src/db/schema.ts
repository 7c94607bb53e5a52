// Row types of every table, as Kysely sees them. Timestamps are ISO-8601 UTC strings;
// booleans are 0/1 integers (SQLite has no boolean type); money is integer minor units.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely'

export interface UsersTable {
  id: string
  email: string
  /** Lower-cased email: the unique key, so addresses are unique regardless of case. */
  email_key: string
  first_name: string
  last_name: string
  password_hash: string
  is_admin: Generated<number>
  created_at: string
  updated_at: string
  /** When the user proved they own `email`; null until then (and again after an email change). */
  email_verified_at: Generated<string | null>
  /** Language of the user's emails. */
  locale: Generated<UserLocale>
  /** Verified phone number (E.164) that text messages go to; null until a code sent to it is entered. */
  phone: Generated<string | null>
  phone_verified_at: Generated<string | null>
}

export type UserLocale = 'en' | 'fr'

export type EmailTokenPurpose = 'verify_email' | 'reset_password'

/** Single-use, expiring tokens sent by email; only a SHA-256 of each token is stored. */
export interface EmailTokensTable {
  id: string
  user_id: string
  purpose: EmailTokenPurpose
  token_hash: string
  /** The address the token was sent to. */
  email: string
  expires_at: string
  used_at: string | null
  created_at: string
}

/** Codes sent by SMS to verify a phone number; only an HMAC of each code is stored. */
export interface PhoneCodesTable {
  id: string
  user_id: string
  /** The number the code was sent to (E.164). */
  phone: string
  code_hash: string
  /** Wrong codes entered against this one. */
  attempts: Generated<number>
  expires_at: string
  used_at: string | null
  created_at: string
}

export type NotificationChannel = 'email' | 'sms' | 'in_app'

/** A user's choice for one channel and kind of message, where it differs from the default. */
export interface NotificationPreferencesTable {
  user_id: string
  channel: NotificationChannel
  kind: string
  /** 0/1 */
  enabled: number
  updated_at: string
}

export interface AmenitiesTable {
  id: string
  name: string
  /** Lower-cased name: amenity names are unique regardless of case. */
  name_key: string
  created_at: string
  updated_at: string
}

export type PlaceStatus = 'draft' | 'published' | 'suspended'

/** What each policy refunds: modules/bookings/policies.ts. */
export type CancellationPolicy = 'flexible' | 'moderate' | 'strict'

export interface PlacesTable {
  id: string
  owner_id: string
  title: string
  description: Generated<string>
  price_minor: number
  currency: Generated<string>
  latitude: number
  longitude: number
  address: Generated<string>
  city: Generated<string>
  country: Generated<string>
  timezone: Generated<string>
  max_guests: Generated<number>
  bedrooms: Generated<number>
  bathrooms: Generated<number>
  status: Generated<PlaceStatus>
  cleaning_fee_minor: Generated<number>
  min_nights: Generated<number>
  max_nights: Generated<number>
  advance_notice_days: Generated<number>
  booking_window_days: Generated<number>
  /** Local times (HH:MM) in the listing's time zone. */
  check_in_time: Generated<string>
  check_out_time: Generated<string>
  instant_book: Generated<number>
  cancellation_policy: Generated<CancellationPolicy>
  /** Kept up to date on every review write (visible reviews only). */
  rating_avg: Generated<number>
  rating_count: Generated<number>
  /** Secret of the listing's iCal export URL; '' until the host first asks for it. */
  ical_token: Generated<string>
  /** Set when the place was deleted while bookings of it are on record (see PlaceRepository.delete). */
  deleted_at: Generated<string | null>
  created_at: string
  updated_at: string
}

export interface PlaceAmenitiesTable {
  place_id: string
  amenity_id: string
}

/**
 * Each amenity's bit in `places.amenity_mask`, given once and never changed nor reused (see
 * modules/search/amenity-bits-repository.ts). `places.amenity_mask` (bigint, NULL when not known) is left out of
 * PlacesTable on purpose: only search and the writers of place_amenities use it, through SQL.
 */
export interface AmenityBitsTable {
  amenity_id: string
  bit: number
}

export interface ReviewsTable {
  id: string
  place_id: string
  user_id: string
  text: string
  rating: number
  /** '' for an open HBnB review; the booking's id for a review of a stay. */
  booking_id: Generated<string>
  rating_cleanliness: number | null
  rating_accuracy: number | null
  rating_communication: number | null
  rating_location: number | null
  rating_check_in: number | null
  rating_value: number | null
  /** A stay review stays hidden until both sides reviewed or the review window closed. */
  hidden_until: string | null
  created_at: string
  updated_at: string
}

export interface RefreshTokensTable {
  id: string
  user_id: string
  /** Every token issued by rotating one login's tokens shares the family id. */
  family_id: string
  /** SHA-256 of the opaque token: the token itself is never stored. */
  token_hash: string
  expires_at: string
  used_at: string | null
  revoked_at: string | null
  created_at: string
}

export type NightKind = 'booking' | 'blocked' | 'hold'

export interface PlaceNightsTable {
  place_id: string
  /** Local calendar date (YYYY-MM-DD) of the listing's time zone. */
  night: string
  kind: NightKind
  booking_id: string | null
  /** 'host' for nights the host blocked, the feed's id for nights imported from iCal, 'booking', a hold's id. */
  source: string
  created_at: string
  /** A checkout hold's end: past it, the row takes no night (whoever writes the night replaces it). */
  expires_at: string | null
}

export interface CheckoutHoldsTable {
  id: string
  place_id: string
  /** Unique: one hold per guest. */
  guest_id: string
  check_in: string
  check_out: string
  guests: number
  expires_at: string
  created_at: string
}

/** A guest refused dates (taken or held): told when they free up. */
export interface HoldRefusalsTable {
  guest_id: string
  place_id: string
  check_in: string
  check_out: string
  created_at: string
}

/** One row per "dates freed" alert: at most one per guest, place and (UTC) day. */
export interface DatesFreedAlertsTable {
  guest_id: string
  place_id: string
  day: string
  created_at: string
}

export interface NightPricesTable {
  place_id: string
  night: string
  price_minor: number
}

export type BookingStatus = 'pending' | 'confirmed' | 'declined' | 'expired' | 'cancelled' | 'completed'

export interface BookingsTable {
  id: string
  place_id: string
  guest_id: string
  host_id: string
  check_in: string
  check_out: string
  nights: number
  guests: number
  status: BookingStatus
  cancelled_by: 'guest' | 'host' | null
  currency: string
  /** JSON array of {date, price_minor}: the nightly prices charged. */
  nightly_prices: string
  subtotal_minor: number
  cleaning_fee_minor: number
  service_fee_minor: number
  taxes_minor: number
  total_minor: number
  refund_minor: number | null
  /** The listing's terms when booked: later edits by the host do not change a booking. */
  cancellation_policy: CancellationPolicy
  timezone: string
  check_in_time: string
  check_out_time: string
  idempotency_key: string | null
  expires_at: string | null
  confirmed_at: string | null
  cancelled_at: string | null
  created_at: string
  updated_at: string
}

export interface GuestReviewsTable {
  id: string
  booking_id: string
  host_id: string
  guest_id: string
  text: string
  rating: number
  hidden_until: string | null
  created_at: string
  updated_at: string
}

export interface WishlistsTable {
  id: string
  user_id: string
  name: string
  created_at: string
  updated_at: string
}

export interface WishlistPlacesTable {
  wishlist_id: string
  place_id: string
  created_at: string
}

export interface IcalFeedsTable {
  id: string
  place_id: string
  url: string
  name: string
  last_sync_at: string | null
  last_status: 'ok' | 'error' | null
  last_error: string | null
  last_event_count: number | null
  created_at: string
  updated_at: string
}

/** Small facts about the installation, such as whether demo data was added. */
export interface AppMetaTable {
  key: string
  value: string
}

/** One run of a scheduled job (`hbnb beat`); (job, slot) is unique. */
export interface SchedulerRunsTable {
  job: string
  /** The scheduled time the run is for (ISO), not when it started. */
  slot: string
  owner: string
  started_at: string
  finished_at: string | null
  error: string | null
}

/** Background work written in the transaction of the change that causes it. */
export interface OutboxTable {
  id: string
  task: string
  /** JSON text. */
  payload: string
  dedupe_key: string
  /** `pending` until handled (embedded queue) or relayed (RabbitMQ); `dead` after its last failed try. */
  status: 'pending' | 'sent' | 'dead'
  attempts: number
  available_at: string
  last_error: string | null
  /** JSON array of every failed try (`{ attempt, error, at }`), or null before the first failure. */
  errors: string | null
  created_at: string
  sent_at: string | null
  /** W3C traceparent of the span that published the task (tracing on), for its run to continue. */
  traceparent: string | null
}

/** Every email and text message sent, by dedupe key: a redelivered task never sends twice. */
export interface SentMessagesTable {
  dedupe_key: string
  recipient: string
  sent_at: string
  /** While the message is being sent: until when its claim holds (then another try may take it over); null once sent. */
  sending_until: string | null
}

export interface PhotosTable {
  id: string
  owner_id: string
  /** Null: a profile photo. */
  place_id: string | null
  status: 'processing' | 'ready' | 'failed'
  /** Order within the listing: 0 is the cover. */
  position: number
  caption: string | null
  alt_text: string
  /** The upload, until its variants are made. */
  original_key: string | null
  width: number | null
  height: number | null
  /** JSON: `PhotoVariant[]` (modules/photos/service.ts). */
  variants: string | null
  /** A tiny blurred image (data URI) shown while the photo loads. */
  placeholder: string | null
  error: string | null
  created_at: string
  updated_at: string
}

/** A listing enquiry (`enquiry:<place>:<guest>`) or a booking's (`booking:<booking>`) conversation. */
export interface ConversationsTable {
  id: string
  subject: string
  place_id: string
  booking_id: string | null
  guest_id: string
  host_id: string
  last_message_id: string | null
  last_message_at: string
  created_at: string
}

export type ParticipantRole = 'guest' | 'host'

export interface ConversationParticipantsTable {
  conversation_id: string
  user_id: string
  role: ParticipantRole
  /** The conversation's last message time, copied here so that an inbox is one index range. */
  last_message_at: string
  /** The last message this participant has read (messages are in id order). */
  last_read_message_id: string | null
  last_read_at: string | null
}

export interface MessagesTable {
  id: string
  conversation_id: string
  sender_id: string
  /** As typed (trimmed): plain text, never HTML. */
  body: string
  created_at: string
}

/** An administrator opened a conversation they are not part of (moderation). */
export interface ConversationAccessTable {
  id: string
  conversation_id: string
  admin_id: string
  action: string
  accessed_at: string
}

export interface UserNotificationsTable {
  id: string
  user_id: string
  kind: string
  text: string
  /** JSON object: the ids the notification is about. */
  data: string
  dedupe_key: string
  read_at: string | null
  created_at: string
}

/**
 * MariaDB only (migration 0025): what changed in the rows a search reads, written by triggers, for
 * the search copy. `kind`: 'place' (`id` is the place's), 'amenities', 'owner' (`id`: a deleted
 * user's) or 'all'.
 */
export interface SearchChangesTable {
  seq: Generated<number>
  kind: 'place' | 'amenities' | 'owner' | 'all'
  id: string | null
  changed_at: Generated<string>
}

export interface DB {
  app_meta: AppMetaTable
  users: UsersTable
  amenities: AmenitiesTable
  places: PlacesTable
  place_amenities: PlaceAmenitiesTable
  amenity_bits: AmenityBitsTable
  reviews: ReviewsTable
  refresh_tokens: RefreshTokensTable
  place_nights: PlaceNightsTable
  night_prices: NightPricesTable
  search_changes: SearchChangesTable
  bookings: BookingsTable
  guest_reviews: GuestReviewsTable
  wishlists: WishlistsTable
  wishlist_places: WishlistPlacesTable
  ical_feeds: IcalFeedsTable
  outbox: OutboxTable
  sent_messages: SentMessagesTable
  scheduler_runs: SchedulerRunsTable
  email_tokens: EmailTokensTable
  phone_codes: PhoneCodesTable
  notification_preferences: NotificationPreferencesTable
  photos: PhotosTable
  conversations: ConversationsTable
  conversation_participants: ConversationParticipantsTable
  messages: MessagesTable
  conversation_access: ConversationAccessTable
  user_notifications: UserNotificationsTable
  checkout_holds: CheckoutHoldsTable
  hold_refusals: HoldRefusalsTable
  dates_freed_alerts: DatesFreedAlertsTable
}

export type UserRow = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type UserUpdate = Updateable<UsersTable>
export type AmenityRow = Selectable<AmenitiesTable>
export type PlaceRow = Selectable<PlacesTable>
export type NewPlace = Insertable<PlacesTable>
export type PlaceUpdate = Updateable<PlacesTable>
export type ReviewRow = Selectable<ReviewsTable>
export type RefreshTokenRow = Selectable<RefreshTokensTable>
export type BookingRow = Selectable<BookingsTable>
export type CheckoutHoldRow = Selectable<CheckoutHoldsTable>
export type WishlistRow = Selectable<WishlistsTable>
export type IcalFeedRow = Selectable<IcalFeedsTable>
export type GuestReviewRow = Selectable<GuestReviewsTable>
export type OutboxRow = Selectable<OutboxTable>
export type PhotoRow = Selectable<PhotosTable>
export type ConversationRow = Selectable<ConversationsTable>
export type ParticipantRow = Selectable<ConversationParticipantsTable>
export type MessageRow = Selectable<MessagesTable>
export type UserNotificationRow = Selectable<UserNotificationsTable>
