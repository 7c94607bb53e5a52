// Per-pool database metrics (`pool` is `primary`, the only one of SQLite or a lone MariaDB, or
// `replica:host:port`).
import { counter, gauge, plainHistogram } from '../metrics.js'
import { queryLogFor } from '../tracing.js'

export const dbQueries = counter('hbnb_db_queries_total', 'Queries run, per connection pool.', ['pool'])
export const dbQueryErrors = counter('hbnb_db_query_errors_total', 'Queries that failed, per pool.', ['pool'])
export const replicaLag = gauge(
  'hbnb_db_replica_lag_seconds',
  'Seconds_Behind_Master of each replica at its last check (absent when unknown).',
  ['pool'],
)
export const replicaHealthy = gauge(
  'hbnb_db_replica_healthy',
  '1 when the replica gets reads, 0 when it is out of rotation.',
  ['pool'],
)
export const primaryReads = counter(
  'hbnb_db_primary_reads_total',
  'Plain reads sent to the primary although replicas are configured, by reason.',
  ['reason'],
)

export const dbQueryDuration = plainHistogram(
  'hbnb_db_query_duration_seconds',
  'Time a query took, per connection pool.',
  ['pool'],
  [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
)

export const PRIMARY_POOL = 'primary'

type QueryEvent = Parameters<NonNullable<ReturnType<typeof queryLogFor>>>[0]

/**
 * Kysely's `log` option of a database with one pool: every query timed in the pool's histogram,
 * and traced when tracing is on. (With replicas, the routing drivers time each pool's queries.)
 */
export function timedQueryLog(system: string): (event: QueryEvent) => void {
  const traced = queryLogFor(system)
  const duration = dbQueryDuration.series({ pool: PRIMARY_POOL })
  return (event) => {
    duration.observe(event.queryDurationMillis / 1000)
    traced?.(event)
  }
}
