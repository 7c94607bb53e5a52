// RED metrics of the HTTP API: requests per method, route pattern (never the raw URL) and status
// class, and their latency. Labels are bounded: unknown methods are `OTHER`, requests no route
// matched (404s of random URLs) are one `unmatched` route.
//
// Every request is counted, so the counting is plain arithmetic on per-route records, turned into
// Prometheus series only when /metrics is read: prom-client's counters and histograms hash their
// labels on every call, which cost several microseconds a request (docs/benchmarks.md).
import { type CollectedValue, type PlainObserver, plainHistogram, registerCollected } from '../metrics.js'

export const UNMATCHED_ROUTE = 'unmatched'
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

const REQUESTS = 'hbnb_http_requests_total'

const duration = plainHistogram(
  'hbnb_http_request_duration_seconds',
  'Time to answer HTTP requests, per method and route pattern.',
  ['method', 'route'],
  BUCKETS,
)

interface RouteRecord {
  method: string
  route: string
  /** Requests by status class (1xx to 5xx). */
  byClass: number[]
  duration: PlainObserver
}

const records = new Map<string, RouteRecord>()

function recordOf(method: string, route: string): RouteRecord {
  const key = `${method} ${route}`
  let found = records.get(key)
  if (!found) {
    found = {
      method,
      route,
      byClass: STATUS_CLASSES.map(() => 0),
      duration: duration.series({ method, route }),
    }
    records.set(key, found)
  }
  return found
}

/** Counts one answered request; `route` is the matched route's pattern, undefined when none matched. */
export function observeRequest(method: string, route: string | undefined, status: number, seconds: number) {
  const record = recordOf(METHODS.has(method) ? method : 'OTHER', route ?? UNMATCHED_ROUTE)
  const statusClass = Math.min(Math.max(Math.floor(status / 100), 1), 5) - 1
  record.byClass[statusClass]! += 1
  record.duration.observe(seconds)
}

function requestValues(): CollectedValue[] {
  const values: CollectedValue[] = []
  for (const { method, route, byClass } of records.values()) {
    byClass.forEach((value, i) => {
      if (value > 0) values.push({ value, labels: { method, route, status: STATUS_CLASSES[i]! } })
    })
  }
  return values
}

registerCollected(
  REQUESTS,
  'HTTP requests answered, per method, route pattern and status class.',
  'counter',
  requestValues,
  () => {
    for (const record of records.values()) record.byClass.fill(0)
  },
)
