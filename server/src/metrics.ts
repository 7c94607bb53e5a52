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
