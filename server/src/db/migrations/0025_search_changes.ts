import { type Kysely, SqliteAdapter, sql } from 'kysely'

/**
 * MariaDB: `search_changes`, a log of what changed in the rows a search reads, written by triggers
 * in the same transaction as each change, so that no write path can forget it. The search copy
 * (modules/search/copy-feeder.ts) follows it to keep its SQLite copy of those rows current.
 * A row names a place (`kind` 'place', its id) whose rows to read again, the amenities ('amenities'),
 * a deleted user whose places went with it ('owner': InnoDB's cascades fire no trigger), or
 * everything ('all', written after a bulk load). Sessions that set `@hbnb_search_changes_off` (bulk
 * loads, restores) write none. SQLite, which searches its own tables, has no such log.
 */
const PLACE_ROWS = ['place_amenities', 'night_prices', 'photos']

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) return
  await sql`create table search_changes (
    seq bigint unsigned not null auto_increment primary key,
    kind varchar(16) not null,
    id varchar(36) null,
    changed_at datetime(6) not null default current_timestamp(6),
    key search_changes_at_idx (changed_at)
  )`.execute(db)
  for (const statement of triggers()) await sql.raw(statement).execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) return
  for (const name of triggerNames()) await sql.raw(`drop trigger if exists ${name}`).execute(db)
  await sql`drop table search_changes`.execute(db)
}

const EVENTS = ['insert', 'update', 'delete'] as const
type Event = (typeof EVENTS)[number]

/** Writes one change row per distinct non-null id among `ids`, unless the session turned the log off. */
function note(kind: string, ids: string[], condition = 'true'): string {
  const values = ids.map((id) => `select ${id} as id`).join(' union ')
  return `if @hbnb_search_changes_off is null and (${condition}) then
    insert into search_changes (kind, id) select '${kind}', c.id from (${values}) c where c.id is not null;
  end if`
}

/** The row's ids before and after the event, as the trigger sees them. */
function rowIds(event: Event, column: string): string[] {
  if (event === 'insert') return [`NEW.${column}`]
  if (event === 'delete') return [`OLD.${column}`]
  return [`NEW.${column}`, `OLD.${column}`]
}

function holdCondition(event: Event): string {
  if (event === 'insert') return 'NEW.expires_at is not null'
  if (event === 'delete') return 'OLD.expires_at is not null'
  return 'NEW.expires_at is not null or OLD.expires_at is not null'
}

function bodies(): [table: string, event: Event, body: string][] {
  const all: [string, Event, string][] = []
  for (const event of EVENTS) {
    all.push(['places', event, note('place', rowIds(event, 'id'))])
    for (const table of PLACE_ROWS) all.push([table, event, note('place', rowIds(event, 'place_id'))])
    // Only checkout holds: the places' records hold the other taken nights.
    all.push(['place_nights', event, note('place', rowIds(event, 'place_id'), holdCondition(event))])
    for (const table of ['amenities', 'amenity_bits']) all.push([table, event, note('amenities', ["'*'"])])
  }
  all.push(['users', 'delete', note('owner', ['OLD.id'])])
  return all
}

function triggers(): string[] {
  return bodies().map(
    ([table, event, body]) =>
      `create trigger search_changes_${table}_${event} after ${event} on ${table} for each row ${body}`,
  )
}

function triggerNames(): string[] {
  return bodies().map(([table, event]) => `search_changes_${table}_${event}`)
}

const isSqlite = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof SqliteAdapter
