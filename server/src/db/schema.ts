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
  created_at: string
  updated_at: string
}

export interface PlaceAmenitiesTable {
  place_id: string
  amenity_id: string
}

export interface ReviewsTable {
  id: string
  place_id: string
  user_id: string
  text: string
  rating: number
  /** '' for an open HBnB review; the booking's id for a review of a stay. */
  booking_id: Generated<string>
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

/** Small facts about the installation, such as whether demo data was added. */
export interface AppMetaTable {
  key: string
  value: string
}

export interface DB {
  app_meta: AppMetaTable
  users: UsersTable
  amenities: AmenitiesTable
  places: PlacesTable
  place_amenities: PlaceAmenitiesTable
  reviews: ReviewsTable
  refresh_tokens: RefreshTokensTable
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
