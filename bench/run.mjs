// `npm run bench`: HBNB against a bare node:http server answering the same bytes, endpoint by endpoint.
// Settings: BENCH_DURATION (seconds measured per target, default 10), BENCH_WARMUP (seconds, default 2),
// BENCH_ONLY (comma-separated endpoint keys: detail,list,list1000,amenities,login),
// BENCH_RETRIES (default 0: how many times to measure a target again while other processes competed for
// the CPU; the least disturbed measurement is kept),
// BENCH_CPU_PROF (a directory: runs HBNB under `node --cpu-prof` and writes the profile there on exit),
// BENCH_NODE_OPTIONS (options of HBNB's node, e.g. `--max-semi-space-size=8`: replaces the heap flags of server/bin/hbnb.js),
// BENCH_PLACES (published places to have, default 1000; the 1,000-item list needs that many).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { benchBare, measureQuietly, NOISE_CORES, noiseOf } from './lib/bare.mjs'
import { atExit, freePort, installCleanup, runBench, stop } from './lib/children.mjs'
import { cpuAccount } from './lib/cpu.mjs'
import { ADMIN, createPlaces, pickPlace, startHbnb } from './lib/hbnb.mjs'
import { request } from './lib/http.mjs'
import { failures, measure } from './lib/load.mjs'
import { toMb, watchMemory } from './lib/memory.mjs'
import {
  cpuTable,
  loadProblems,
  machine,
  printTargets,
  reportHead,
  table,
  targets,
  warnDisturbed,
  writeResults,
} from './lib/report.mjs'
import { number } from './lib/settings.mjs'

const CONNECTIONS = 32
/** Far above what argon2id lets one process answer in a minute, so the login limiter never answers 429. */
const AUTH_RATE_LIMIT = 1_000_000

function endpointsFor(placeId) {
  return [
    { key: 'detail', label: 'GET /api/v1/places/<id>', method: 'GET', path: `/api/v1/places/${placeId}` },
    { key: 'list', label: 'GET /api/v1/places/?limit=100', method: 'GET', path: '/api/v1/places/?limit=100' },
    {
      key: 'list1000',
      label: 'GET /api/v1/places/?limit=1000 (4 conn.)',
      method: 'GET',
      path: '/api/v1/places/?limit=1000',
      // Each answer is about 0.8 MB: 32 connections would only queue (its target is CPU per request).
      connections: 4,
    },
    { key: 'amenities', label: 'GET /api/v1/amenities/', method: 'GET', path: '/api/v1/amenities/' },
    {
      key: 'login',
      label: 'POST /api/v1/auth/login',
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    },
  ]
}

const log = (message) => console.log(`bench: ${message}`)

async function main() {
  installCleanup()
  const load = {
    connections: CONNECTIONS,
    duration: number('BENCH_DURATION', 10, 'a number of seconds'),
    warmup: number('BENCH_WARMUP', 2, 'a number of seconds'),
  }
  const retries = Math.floor(number('BENCH_RETRIES', 0, 'a whole number'))
  const only = process.env.BENCH_ONLY?.split(',').map((key) => key.trim())
  const cpuProfDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined
  const workDir = mkdtempSync(join(tmpdir(), 'hbnb-bench-'))
  atExit(() => rmSync(workDir, { recursive: true, force: true }))
  const host = machine()

  log(`Node ${host.node}, ${host.cpuModel}, ${host.cores} cores; autocannon ${host.autocannon}`)
  log(`${load.connections} connections, ${load.warmup} s warm-up then ${load.duration} s per target`)
  log(`login rate limit raised for the benchmark: HBNB_AUTH_RATE_LIMIT=${AUTH_RATE_LIMIT} per minute`)
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true })

  const port = await freePort()
  const hbnb = await startHbnb({
    port,
    dataDir: join(workDir, 'data'),
    authRateLimit: AUTH_RATE_LIMIT,
    nodeOptions: [
      ...(process.env.BENCH_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []),
      ...(cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : []),
    ],
  })
  log(`HBNB serving on ${hbnb.baseUrl} (pid ${hbnb.proc.pid}, data in ${workDir}, JSON logs to /dev/null)`)
  const memory = watchMemory(hbnb.proc.pid)
  const startupRssKb = memory.mark()

  const places = await createPlaces(hbnb.baseUrl)
  const { pageLength, place } = await pickPlace(hbnb.baseUrl)
  if (pageLength !== 100) throw new Error(`GET /api/v1/places/?limit=100 returned ${pageLength} items`)
  log(
    `data: ${places.existing} demo places + ${places.created} created; detail of place ${place.id} ` +
      `(${place.reviews} reviews, ${place.amenities} amenities)`,
  )

  const results = []
  for (const endpoint of endpointsFor(place.id)) {
    if (only && !only.includes(endpoint.key)) continue
    const capture = await request(hbnb.baseUrl, endpoint)
    if (capture.status !== 200) {
      throw new Error(
        `${endpoint.label} answered ${capture.status}: ${capture.body.toString('utf8').slice(0, 300)}`,
      )
    }
    log(`${endpoint.label}: ${capture.body.length} bytes of ${capture.headers['content-type']}`)
    memory.mark()
    const endpointLoad = { ...load, connections: endpoint.connections ?? load.connections }
    const hbnbRun = await measureQuietly('HBNB', retries, () =>
      measure(hbnb.baseUrl + endpoint.path, endpoint, endpointLoad, () => cpuAccount(hbnb.proc.pid)),
    )
    const rssKb = memory.mark()
    const bareRun = cpuProfDir ? null : await benchBare(endpoint, capture, endpointLoad, retries, workDir)
    const result = {
      key: endpoint.key,
      label: endpoint.label,
      method: endpoint.method,
      path: endpoint.path,
      responseBytes: capture.body.length,
      contentType: capture.headers['content-type'],
      hbnb: { ...hbnbRun, peakRssMb: toMb(rssKb) },
      bare: bareRun,
      ratio: bareRun ? hbnbRun.requestsPerSecond / bareRun.requestsPerSecond : null,
      problems: [
        ...failures(hbnbRun).map((p) => `HBNB: ${p}`),
        ...(bareRun ? failures(bareRun).map((p) => `bare: ${p}`) : []),
      ],
    }
    result.noise = [hbnbRun, bareRun].filter((run) => run && noiseOf(run) > NOISE_CORES).map((run) => run.cpu)
    results.push(result)
    log(
      `  HBNB ${Math.round(hbnbRun.requestsPerSecond)} req/s` +
        (bareRun ? `, bare ${Math.round(bareRun.requestsPerSecond)} req/s` : '') +
        (result.problems.length ? ` — ${result.problems.join(', ')}` : ''),
    )
    for (const { otherCores, stealCores } of result.noise) {
      log(
        `  warning: other processes used ${otherCores} cores (steal ${stealCores}) meanwhile: figures are unreliable`,
      )
    }
  }

  const hwmKb = memory.hwmKb()
  const peakSampledKb = memory.peakSampledKb()
  memory.stop()
  const exit = await stop(hbnb.proc, 15_000)
  if (cpuProfDir) log(`HBNB stopped (${exit}); its CPU profile is in ${cpuProfDir}`)

  const peakRssMb = toMb(hwmKb ?? peakSampledKb)
  const problems = loadProblems(results)
  const report = {
    ...reportHead(host, load, retries, { hbnb: hbnb.settings, cpuProfile: Boolean(cpuProfDir) }),
    data: { places: places.existing + places.created, detailPlace: place },
    memory: {
      startupRssMb: toMb(startupRssKb),
      peakSampledRssMb: toMb(peakSampledKb),
      vmHwmMb: toMb(hwmKb),
    },
    results,
    targets: cpuProfDir ? [] : targets(results, peakRssMb, toMb(startupRssKb)),
    problems,
  }

  console.log('')
  if (cpuProfDir) {
    for (const r of results) {
      console.log(
        `${r.label}: ${Math.round(r.hbnb.requestsPerSecond)} req/s under the profiler (not comparable)`,
      )
    }
  } else {
    console.log(table(results))
    console.log('')
    console.log(cpuTable(results))
  }
  console.log('')
  console.log(
    `HBNB peak RSS: ${peakRssMb} MB (VmHWM ${toMb(hwmKb) ?? 'n/a'} MB; highest sampled VmRSS ` +
      `${toMb(peakSampledKb) ?? 'n/a'} MB; ${toMb(startupRssKb) ?? 'n/a'} MB after start-up)`,
  )
  console.log(`Node ${host.node} on ${host.cpuModel}, ${host.cores} cores (${host.os}, ${host.memoryGb} GB)`)
  console.log(
    `${load.connections} connections, ${load.duration} s per target after ${load.warmup} s of warm-up; ` +
      `HBNB_AUTH_RATE_LIMIT=${AUTH_RATE_LIMIT} for the login benchmark`,
  )
  printTargets(report.targets)

  writeResults(cpuProfDir ? 'profile-run.json' : 'latest.json', report)
  warnDisturbed(results)
  if (problems.length) {
    console.error(`\nbench: the load runs did not go cleanly:\n  ${problems.join('\n  ')}`)
    process.exitCode = 1
  }
}

runBench(main)
