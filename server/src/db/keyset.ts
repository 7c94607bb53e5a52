// Keyset paging: a list in the order of a unique key is read a page at a time from the key of the
// last row of the previous page (no offset to walk through), one row more than asked so that a
// page knows whether another follows without counting. Counts are separate queries.
import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
} from 'kysely'
import { prepare } from './prepared.js'
import type { DB } from './schema.js'

/** What a page asks for: `limit` rows after the row whose cursor is `after` (from the first without). */
export interface KeysetRequest {
  limit: number
  after?: string | undefined
}

/** A page's rows, and the cursor of its last row when more rows follow. */
export interface KeysetPage<Row> {
  items: Row[]
  nextCursor: string | undefined
}

/**
 * The order of a list: its columns, the last one unique (an id), and a row's values of them. A
 * cursor is the values of a row joined by `_`.
 */
export interface KeysetOrder<Row> {
  columns: readonly string[]
  valuesOf(row: Row): string[]
}

/** Id order (`column` is `id`, or `table.id` in a join). */
export function idOrder(column: string): KeysetOrder<{ id: string }> {
  return { columns: [column], valuesOf: (row) => [row.id] }
}

// biome-ignore lint/suspicious/noExplicitAny: any tables: the helpers only add clauses on named columns
type Tables = any
type Query<Row> = SelectQueryBuilder<DB, Tables, Row>

/** Rows after the key `values` in `columns` order: (a > x) or (a = x and (b > y)) ... */
function afterKey(
  eb: ExpressionBuilder<DB, Tables>,
  columns: readonly string[],
  values: readonly unknown[],
): Expression<SqlBool> {
  const [column, ...rest] = columns
  const after = eb(sql.ref(column!), '>', values[0])
  if (rest.length === 0) return after
  return eb.or([after, eb.and([eb(sql.ref(column!), '=', values[0]), afterKey(eb, rest, values.slice(1))])])
}

function cursorValues(cursor: string, keys: number): string[] {
  return keys === 1 ? [cursor] : cursor.split('_')
}

function ordered<Row>(query: Query<Row>, order: KeysetOrder<Row>): Query<Row> {
  let result = query
  for (const column of order.columns) result = result.orderBy(sql.ref(column))
  return result
}

/** The page of the `limit + 1` rows read for it. */
function pageOf<Row>(rows: Row[], limit: number, order: KeysetOrder<Row>): KeysetPage<Row> {
  if (rows.length <= limit) return { items: rows, nextCursor: undefined }
  const items = rows.slice(0, limit)
  return { items, nextCursor: order.valuesOf(items[limit - 1]!).join('_') }
}

/** A page of `query`'s rows (`query` selects them, unordered and unlimited). */
export async function keysetRows<Row>(
  query: Query<Row>,
  order: NoInfer<KeysetOrder<Row>>,
  request: KeysetRequest,
): Promise<KeysetPage<Row>> {
  let paged = query
  if (request.after) {
    const values = cursorValues(request.after, order.columns.length)
    paged = paged.where((eb) => afterKey(eb, order.columns, values))
  }
  const rows = await ordered(paged, order)
    .limit(request.limit + 1)
    .execute()
  return pageOf(rows, request.limit, order)
}

/**
 * Pages of `rows(...args)` (unordered and unlimited) by queries compiled once (see prepared.ts):
 * one for the first page, one for the pages after a cursor.
 */
export function preparedKeysetRows<Args extends unknown[], Row>(
  read: Kysely<DB>,
  arity: Args['length'],
  rows: (...args: Args) => Query<Row>,
  order: NoInfer<KeysetOrder<Row>>,
): (request: KeysetRequest, ...args: Args) => Promise<KeysetPage<Row>> {
  const keys = order.columns.length
  const first = prepare(read, arity + 1, (...values: unknown[]) =>
    ordered(rows(...(values.slice(0, arity) as Args)), order).limit(values[arity] as number),
  )
  const after = prepare(read, arity + keys + 1, (...values: unknown[]) =>
    ordered(
      rows(...(values.slice(0, arity) as Args)).where((eb) =>
        afterKey(eb, order.columns, values.slice(arity, arity + keys)),
      ),
      order,
    ).limit(values[arity + keys] as number),
  )
  return async (request, ...args) => {
    const found = request.after
      ? await after.all(...args, ...cursorValues(request.after, order.columns.length), request.limit + 1)
      : await first.all(...args, request.limit + 1)
    return pageOf(found, request.limit, order)
  }
}

function counting<O>(query: Query<O>) {
  return query.select((eb) => eb.fn.countAll<number | string>().as('n'))
}

/** How many rows `query` (with no selection) finds. */
export async function countRows<O>(query: Query<O>): Promise<number> {
  return Number((await counting(query).executeTakeFirst())?.n ?? 0)
}

/** How many rows `rows(...args)` (with no selection) finds, by a query compiled once. */
export function preparedCount<Args extends unknown[], O>(
  read: Kysely<DB>,
  arity: Args['length'],
  rows: (...args: Args) => Query<O>,
): (...args: Args) => Promise<number> {
  const count = prepare(read, arity, (...args: Args) => counting(rows(...args)))
  return async (...args) => Number((await count.first(...args))?.n ?? 0)
}
