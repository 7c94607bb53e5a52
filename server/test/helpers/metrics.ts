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
