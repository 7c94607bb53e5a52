// The container health check (Dockerfile HEALTHCHECK, compose.yaml): exits 0 when the process
// answers `GET <path>` with 2xx on 127.0.0.1. `node healthcheck.mjs [port] [path]`; the port
// defaults to HBNB_PORT (else 8080), the path to /readyz (an API process whose database answers;
// Redis or a replica down leaves it ready, degraded). `hbnb worker` is checked on
// HBNB_WORKER_METRICS_PORT at /healthz.
const port = process.argv[2] ?? process.env.HBNB_PORT ?? '8080'
const path = process.argv[3] ?? '/readyz'
try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2500) })
  process.exit(response.ok ? 0 : 1)
} catch {
  process.exit(1)
}
