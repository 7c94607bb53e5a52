import { type Kysely, SqliteAdapter, sql } from 'kysely'

/**
 * A spatial index for search, so a bounding box (or the box around a radius) finds its places
 * without reading every place of its latitude band:
 * - SQLite: `places_rtree`, an R*Tree virtual table (compiled into better-sqlite3) holding each
 *   place as a point (min = max), keyed by the place's rowid. Triggers keep it in step with every
 *   insert, move and delete of a place, in the writing statement's transaction, so no write path
 *   (repositories, seeds, restore) can forget it. Rowids of `places` are stable: the app never runs
 *   VACUUM (which may renumber the rowids of a table without an INTEGER PRIMARY KEY).
 * - MariaDB/MySQL: `places.location`, a `POINT(longitude, latitude)` with a SPATIAL index. Its
 *   default is computed from the row's own columns, so every insert gets it right; the places
 *   repository sets it again when a place moves (no trigger: see 0018_place_row_version.ts).
 * Both are candidate finders only: search keeps the exact latitude/longitude conditions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    await sql`alter table places add column location point not null default (point(longitude, latitude))`.execute(db)
    await sql`create spatial index places_location_idx on places (location)`.execute(db)
    return
  }
  await sql`create virtual table places_rtree using rtree(id, min_lat, max_lat, min_lng, max_lng)`.execute(db)
  await sql`insert into places_rtree (id, min_lat, max_lat, min_lng, max_lng)
    select rowid, latitude, latitude, longitude, longitude from places`.execute(db)
  for (const [name, statement] of Object.entries(SQLITE_TRIGGERS)) {
    await sql.raw(`create trigger ${name} ${statement}`).execute(db)
  }
}

/** The SQLite triggers that keep `places_rtree` in step with `places`. */
export const SQLITE_TRIGGERS = {
  places_rtree_added: `after insert on places begin
    insert into places_rtree (id, min_lat, max_lat, min_lng, max_lng)
    values (new.rowid, new.latitude, new.latitude, new.longitude, new.longitude); end`,
  places_rtree_moved: `after update of latitude, longitude on places begin
    update places_rtree set min_lat = new.latitude, max_lat = new.latitude,
      min_lng = new.longitude, max_lng = new.longitude where id = new.rowid; end`,
  places_rtree_removed: `after delete on places begin delete from places_rtree where id = old.rowid; end`,
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    for (const name of Object.keys(SQLITE_TRIGGERS)) await sql.raw(`drop trigger if exists ${name}`).execute(db)
    await sql`drop table if exists places_rtree`.execute(db)
    return
  }
  await sql`drop index places_location_idx on places`.execute(db)
  await sql`alter table places drop column location`.execute(db)
}
