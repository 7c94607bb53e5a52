// `npm run bench:pool`: does the worker pool scale? `hbnb serve --workers 1` then `--workers 2` on one
// port, plain HTTP direct, the uncached place detail (HBNB_CACHE=off: every request reads SQLite and
// renders), measured one after the other in one run. CPU per request counts the pool's primary and
// all its workers. The load generator shares the machine's cores, so it is wrk (Debian's package,
// a few microseconds of CPU per request) when installed, else autocannon (in this process, about as
// much CPU per request as a worker, which caps what 2 workers can show on 2 cores); the table says
// which, and what it used.
// Settings: BENCH_DURATION (seconds per target, default 10), BENCH_WARMUP (default 2),
// BENCH_LOAD=autocannon to use autocannon even where wrk is installed, BENCH_PIPELINE (wrk only: requests
// sent at a time on each connection, default 1; 4 cuts wrk's own CPU per request several times, for a
// 2-core machine where wrk's share caps what 2 workers can show).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { atExit, freePort, installCleanup, runBench, startNode, stop, waitUntil } from './lib/children.mjs'
import { processTicks } from './lib/cpu.mjs'
import { request } from './lib/http.mjs'
import { failures, measure } from './lib/load.mjs'
import { machine, reportHead, writeResults } from './lib/report.mjs'
import { number } from './lib/settings.mjs'
import { measureWithWrk, wrkAvailable } from './lib/wrk.mjs'

process.env.BENCH_PLACES ??= '50'
const { cleanEnv, createPlaces, pickPlace, startHbnb } = await import('./lib/hbnb.mjs')
const HBNB_BIN = fileURLToPath(new URL('../server/bin/hbnb.js', import.meta.url))
const CONNECTIONS = 32
const log = (message) => console.log(`bench: ${message}`)

const childrenOf = (pid) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)

function cpuOf(pids) {
  const start = pids.map(processTicks)
  return {
    finish() {
      const seconds = pids.reduce((sum, pid, i) => sum + processTicks(pid) - start[i], 0) / 100
      return { groups: { pool: seconds }, serverCpuSeconds: seconds }
    },
  }
}

async function main() {
  installCleanup()
  const load = {
    connections: CONNECTIONS,
    duration: number('BENCH_DURATION', 10),
    warmup: number('BENCH_WARMUP', 2),
    pipeline: Math.max(1, Math.floor(number('BENCH_PIPELINE', 1))),
  }
  const workDir = mkdtempSync(join(tmpdir(), 'hbnb-bench-pool-'))
  atExit(() => rmSync(workDir, { recursive: true, force: true }))
  const host = machine()
  log(
    `Node ${host.node}, ${host.cpuModel}, ${host.cores} cores; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`,
  )
  const dataDir = join(workDir, 'data')
  const setup = await startHbnb({ port: await freePort(), dataDir, authRateLimit: 1_000_000 })
  await createPlaces(setup.baseUrl)
  const { place } = await pickPlace(setup.baseUrl)
  const settings = setup.settings
  await stop(setup.proc, 15_000)
  const endpoint = { method: 'GET', path: `/api/v1/places/${place.id}` }
  const generator = process.env.BENCH_LOAD !== 'autocannon' && wrkAvailable() ? 'wrk' : 'autocannon'
  log(
    `load generator: ${generator}${generator === 'autocannon' ? ' (apt-get install wrk for a lighter one)' : ''}` +
      (generator === 'wrk' && load.pipeline > 1
        ? `, ${load.pipeline} requests at a time per connection`
        : ''),
  )
  const measureLoad = (url, watch) =>
    generator === 'wrk' ? measureWithWrk(url, load, watch) : measure(url, endpoint, load, watch)

  const rows = []
  for (const workers of [1, 2]) {
    const port = await freePort()
    const pool = startNode(`pool of ${workers}`, [HBNB_BIN, 'serve', '--workers', String(workers)], {
      env: { ...cleanEnv(), ...settings, HBNB_CACHE: 'off', HBNB_PORT: String(port) },
      cwd: dataDir,
    })
    atExit(() => pool.child.kill('SIGKILL'))
    const url = `http://127.0.0.1:${port}`
    await waitUntil(pool, async () => (await request(url, { path: '/readyz' })).status === 200, 60_000)
    const pids = [pool.pid, ...childrenOf(pool.pid)]
    log(`--workers ${workers}: pids ${pids.join(', ')}`)
    const run = await measureLoad(url + endpoint.path, () => cpuOf(pids))
    const problems = failures(run)
    if (problems.length) throw new Error(`--workers ${workers}: ${problems.join('; ')}`)
    rows.push({
      workers,
      requestsPerSecond: run.requestsPerSecond,
      p50Ms: run.latencyMs.p50,
      p99Ms: run.latencyMs.p99,
      cpuMsPerRequest: run.serverCpuMsPerRequest,
      poolCores: run.cpu.serverCpuSeconds / run.durationSeconds,
      loadGeneratorCpuMsPerRequest: run.loadGeneratorCpuMsPerRequest ?? null,
      requests: run.requests,
    })
    await stop(pool, 15_000)
  }
  console.log('')
  console.log(
    `| hbnb serve | req/s | p50 ms | p99 ms | CPU ms/req (primary + workers) | cores used by the pool | ${generator} CPU ms/req |`,
  )
  console.log('|---|---:|---:|---:|---:|---:|---:|')
  // wrk times a pipelined batch, not each request in it: its percentiles mean nothing then.
  const latency = (ms) => (load.pipeline > 1 ? 'n/a' : ms.toFixed(2))
  for (const row of rows) {
    const generatorCpu = row.loadGeneratorCpuMsPerRequest?.toFixed(3) ?? 'in this process'
    console.log(
      `| --workers ${row.workers} | ${Math.round(row.requestsPerSecond)} | ${latency(row.p50Ms)} | ${latency(row.p99Ms)} | ${row.cpuMsPerRequest.toFixed(3)} | ${row.poolCores.toFixed(2)} | ${generatorCpu} |`,
    )
  }
  const ratio = rows[1].requestsPerSecond / rows[0].requestsPerSecond
  console.log(
    `\n2 workers / 1 worker: ${ratio.toFixed(2)}x req/s; load after: ${readFileSync('/proc/loadavg', 'utf8').trim()}`,
  )
  writeResults('pool-latest.json', { ...reportHead(host, load, 0, {}), generator, results: rows, ratio })
}

runBench(main)
