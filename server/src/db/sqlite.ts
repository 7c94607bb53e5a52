import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, type LimitNode, SqliteDialect, SqliteQueryCompiler, sql, ValueNode } from 'kysely'
import { recordQuery, tracingOn } from '../tracing.js'
import { dbQueryDuration, PRIMARY_POOL, timedQueryLog } from './pool-metrics.js'
import type { Database } from './port.js'
import type { DB } from './schema.js'

const STATEMENT_CACHE_SIZE = 500
const MMAP_BYTES = 1024 ** 3

type Row = Record<string, unknown>

/**
 * A prepared statement as Kysely uses it. Rows are read as arrays and turned into objects by a
 * function compiled for the statement's columns: better-sqlite3 builds each row object one
 * property at a time, which costs two to three times more for wide rows such as places.
 */
class FastStatement {
  readonly reader: boolean
  private readonly toRow: ((values: unknown[]) => Row) | undefined

  constructor(private readonly statement: SqliteDatabase.Statement) {
    this.reader = statement.reader
    if (this.reader) {
      statement.raw(true)
      const fields = statement.columns().map((column, i) => `${JSON.stringify(column.name)}: v[${i}]`)
      this.toRow = new Function('v', `return { ${fields.join(', ')} }`) as (values: unknown[]) => Row
    }
  }

  all(parameters: readonly unknown[]): Row[] {
    return (this.statement.all(parameters) as unknown[][]).map(this.toRow!)
  }

  run(parameters: readonly unknown[]) {
    return this.statement.run(parameters)
  }

  *iterate(parameters: readonly unknown[]): IterableIterator<Row> {
    for (const values of this.statement.iterate(parameters) as IterableIterator<unknown[]>)
      yield this.toRow!(values)
  }
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements can be reused, and preparing is a
 * large share of a small query's cost. This keeps the most recently used statements by SQL text.
 */
function withStatementCache(db: SqliteDatabase.Database) {
  const cache = new Map<string, FastStatement>()
  return {
    close: () => db.close(),
    prepare(sqlText: string) {
      let statement = cache.get(sqlText)
      if (statement) {
        cache.delete(sqlText)
      } else {
        statement = new FastStatement(db.prepare(sqlText))
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!)
      }
      cache.set(sqlText, statement)
      return statement
    },
  }
}

/**
 * Writes a LIMIT given as a number into the SQL text. SQLite (3.54) plans with the value of a
 * bound LIMIT, so a statement whose LIMIT is a parameter is prepared again at every run: about
 * 0.2 ms for a search's summary, which is otherwise read in 0.1-0.2 ms. The values are few (page
 * sizes, the search's cap), so each text is prepared once and cached.
 */
class LiteralLimitCompiler extends SqliteQueryCompiler {
  protected override visitLimit(node: LimitNode): void {
    const value = ValueNode.is(node.limit) ? node.limit.value : undefined
    if (typeof value === 'number' && Number.isSafeInteger(value)) this.append(`limit ${value}`)
    else super.visitLimit(node)
  }
}

class HbnbSqliteDialect extends SqliteDialect {
  override createQueryCompiler() {
    return new LiteralLimitCompiler()
  }
}

type DirectRead = (sqlText: string, parameters: readonly unknown[]) => Row[] | undefined

const directReads = new WeakMap<Kysely<DB>, DirectRead>()

/**
 * For a SQLite database's Kysely instance: runs a read statement on its connection at once, without
 * Kysely's connection queue and promise chain (about a third of a small read's cost). Undefined while
 * a transaction holds the connection: its uncommitted rows must not be seen, so the read queues.
 */
export function directReadOf(db: Kysely<DB>): DirectRead | undefined {
  return directReads.get(db)
}

export function createSqliteDatabase(path: string): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const connection = new SqliteDatabase(path)
  connection.pragma('journal_mode = WAL')
  connection.pragma('foreign_keys = ON')
  connection.pragma('synchronous = NORMAL')
  connection.pragma('busy_timeout = 5000')
  // Searches and lists read index pages from all over a large file; SQLite's default 2 MB page
  // cache makes each missed page a system call. Memory-mapping lets reads hit the page cache directly.
  connection.pragma(`mmap_size = ${MMAP_BYTES}`)
  const statements = withStatementCache(connection)
  const kysely = new Kysely<DB>({
    dialect: new HbnbSqliteDialect({ database: statements }),
    log: timedQueryLog('sqlite'),
  })
  const directReadDuration = dbQueryDuration.series({ pool: PRIMARY_POOL })
  directReads.set(kysely, (sqlText, parameters) => {
    if (connection.inTransaction) return undefined
    const statement = statements.prepare(sqlText)
    if (!statement.reader) return undefined
    const started = performance.now()
    const rows = statement.all(parameters)
    const ms = performance.now() - started
    directReadDuration.observe(ms / 1000)
    if (tracingOn()) recordQuery('sqlite', sqlText, ms)
    return rows
  })
  return {
    dialect: 'sqlite',
    sqlite: connection,
    write: kysely,
    read: kysely,
    ping: async () => {
      await sql`select 1`.execute(kysely)
    },
    close: () => kysely.destroy(),
  }
}
