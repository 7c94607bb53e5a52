// Load generation with autocannon, keeping every 2xx latency at full (sub-millisecond) resolution:
// autocannon's own percentiles come from an integer-millisecond histogram, too coarse here.
import autocannon from 'autocannon'

function run(options, onLatency) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)))
    if (onLatency) {
      instance.on('response', (_client, statusCode, _bytes, ms) => {
        if (statusCode >= 200 && statusCode < 300) onLatency(ms)
      })
    }
  })
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/**
 * Warms `url` up for `warmup` seconds, then measures it for `duration` seconds with `connections`
 * keep-alive connections (`requests`: autocannon's request list, e.g. to vary the path). Returns requests per second, latency percentiles (ms) and failure counts.
 * `watch()`, when given, is called as the measured part starts; what its `finish()` returns at the
 * end of it is kept as `cpu`.
 */
export async function measure(
  url,
  { method = 'GET', headers, body, requests, tlsOptions },
  { connections, duration, warmup },
  watch,
) {
  const options = {
    url,
    method,
    headers,
    body,
    requests,
    tlsOptions,
    connections,
    pipelining: 1,
    timeout: 10,
  }
  if (warmup > 0) await run({ ...options, duration: warmup })
  const latencies = []
  const watcher = watch?.()
  const result = await run({ ...options, duration }, (ms) => latencies.push(ms))
  const cpu = watcher?.finish() ?? null
  const sorted = Float64Array.from(latencies).sort()
  return {
    cpu,
    serverCpuMsPerRequest:
      cpu && result.requests.total ? (cpu.serverCpuSeconds * 1000) / result.requests.total : null,
    requestsPerSecond: result.requests.average,
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: percentile(sorted, 100),
      mean: sorted.reduce((sum, ms) => sum + ms, 0) / (sorted.length || 1),
    },
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    bytesPerSecond: result.throughput.average,
    durationSeconds: result.duration,
  }
}

/** Whether a measurement ran cleanly: every request answered, and with a 2xx. */
export function failures(measurement) {
  const { non2xx, errors, timeouts, ok } = measurement
  const problems = []
  if (ok === 0) problems.push('no 2xx response')
  if (non2xx) problems.push(`${non2xx} non-2xx responses`)
  if (errors) problems.push(`${errors} connection errors`)
  if (timeouts) problems.push(`${timeouts} timeouts`)
  return problems
}
