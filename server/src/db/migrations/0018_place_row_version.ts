import { type Kysely, SqliteAdapter, sql } from 'kysely'

/**
 * `places.row_version`: changes whenever the place's row changes, so that the place list can reuse
 * the bytes it serialized for a place until then (modules/places/service.ts). The database sets it,
 * never the code, so no write can forget it:
 * - SQLite: an integer that triggers bump after every update of the row, and also after every change
 *   to what the place's detail shows besides its row (its reviews, its amenity links, the names of
 *   its amenities, the names of its owner and reviewers), so the detail can be reused too.
 * - MariaDB/MySQL: a `datetime(6)` with `on update current_timestamp(6)`, which the server sets when
 *   an update changes a value of the row. No trigger: creating one needs SUPER on a primary with
 *   binary logging, which an application's user rarely has; so MariaDB reuses list items only.
 * Only its equality matters: it is read as text. Left out of PlacesTable (db/schema.ts) on purpose.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    await sql`
      alter table places add column row_version datetime(6) not null
        default current_timestamp(6) on update current_timestamp(6)`.execute(db)
    return
  }
  await sql`alter table places add column row_version integer not null default 0`.execute(db)
  for (const [name, statement] of Object.entries(SQLITE_TRIGGERS)) {
    await sql.raw(`create trigger ${name} ${statement}`).execute(db)
  }
}

const bump = (places: string) => `update places set row_version = row_version + 1 where ${places};`

/** The SQLite triggers that keep `row_version` (the `when` stops the row's own trigger from firing again). */
const SQLITE_TRIGGERS = {
  places_version_row: `after update on places for each row when new.row_version = old.row_version
    begin update places set row_version = old.row_version + 1 where id = old.id; end`,
  places_version_review_added: `after insert on reviews begin ${bump('id = new.place_id')} end`,
  places_version_review_changed: `after update on reviews
    begin ${bump('id in (old.place_id, new.place_id)')} end`,
  places_version_review_removed: `after delete on reviews begin ${bump('id = old.place_id')} end`,
  places_version_amenity_linked: `after insert on place_amenities begin ${bump('id = new.place_id')} end`,
  places_version_amenity_unlinked: `after delete on place_amenities begin ${bump('id = old.place_id')} end`,
  places_version_amenity_renamed: `after update of name on amenities
    begin ${bump('id in (select place_id from place_amenities where amenity_id = new.id)')} end`,
  places_version_person_renamed: `after update of first_name, last_name, email on users
    begin ${bump('owner_id = new.id or id in (select place_id from reviews where user_id = new.id)')} end`,
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    for (const name of Object.keys(SQLITE_TRIGGERS))
      await sql.raw(`drop trigger if exists ${name}`).execute(db)
  }
  await sql`alter table places drop column row_version`.execute(db)
}
