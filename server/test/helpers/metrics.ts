// Reading the app's Prometheus text (`GET /metrics`) in tests.
import type { TestApp } from './test-app.js'

export async function scrape(t: TestApp): Promise<string> {
  return (await t.get('/metrics')).text
}

/** The value of one series (`name{labels}` exactly as exported), 0 when it is not there yet. */
export function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}

/** A counter's values by its one label (`name{label="value"} count`), from the app's metrics. */
export async function countsBy(t: TestApp, name: string, label: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  const line = new RegExp(`^${name}\\{${label}="(\\w+)"\\} (\\d+)`, 'gm')
  for (const [, value, count] of (await scrape(t)).matchAll(line)) counts[value!] = Number(count)
  return counts
}
