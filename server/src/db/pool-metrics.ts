// Per-pool database metrics (`pool` is `primary`, the only one of SQLite or a lone MariaDB, or
// `replica:host:port`).
import { Gauge } from 'prom-client'
import { counter, gauge, plainHistogram, registry, startAtZero } from '../metrics.js'
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
export const replicaRemovals = counter(
  'hbnb_db_replica_out_of_rotation_total',
  'Times each replica was taken out of rotation, by reason: unreachable, query_failed, query_timeout, replication_stopped, lagging, not_a_replica. Counts outages shorter than a scrape interval, which hbnb_db_replica_healthy misses.',
  ['pool', 'reason'],
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

/** What mysql2's pool keeps of its connections and waiting requests (read, never changed). */
interface MysqlPoolState {
  _allConnections: { length: number }
  _freeConnections: { length: number }
  _connectionQueue: { length: number }
  _closed: boolean
}

/** MariaDB connection pools by label, read when /metrics is read; dropped once closed. */
const watchedPools = new Map<string, MysqlPoolState>()

export function watchMysqlPool(label: string, pool: unknown): void {
  watchedPools.set(label, pool as MysqlPoolState)
}

function collectedGauge(name: string, help: string, labelNames: string[], read: (gauge: Gauge) => void) {
  if (registry.getSingleMetric(name)) return
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset()
      for (const [label, pool] of watchedPools) if (pool._closed) watchedPools.delete(label)
      read(this)
    },
  })
}

collectedGauge(
  'hbnb_db_pool_connections',
  'Connections of each MariaDB pool, by state: busy (running a query or a transaction) or idle.',
  ['pool', 'state'],
  (gauge) => {
    for (const [pool, state] of watchedPools) {
      const idle = state._freeConnections.length
      gauge.set({ pool, state: 'idle' }, idle)
      gauge.set({ pool, state: 'busy' }, state._allConnections.length - idle)
    }
  },
)
collectedGauge(
  'hbnb_db_pool_waiting_requests',
  'Requests for a connection waiting because each MariaDB pool is at its limit.',
  ['pool'],
  (gauge) => {
    for (const [pool, state] of watchedPools) gauge.set({ pool }, state._connectionQueue.length)
  },
)

type QueryEvent = Parameters<NonNullable<ReturnType<typeof queryLogFor>>>[0]

/**
 * Kysely's `log` option of a database with one pool: every query timed in the pool's histogram,
 * and traced when tracing is on. (With replicas, the routing drivers time each pool's queries.)
 */
export function timedQueryLog(system: string): (event: QueryEvent) => void {
  const traced = queryLogFor(system)
  const duration = dbQueryDuration.series({ pool: PRIMARY_POOL })
  startAtZero(dbQueryErrors, [{ pool: PRIMARY_POOL }])
  return (event) => {
    duration.observe(event.queryDurationMillis / 1000)
    if (event.level === 'error') dbQueryErrors.inc({ pool: PRIMARY_POOL })
    traced?.(event)
  }
}
