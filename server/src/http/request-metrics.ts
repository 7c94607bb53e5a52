// RED metrics of the HTTP API: requests per method, route pattern (never the raw URL) and status
// class, and their latency. Labels are bounded: unknown methods are `OTHER`, requests no route
// matched (404s of random URLs) are one `unmatched` route.
import type { Counter, Histogram } from 'prom-client'
import { counter, histogram } from '../metrics.js'

export const UNMATCHED_ROUTE = 'unmatched'
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const

const requests = counter(
  'hbnb_http_requests_total',
  'HTTP requests answered, per method, route pattern and status class.',
  ['method', 'route', 'status'],
)
const duration = histogram(
  'hbnb_http_request_duration_seconds',
  'Time to answer HTTP requests, per method and route pattern.',
  ['method', 'route'],
)

interface RouteSeries {
  latency: Histogram.Internal<string>
  byClass: Map<string, Counter.Internal>
}

/** Label children by method and route: looking a child up by its labels costs more than using it. */
const series = new Map<string, RouteSeries>()

function seriesOf(method: string, route: string): RouteSeries {
  const key = `${method} ${route}`
  let found = series.get(key)
  if (!found) {
    found = { latency: duration.labels(method, route), byClass: new Map() }
    series.set(key, found)
  }
  return found
}

/** Counts one answered request; `route` is the matched route's pattern, undefined when none matched. */
export function observeRequest(method: string, route: string | undefined, status: number, seconds: number) {
  const known = METHODS.has(method) ? method : 'OTHER'
  const routeSeries = seriesOf(known, route ?? UNMATCHED_ROUTE)
  const statusClass = STATUS_CLASSES[Math.floor(status / 100) - 1] ?? '5xx'
  let count = routeSeries.byClass.get(statusClass)
  if (!count) {
    count = requests.labels(known, route ?? UNMATCHED_ROUTE, statusClass)
    routeSeries.byClass.set(statusClass, count)
  }
  count.inc()
  routeSeries.latency.observe(seconds)
}
