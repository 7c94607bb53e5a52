// The rows of a place's detail: the place with its owner, its amenities and its first visible reviews
// with their authors. On SQLite they come from one statement: a join of the wide places row costs
// several times a lookup of each owner field by a subquery, and each statement pays SQLite's read
// locks again (docs/benchmarks.md). MariaDB answers the three queries at once over its pool.
import { type Kysely, sql } from 'kysely'
import type { Database } from '../../db/database.js'
import { prepare } from '../../db/prepared.js'
import type { AmenityRow, DB, PlaceRow, ReviewRow } from '../../db/schema.js'
import { placeReviewsQuery, type ReviewWithAuthor } from '../reviews/repository.js'

/** A place with its owner's public fields (`owner_*`). */
export interface PlaceWithOwner extends PlaceRow {
  owner_first_name: string
  owner_last_name: string
  owner_email: string
}

/** The place `id` joined with its owner's public fields. */
function placeWithOwnerQuery(read: Kysely<DB>, id: string) {
  return read
    .selectFrom('places')
    .innerJoin('users', 'users.id', 'places.owner_id')
    .selectAll('places')
    .select([
      'users.first_name as owner_first_name',
      'users.last_name as owner_last_name',
      'users.email as owner_email',
    ])
    .where('places.id', '=', id)
    .where('places.deleted_at', 'is', null)
}

export type AmenityName = Pick<AmenityRow, 'id' | 'name'>

export interface PlaceDetailRows {
  place: PlaceWithOwner
  /** By name. */
  amenities: AmenityName[]
  /** Visible reviews, oldest first. */
  reviews: ReviewWithAuthor[]
}

/** The review columns, in the order the SQLite statement lists them. */
const REVIEW_FIELDS = [
  'id',
  'place_id',
  'user_id',
  'text',
  'rating',
  'booking_id',
  'rating_cleanliness',
  'rating_accuracy',
  'rating_communication',
  'rating_location',
  'rating_check_in',
  'rating_value',
  'hidden_until',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof ReviewRow)[]

interface SqliteDetailRow extends PlaceWithOwner {
  amenities_json: string
  reviews_json: string
}

function reviewOf(values: unknown[]): ReviewWithAuthor {
  const review: Record<string, unknown> = {}
  REVIEW_FIELDS.forEach((field, i) => {
    review[field] = values[i]
  })
  review.author_first_name = values[REVIEW_FIELDS.length]
  review.author_last_name = values[REVIEW_FIELDS.length + 1]
  return review as unknown as ReviewWithAuthor
}

/** One statement; `reviewLimit` is a literal of the SQL (SQLite plans a bound limit of a subquery badly). */
function sqliteDetail(db: Database, reviewLimit: number) {
  const read = db.read
  const reviewColumns = sql.join(REVIEW_FIELDS.map((field) => sql.ref(`r.${field}`)))
  const author = (field: 'first_name' | 'last_name') =>
    sql`(select ${sql.ref(field)} from users where id = r.user_id)`
  const owner = (field: 'first_name' | 'last_name' | 'email') =>
    sql`(select ${sql.ref(field)} from users where id = p.owner_id)`
  const query = prepare(read, 1, (id: string) => {
    const statement = sql<SqliteDetailRow>`select p.*,
      ${owner('first_name')} as owner_first_name,
      ${owner('last_name')} as owner_last_name,
      ${owner('email')} as owner_email,
      (select json_group_array(json_array(a.id, a.name) order by a.name) from amenities a
        where a.id in (select amenity_id from place_amenities where place_id = p.id)) as amenities_json,
      (select json_group_array(json_array(${reviewColumns}, ${author('first_name')}, ${author('last_name')})
          order by r.id)
        from (select * from reviews where place_id = p.id and hidden_until is null
          order by id limit ${sql.lit(reviewLimit)}) r) as reviews_json
      from places p where p.id = ${id} and p.deleted_at is null`
    return { compile: () => statement.compile(read) }
  })
  return async (id: string): Promise<PlaceDetailRows | undefined> => {
    const row = await query.first(id)
    if (!row) return undefined
    const { amenities_json: amenitiesJson, reviews_json: reviewsJson, ...place } = row
    const amenities = (JSON.parse(amenitiesJson) as [string, string][]).map(([id, name]) => ({ id, name }))
    return { place, amenities, reviews: (JSON.parse(reviewsJson) as unknown[][]).map(reviewOf) }
  }
}

function pooledDetail(db: Database, reviewLimit: number) {
  const read = db.read
  const withOwner = prepare(read, 1, (id: string) => placeWithOwnerQuery(read, id))
  const amenities = prepare(read, 1, (placeId: string) =>
    read
      .selectFrom('place_amenities')
      .innerJoin('amenities', 'amenities.id', 'place_amenities.amenity_id')
      .select(['amenities.id', 'amenities.name'])
      .where('place_amenities.place_id', '=', placeId)
      .orderBy('amenities.name'),
  )
  const reviews = prepare(read, 1, (placeId: string) => placeReviewsQuery(read, placeId).limit(reviewLimit))
  return async (id: string): Promise<PlaceDetailRows | undefined> => {
    const [place, names, placeReviews] = await Promise.all([
      withOwner.first(id),
      amenities.all(id),
      reviews.all(id),
    ])
    return place && { place, amenities: names, reviews: placeReviews }
  }
}

/** Reads a place's detail rows, at most `reviewLimit` reviews; undefined for a missing or deleted place. */
export function detailRowsReader(db: Database, reviewLimit: number) {
  return db.dialect === 'sqlite' ? sqliteDetail(db, reviewLimit) : pooledDetail(db, reviewLimit)
}
