import { type Kysely, SqliteAdapter, sql } from 'kysely'
import { priceScales } from '../../currencies.js'
import { scaledPriceSql } from '../scaled-price.js'
import { COLUMNS } from './0023_search_index_zone.js'

/**
 * MariaDB: the base price in 1/10^4 of a major unit as the virtual column `places.price_scaled`, in
 * the search index after `currency`. A search's price bounds and price order then read one number
 * from each index entry instead of working out the scale of its currency three times (a CASE over
 * the currencies by decimals: a fifth of a search summary's time at a million places). SQLite keeps
 * the CASE, with which it meets its targets.
 *
 * The currencies' decimals come from Node's ICU data when the column is written. app_meta keeps
 * them (PRICE_SCALES_KEY), so that `hbnb migrate up` writes the column again when a Node upgrade has
 * changed them (`syncPriceScaled`), and the roles refuse to start until it has.
 */
export const PRICE_SCALES_KEY = 'price_scales'

const AFTER_CURRENCY = COLUMNS.indexOf('currency') + 1
const INDEX_COLUMNS = [
  'status',
  'search_cell',
  ...COLUMNS.slice(1, AFTER_CURRENCY),
  'price_scaled',
  ...COLUMNS.slice(AFTER_CURRENCY),
]

type Meta = Kysely<{ app_meta: { key: string; value: string } }>

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isSqlite(db)) await writeColumn(db, 'add')
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) return
  const columns = ['status', 'search_cell', ...COLUMNS.slice(1)].join(', ')
  await sql`alter table places drop index places_search_idx, drop column price_scaled,
    add index places_search_idx (${sql.raw(columns)})`.execute(db)
  await (db as unknown as Meta).deleteFrom('app_meta').where('key', '=', PRICE_SCALES_KEY).execute()
}

/** Whether `places.price_scaled` was written with this Node's decimals (SQLite has no such column). */
export async function priceScaledCurrent<T>(db: Kysely<T>): Promise<boolean> {
  if (isSqlite(db)) return true
  const row = await (db as unknown as Meta)
    .selectFrom('app_meta')
    .select('value')
    .where('key', '=', PRICE_SCALES_KEY)
    .executeTakeFirst()
  return row?.value === JSON.stringify(priceScales())
}

/** Writes `places.price_scaled` again with this Node's decimals, when they are not those it has; true if it did. */
export async function syncPriceScaled<T>(db: Kysely<T>): Promise<boolean> {
  if (await priceScaledCurrent(db)) return false
  await writeColumn(db, 'modify')
  return true
}

/** The column (added, or its expression changed) and the search index over it, in one rebuild. */
async function writeColumn<T>(db: Kysely<T>, change: 'add' | 'modify'): Promise<void> {
  const scales = priceScales()
  await sql`alter table places drop index places_search_idx,
    ${sql.raw(change)} column price_scaled bigint generated always as (${sql.raw(scaledPriceSql(scales))}) virtual,
    add index places_search_idx (${sql.raw(INDEX_COLUMNS.join(', '))})`.execute(db)
  await (db as unknown as Meta).deleteFrom('app_meta').where('key', '=', PRICE_SCALES_KEY).execute()
  await (db as unknown as Meta)
    .insertInto('app_meta')
    .values({ key: PRICE_SCALES_KEY, value: JSON.stringify(scales) })
    .execute()
}

const isSqlite = <T>(db: Kysely<T>) => db.getExecutor().adapter instanceof SqliteAdapter
