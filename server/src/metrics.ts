// Prometheus metrics of this process, served at /metrics. Metrics are defined where they are
// measured, through the helpers below, so that two apps in one process (tests) share them.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

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
