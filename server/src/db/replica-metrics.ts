// Per-pool database metrics of a primary with read replicas (`pool` is `primary` or `replica:host:port`).
import { counter, gauge } from '../metrics.js'

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

export const PRIMARY_POOL = 'primary'
