// `npm run bench:cache`: the response cache. Place detail and a search page, served by HBNB with the
// cache off (the database path), with the in-process memory cache and with Redis, each next to a bare
// node:http server answering the same bytes, measured right after it. The `-traced` modes run the same
// with OpenTelemetry tracing on, sending every span to a collector in this process that discards them:
// the cost of tracing next to the same mode without it.
// Settings: BENCH_DURATION (seconds per target, default 10), BENCH_WARMUP (default 2), BENCH_RETRIES
// (default 0; see bench/run.mjs), BENCH_CACHE_MODES (comma-separated: off,memory,redis,redis-no-lease,
// off-traced,memory-traced; default: all but the traced ones).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { measureQuietly, NOISE_CORES, noiseOf, startBare } from './lib/bare.mjs'
import { atExit, freePort, installCleanup, runBench, stop } from './lib/children.mjs'
import { cpuAccount } from './lib/cpu.mjs'
import { createPlaces, pickPlace, startHbnb } from './lib/hbnb.mjs'
import { request } from './lib/http.mjs'
import { failures, measure } from './lib/load.mjs'
import {
  cpuTable,
  loadProblems,
  machine,
  printTargets,
  reportHead,
  table,
  warnDisturbed,
  writeResults,
} from './lib/report.mjs'
import { number } from './lib/settings.mjs'

const CONNECTIONS = 32
const MODES = {
  off: 'no cache',
  memory: 'memory cache',
  redis: 'Redis cache',
  'redis-no-lease': 'Redis cache, no lease (a Redis round trip per hit)',
  'off-traced': 'no cache, traced',
  'memory-traced': 'memory cache, traced',
}
const UNTRACED = ['off', 'memory', 'redis', 'redis-no-lease']
/** Cached place detail must reach this share of the bare server's req/s. */
const CACHED_DETAIL_TARGET = 0.6

const log = (message) => console.log(`bench: ${message}`)

/** A private redis-server (no persistence) on a free port, stopped on exit. */
async function startRedisServer() {
  const port = await freePort()
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  )
  atExit(() => child.kill('SIGKILL'))
  const url = `redis://127.0.0.1:${port}`
  const { Redis } = await import('ioredis')
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 100 })
  for (let attempt = 0; ; attempt++) {
    try {
      await client.connect()
      await client.ping()
      break
    } catch (error) {
      if (attempt > 50) throw new Error(`redis-server did not start: ${error.message}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  client.disconnect()
  return url
}

/** An OTLP/HTTP collector that takes every export and keeps nothing; resolves to its URL. */
async function startSpanSink() {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  atExit(() => server.close())
  server.unref()
  return `http://127.0.0.1:${server.address().port}`
}

function endpointsFor(placeId) {
  return [
    { key: 'detail', label: 'GET /api/v1/places/<id>', method: 'GET', path: `/api/v1/places/${placeId}` },
    {
      key: 'search',
      label: 'GET /api/v1/search (20 results)',
      method: 'GET',
      path: '/api/v1/search?q=loft&sort=price&limit=20',
    },
  ]
}

async function main() {
  installCleanup()
  const load = {
    connections: CONNECTIONS,
    duration: number('BENCH_DURATION', 10),
    warmup: number('BENCH_WARMUP', 2),
  }
  const retries = Math.floor(number('BENCH_RETRIES', 0))
  const modes = (process.env.BENCH_CACHE_MODES ?? UNTRACED.join(',')).split(',').map((m) => m.trim())
  for (const mode of modes) if (!(mode in MODES)) throw new Error(`BENCH_CACHE_MODES: unknown mode "${mode}"`)
  const workDir = mkdtempSync(join(tmpdir(), 'hbnb-bench-cache-'))
  atExit(() => rmSync(workDir, { recursive: true, force: true }))
  const dataDir = join(workDir, 'data')
  const host = machine()
  log(`Node ${host.node}, ${host.cpuModel}, ${host.cores} cores; autocannon ${host.autocannon}`)
  log(`${load.connections} connections, ${load.warmup} s warm-up then ${load.duration} s per target`)
  const redisUrl = modes.some((mode) => mode.startsWith('redis')) ? await startRedisServer() : undefined
  const sinkUrl = modes.some((mode) => mode.endsWith('-traced')) ? await startSpanSink() : undefined

  const results = []
  const captures = new Map()
  /** One bare server per endpoint, measured right after each HBNB run: the machine's speed drifts. */
  const bareServers = new Map()
  let endpoints
  for (const mode of modes) {
    const extra = {
      HBNB_CACHE: mode === 'redis-no-lease' ? 'redis' : mode.replace(/-traced$/, ''),
      ...(mode.endsWith('-traced') ? { HBNB_OTLP_ENDPOINT: sinkUrl } : {}),
      ...(mode === 'redis-no-lease' ? { HBNB_CACHE_LEASE_MS: '0' } : {}),
      // One client address sends every request: the per-address and per-user limits would answer 429.
      HBNB_RATE_LIMIT_IP: '0',
      HBNB_RATE_LIMIT_USER: '0',
      ...(mode.startsWith('redis') ? { HBNB_REDIS_URL: redisUrl } : {}),
    }
    const hbnb = await startHbnb({ port: await freePort(), dataDir, authRateLimit: 1_000_000, extra })
    log(`HBNB with ${MODES[mode]} on ${hbnb.baseUrl} (pid ${hbnb.proc.pid})`)
    try {
      if (!endpoints) {
        const places = await createPlaces(hbnb.baseUrl)
        const { place } = await pickPlace(hbnb.baseUrl)
        log(`data: ${places.existing + places.created} places; detail of place ${place.id}`)
        endpoints = endpointsFor(place.id)
      }
      for (const endpoint of endpoints) {
        const capture = await request(hbnb.baseUrl, endpoint)
        if (capture.status !== 200) throw new Error(`${endpoint.label} answered ${capture.status}`)
        const first = captures.get(endpoint.key)
        if (first && !first.body.equals(capture.body))
          throw new Error(`${endpoint.label}: ${mode} answered other bytes`)
        if (!first) {
          captures.set(endpoint.key, capture)
          bareServers.set(endpoint.key, await startBare(endpoint, capture, workDir))
        }
        const run = await measureQuietly('HBNB', retries, () =>
          measure(hbnb.baseUrl + endpoint.path, endpoint, load, () => cpuAccount(hbnb.proc.pid)),
        )
        const bare = await bareServers.get(endpoint.key).measure(load, retries)
        results.push({
          key: `${endpoint.key}-${mode}`,
          endpoint,
          label: `${endpoint.label}, ${MODES[mode]}`,
          hbnb: run,
          bare,
        })
        log(
          `  ${endpoint.label}, ${MODES[mode]}: ${Math.round(run.requestsPerSecond)} req/s, ` +
            `bare server right after: ${Math.round(bare.requestsPerSecond)} req/s`,
        )
      }
    } finally {
      await stop(hbnb.proc, 15_000)
    }
  }

  for (const bare of bareServers.values()) await bare.stop()
  bareServers.clear()
  for (const result of results) {
    result.ratio = result.hbnb.requestsPerSecond / result.bare.requestsPerSecond
    result.problems = [
      ...failures(result.hbnb).map((p) => `HBNB: ${p}`),
      ...failures(result.bare).map((p) => `bare: ${p}`),
    ]
    result.noise = [result.hbnb, result.bare]
      .filter((run) => noiseOf(run) > NOISE_CORES)
      .map((run) => run.cpu)
    delete result.endpoint
  }

  const checks = results
    .filter((result) => result.key === 'detail-memory' || result.key === 'detail-redis')
    .map((result) => ({
      target: `${result.label}: >= ${CACHED_DETAIL_TARGET * 100} % of the bare server's req/s`,
      measured: `${(result.ratio * 100).toFixed(1)} %`,
      met: result.ratio >= CACHED_DETAIL_TARGET,
    }))
  console.log('')
  console.log(table(results))
  console.log('')
  console.log(cpuTable(results))
  printTargets(checks)
  const report = {
    ...reportHead(host, load, retries, { modes }),
    results,
    targets: checks,
  }
  writeResults('cache-latest.json', report)
  warnDisturbed(results)
  const problems = loadProblems(results)
  if (problems.length) {
    console.error(`\nbench: the load runs did not go cleanly:\n  ${problems.join('\n  ')}`)
    process.exitCode = 1
  }
}

// The private redis-server child would keep the event loop alive: exit (which stops it) when done.
runBench(main)
