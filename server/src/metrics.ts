// Prometheus metrics of this process, served at /metrics. Metrics are defined where they are
// measured, through the helpers below, so that two apps in one process (tests) share them.
import cluster from 'node:cluster'
import { randomUUID } from 'node:crypto'
import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

export const registry = new Registry()
collectDefaultMetrics({ register: registry, prefix: 'hbnb_' })

type Labels<L extends string> = readonly L[]

export function counter<L extends string = never>(name: string, help: string, labelNames: Labels<L> = []) {
  return (
    (registry.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter({ name, help, labelNames, registers: [registry] })
  )
}

/**
 * Makes each of these series exist at 0 from the start: a dashboard's `rate()` or `increase()` then
 * has data before the first event, and an alert on `increase(...) > 0` sees the first one.
 */
export function startAtZero<L extends string>(metric: Counter<L>, labelSets: Record<L, string>[]): void {
  for (const labels of labelSets) metric.inc(labels as Partial<Record<L, string | number>>, 0)
}

export function gauge<L extends string = never>(name: string, help: string, labelNames: Labels<L> = []) {
  return (
    (registry.getSingleMetric(name) as Gauge<L> | undefined) ??
    new Gauge({ name, help, labelNames, registers: [registry] })
  )
}

export function histogram<L extends string = never>(
  name: string,
  help: string,
  labelNames: Labels<L> = [],
  buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
) {
  return (
    (registry.getSingleMetric(name) as Histogram<L> | undefined) ??
    new Histogram({ name, help, labelNames, buckets, registers: [registry] })
  )
}

/** One sample of a metric read when /metrics is read (see `registerCollected`). */
export interface CollectedValue {
  value: number
  labels: Record<string, string | number>
  metricName?: string
}

/**
 * A metric whose samples `values()` reads from the caller's own records when /metrics is read, summed
 * across the workers of a pool like the others; `reset()` zeroes those records.
 */
export function registerCollected(
  name: string,
  help: string,
  type: 'counter' | 'histogram',
  values: () => CollectedValue[],
  reset: () => void,
): void {
  if (registry.getSingleMetric(name)) return
  const metric = { name, help, type, aggregator: 'sum' as const }
  registry.registerMetric({
    ...metric,
    get: async () => ({ ...metric, values: values() }),
    reset,
  } as unknown as Parameters<typeof registry.registerMetric>[0])
}

interface PlainSeries {
  labels: Record<string, string>
  /** Observations per bucket, not cumulative; the last one is above the largest bound. */
  inBucket: number[]
  sum: number
  count: number
}

/** Where an observation of a plain histogram goes: one series, found once. */
export interface PlainObserver {
  observe(seconds: number): void
}

export interface PlainHistogram<L extends string> {
  /** The series of these labels (keep it: finding it builds a key). */
  series(labels: Record<L, string>): PlainObserver
}

/** By name: two apps in one process (tests) share them, as they share prom-client's metrics. */
const plainHistograms = new Map<string, PlainHistogram<string>>()

/**
 * A histogram kept as plain numbers per series and turned into Prometheus samples only when /metrics
 * is read, for what is observed several times a request: prom-client's own hashes its labels and
 * searches its buckets on every call, 0.6–1 µs (docs/benchmarks.md).
 */
export function plainHistogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: readonly number[],
): PlainHistogram<L> {
  const made = plainHistograms.get(name)
  if (made) return made as PlainHistogram<L>
  const all = new Map<string, PlainSeries>()
  const values = (): CollectedValue[] =>
    [...all.values()].flatMap(({ labels, inBucket, sum, count }) => {
      let cumulative = 0
      return [
        ...buckets.map((bound, i) => {
          cumulative += inBucket[i]!
          return { value: cumulative, labels: { le: String(bound), ...labels }, metricName: `${name}_bucket` }
        }),
        { value: count, labels: { le: '+Inf', ...labels }, metricName: `${name}_bucket` },
        { value: sum, labels, metricName: `${name}_sum` },
        { value: count, labels, metricName: `${name}_count` },
      ]
    })
  const reset = () => {
    for (const series of all.values()) {
      series.inBucket.fill(0)
      series.sum = 0
      series.count = 0
    }
  }
  registerCollected(name, help, 'histogram', values, reset)
  const histogram: PlainHistogram<L> = {
    series(labels) {
      const key = labelNames.map((label) => labels[label]).join('\u0000')
      let found = all.get(key)
      if (!found) {
        found = { labels: { ...labels }, inBucket: new Array(buckets.length + 1).fill(0), sum: 0, count: 0 }
        all.set(key, found)
      }
      const series = found
      return {
        observe(seconds) {
          let bucket = 0
          while (bucket < buckets.length && seconds > buckets[bucket]!) bucket++
          series.inBucket[bucket]! += 1
          series.sum += seconds
          series.count += 1
        },
      }
    },
  }
  plainHistograms.set(name, histogram as PlainHistogram<string>)
  return histogram
}

const POOL_METRICS = 'hbnb:pool-metrics'

/**
 * The text /metrics answers: this process's metrics, or in a worker of `hbnb serve --workers N`
 * those of every worker added up (counters and histograms summed; the primary asks each worker).
 */
export async function metricsText(): Promise<string> {
  if (!cluster.isWorker || !process.send) return registry.metrics()
  const id = randomUUID()
  return new Promise((resolve, reject) => {
    const answer = (message: { type?: string; id?: string; text?: string; error?: string }) => {
      if (message?.type !== POOL_METRICS || message.id !== id) return
      process.off('message', answer)
      if (message.error !== undefined) reject(new Error(message.error))
      else resolve(message.text ?? '')
    }
    process.on('message', answer)
    process.send?.({ type: POOL_METRICS, id })
  })
}

/** In a worker: lets the primary collect this registry. In the primary: answers `metricsText()`. */
export function servePoolMetrics() {
  if (cluster.isWorker) {
    AggregatorRegistry.setRegistries([registry])
    new AggregatorRegistry()
    return
  }
  const aggregator = new AggregatorRegistry()
  cluster.on('message', (worker, message: { type?: string; id?: string }) => {
    if (message?.type !== POOL_METRICS) return
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: POOL_METRICS, id: message.id, text }),
      (error: Error) => worker.send({ type: POOL_METRICS, id: message.id, error: error.message }),
    )
  })
}
