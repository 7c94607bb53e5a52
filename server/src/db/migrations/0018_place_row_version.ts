import { type Kysely, SqliteAdapter, sql } from 'kysely'

/**
 * `places.row_version`: changes whenever anything in the place's row changes, so that a list can
 * reuse the bytes it serialized for a place until then (modules/places/service.ts). It is set by the
 * database, never by code, so no write can forget it:
 * - SQLite: an integer that a trigger bumps after every update of the row.
 * - MariaDB/MySQL: a `datetime(6)` with `on update current_timestamp(6)`, which the server sets when
 *   an update changes a value of the row. No trigger: creating one needs SUPER on a primary with
 *   binary logging, which an application's user rarely has.
 * Only its equality matters: it is read as text. Left out of PlacesTable (db/schema.ts) on purpose.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`alter table places add column row_version integer not null default 0`.execute(db)
    await sql`
      create trigger places_row_version after update on places
      for each row when new.row_version = old.row_version
      begin
        update places set row_version = old.row_version + 1 where id = old.id;
      end`.execute(db)
  } else {
    await sql`
      alter table places add column row_version datetime(6) not null
        default current_timestamp(6) on update current_timestamp(6)`.execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`drop trigger if exists places_row_version`.execute(db)
  }
  await sql`alter table places drop column row_version`.execute(db)
}
