// Hot reads compiled once. Building a Kysely query and compiling it to SQL costs more than running
// a small query on SQLite (docs/benchmarks.md); a query whose shape never changes can be compiled
// at start-up and run with new parameter values. SQLite's driver keeps the prepared statement of
// each SQL text, so the database does not parse it again either.
import { type Compilable, CompiledQuery, type Kysely } from 'kysely'
import type { DB } from './schema.js'
import { directReadOf } from './sqlite.js'

/** Stands for argument `i` while the query is compiled. */
const placeholder = (i: number) => `\u0000prepared-argument-${i}\u0000`

export interface PreparedQuery<Args extends unknown[], Row> {
  /** The rows for these argument values. */
  all(...args: Args): Promise<Row[]>
  /** The first row, if any. */
  first(...args: Args): Promise<Row | undefined>
}

/**
 * Compiles `build` once, called with placeholders: every argument must go into the query as a
 * parameter value (a `where` value, a `limit`), never shape it (a column name, an optional clause).
 */
export function prepare<Args extends unknown[], Row>(
  db: Kysely<DB>,
  arity: Args['length'],
  build: (...args: Args) => Compilable<Row>,
): PreparedQuery<Args, Row> {
  const placeholders = Array.from({ length: arity }, (_, i) => placeholder(i))
  const compiled = build(...(placeholders as Args)).compile()
  // For each parameter of the SQL: the argument it takes, or -1 for a constant of the query.
  const argumentOf = compiled.parameters.map((value) => placeholders.indexOf(value as string))
  for (let i = 0; i < arity; i++) {
    if (!argumentOf.includes(i))
      throw new Error(`prepare: argument ${i} is not a parameter of ${compiled.sql}`)
  }
  const constants = compiled.parameters
  const directRead = directReadOf(db)
  const run = async (args: unknown[]) => {
    const parameters = argumentOf.map((index, i) => (index < 0 ? constants[i] : args[index]))
    const rows = directRead?.(compiled.sql, parameters)
    if (rows) return rows as Row[]
    const result = await db.executeQuery<Row>(CompiledQuery.raw(compiled.sql, parameters))
    return result.rows
  }
  return {
    all: (...args) => run(args),
    first: async (...args) => (await run(args))[0],
  }
}
