// `npm run bench:edge`: the edge. Cached place detail (memory cache) measured in one run, one after
// the other, through three paths answering the same bytes:
//   - Debian's NGINX over TLS (deploy/nginx, keep-alive HTTPS/1.1) in front of two `hbnb serve`
//     processes on one SQLite file,
//   - one HBNB process, plain HTTP, direct,
//   - the bare node:http server.
// Then the TLS handshake alone: full ECDHE-ECDSA handshakes against NGINX, one new connection each.
// CPU per request counts every process of a path (NGINX's master and workers plus both API
// processes for the first): it holds on a busy machine where req/s and latency do not.
// Settings: BENCH_DURATION (seconds per target, default 10), BENCH_WARMUP (default 2), BENCH_RETRIES
// (default 0), BENCH_HANDSHAKES (default 400).
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { fileURLToPath } from 'node:url'
import { renderNginxConfig } from '../scripts/render-nginx.mjs'
import { measureQuietly, startBare } from './lib/bare.mjs'
import { atExit, freePort, installCleanup, runBench, startNode, stop, waitUntil } from './lib/children.mjs'
import { processTicks } from './lib/cpu.mjs'
import { request } from './lib/http.mjs'
import { failures, measure } from './lib/load.mjs'
import { machine, reportHead, writeResults } from './lib/report.mjs'
import { number } from './lib/settings.mjs'

// Fifty places are enough for one cached detail page (the default 1,000 take minutes to create).
process.env.BENCH_PLACES ??= '50'
const { cleanEnv, createPlaces, pickPlace, startHbnb } = await import('./lib/hbnb.mjs')

const HBNB_BIN = fileURLToPath(new URL('../server/bin/hbnb.js', import.meta.url))
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path))
const CONNECTIONS = 32
const TICKS_PER_SECOND = 100
const log = (message) => console.log(`bench: ${message}`)

/** NGINX's master and its workers. */
function nginxPids(masterPid) {
  const children = readFileSync(`/proc/${masterPid}/task/${masterPid}/children`, 'utf8').trim().split(/\s+/)
  return [masterPid, ...children.filter(Boolean).map(Number)]
}

/** A CPU account over several processes: `finish()` gives their CPU seconds, per group. */
function cpuOf(groups) {
  const read = () =>
    Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pids.map(processTicks)]))
  const start = read()
  return {
    finish() {
      const end = read()
      const seconds = {}
      for (const name of Object.keys(groups)) {
        seconds[name] =
          end[name].reduce((sum, ticks, i) => sum + ticks - start[name][i], 0) / TICKS_PER_SECOND
      }
      return { groups: seconds, serverCpuSeconds: Object.values(seconds).reduce((a, b) => a + b, 0) }
    },
  }
}

function certificates(dir) {
  const ssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  ssl(
    'req',
    '-x509',
    ...ec,
    '-days',
    '2',
    '-subj',
    '/CN=HBNB bench CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  )
  ssl('req', ...ec, '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr')
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n')
  ssl(
    ...['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'],
    ...['-days', '2', '-extfile', 'san.ext', '-out', 'server.pem'],
  )
  return {
    ca: readFileSync(join(dir, 'ca.pem')),
    cert: join(dir, 'server.pem'),
    key: join(dir, 'server.key'),
  }
}

/** `count` full TLS handshakes (no session resumption), `parallel` at a time: wall time and NGINX CPU. */
async function handshakes(port, ca, pids, count, parallel) {
  const one = () =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint()
      const socket = connect(
        { host: '127.0.0.1', port, ca, servername: 'localhost', session: undefined },
        () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6
          socket.destroy()
          resolve(ms)
        },
      )
      socket.once('error', reject)
    })
  const account = cpuOf({ nginx: pids })
  const times = []
  const began = process.hrtime.bigint()
  let next = 0
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next++ < count) times.push(await one())
    }),
  )
  const seconds = Number(process.hrtime.bigint() - began) / 1e9
  const cpu = account.finish()
  times.sort((a, b) => a - b)
  return {
    handshakes: times.length,
    perSecond: times.length / seconds,
    p50Ms: times[Math.floor(times.length / 2)],
    p99Ms: times[Math.min(times.length - 1, Math.ceil(times.length * 0.99) - 1)],
    nginxCpuMsPerHandshake: (cpu.groups.nginx * 1000) / times.length,
  }
}

async function main() {
  if (!NGINX) throw new Error('nginx is not installed: apt-get install -y --no-install-recommends nginx')
  installCleanup()
  const load = {
    connections: CONNECTIONS,
    duration: number('BENCH_DURATION', 10),
    warmup: number('BENCH_WARMUP', 2),
  }
  const retries = Math.floor(number('BENCH_RETRIES', 0))
  const workDir = mkdtempSync(join(tmpdir(), 'hbnb-bench-edge-'))
  chmodSync(workDir, 0o755)
  atExit(() => rmSync(workDir, { recursive: true, force: true }))
  const host = machine()
  log(`Node ${host.node}, ${host.cpuModel}, ${host.cores} cores; autocannon ${host.autocannon}; ${NGINX}`)
  log(`${load.connections} connections, ${load.warmup} s warm-up then ${load.duration} s per target`)

  const dataDir = join(workDir, 'data')
  const settings = {
    HBNB_CACHE: 'memory',
    HBNB_TRUST_PROXY: '127.0.0.1',
    HBNB_RATE_LIMIT_IP: '0',
    HBNB_RATE_LIMIT_USER: '0',
  }
  const first = await startHbnb({
    port: await freePort(),
    dataDir,
    authRateLimit: 1_000_000,
    extra: settings,
  })
  const secondPort = await freePort()
  const second = startNode('HBNB server 2', [HBNB_BIN, 'serve'], {
    env: { ...cleanEnv(), ...first.settings, HBNB_PORT: String(secondPort) },
    cwd: dataDir,
  })
  atExit(() => second.child.kill('SIGKILL'))
  const secondUrl = `http://127.0.0.1:${secondPort}`
  await waitUntil(second, async () => (await request(secondUrl, { path: '/readyz' })).status === 200, 60_000)
  const places = await createPlaces(first.baseUrl)
  const { place } = await pickPlace(first.baseUrl)
  log(`data: ${places.existing + places.created} places; detail of place ${place.id}`)
  const endpoint = {
    key: 'detail',
    label: 'GET /api/v1/places/<id> (cached)',
    method: 'GET',
    path: `/api/v1/places/${place.id}`,
  }
  const capture = await request(first.baseUrl, endpoint)
  if (capture.status !== 200) throw new Error(`place detail answered ${capture.status}`)
  const fromSecond = await request(secondUrl, endpoint)
  if (!fromSecond.body.equals(capture.body)) throw new Error('the second process answered other bytes')

  const tls = certificates(workDir)
  const httpsPort = await freePort()
  const runDir = join(workDir, 'nginx')
  mkdirSync(runDir)
  writeFileSync(
    join(runDir, 'nginx.conf'),
    renderNginxConfig({
      runDir,
      httpListen: `127.0.0.1:${await freePort()}`,
      httpsListen: `127.0.0.1:${httpsPort}`,
      serverName: 'localhost',
      tlsCert: tls.cert,
      tlsKey: tls.key,
      upstreams: [new URL(first.baseUrl).host, `127.0.0.1:${secondPort}`],
      webRoot: join(workDir, 'web'),
      storageDir: join(workDir, 'storage'),
      // The benchmark is one address: NGINX's limits would measure themselves.
      apiRate: '1000000r/s',
      apiBurst: 1000000,
    }),
  )
  execFileSync(NGINX, ['-p', runDir, '-c', join(runDir, 'nginx.conf'), '-e', join(runDir, 'error.log')])
  const masterPid = Number(readFileSync(join(runDir, 'nginx.pid'), 'utf8'))
  atExit(() => {
    try {
      process.kill(masterPid, 'SIGTERM')
    } catch {}
  })
  const pids = nginxPids(masterPid)
  log(`NGINX (pid ${masterPid}, ${pids.length - 1} workers) on https://localhost:${httpsPort}`)
  const edgeUrl = `https://localhost:${httpsPort}`
  const tlsEndpoint = { ...endpoint, tlsOptions: { ca: tls.ca } }

  const runs = {}
  runs.edge = await measureQuietly('NGINX', retries, () =>
    measure(edgeUrl + endpoint.path, tlsEndpoint, load, () =>
      cpuOf({ nginx: pids, 'api 1': [first.proc.pid], 'api 2': [second.pid] }),
    ),
  )
  runs.direct = await measureQuietly('direct', retries, () =>
    measure(first.baseUrl + endpoint.path, endpoint, load, () => cpuOf({ api: [first.proc.pid] })),
  )
  // The same process with the headers NGINX adds: what the app pays for being behind a proxy.
  const proxied = {
    ...endpoint,
    headers: {
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'localhost',
      'x-request-id': '0123456789abcdef0123456789abcdef',
    },
  }
  runs.proxyHeaders = await measureQuietly('direct, proxy headers', retries, () =>
    measure(first.baseUrl + endpoint.path, proxied, load, () => cpuOf({ api: [first.proc.pid] })),
  )
  const bare = await startBare(endpoint, capture, workDir)
  runs.bare = await bare.measure(load, retries)
  await bare.stop()

  const count = Math.floor(number('BENCH_HANDSHAKES', 400))
  const handshake = await handshakes(httpsPort, tls.ca, pids, count, 4)

  const labels = {
    edge: 'NGINX, TLS (keep-alive) -> 2 hbnb serve',
    direct: 'one hbnb serve, plain HTTP, direct',
    proxyHeaders: "one hbnb serve, direct, with NGINX's X-Forwarded-* and X-Request-Id",
    bare: 'bare node:http, same bytes',
  }
  const problems = []
  const rows = Object.entries(runs).map(([key, run]) => {
    problems.push(...failures(run).map((problem) => `${labels[key]}: ${problem}`))
    const groups = run.cpu?.groups ?? { server: run.cpu?.serverCpuSeconds ?? 0 }
    const perRequest = (seconds) => ((seconds * 1000) / run.requests).toFixed(3)
    return {
      key,
      label: labels[key],
      requestsPerSecond: run.requestsPerSecond,
      p50Ms: run.latencyMs.p50,
      p99Ms: run.latencyMs.p99,
      cpuMsPerRequest: run.serverCpuMsPerRequest,
      split: Object.entries(groups)
        .map(([name, seconds]) => `${name} ${perRequest(seconds)}`)
        .join(', '),
      requests: run.requests,
    }
  })
  console.log('')
  console.log('| path | req/s | p50 ms | p99 ms | CPU ms/req (all its processes) | of which |')
  console.log('|---|---:|---:|---:|---:|---|')
  for (const row of rows) {
    console.log(
      `| ${row.label} | ${Math.round(row.requestsPerSecond)} | ${row.p50Ms?.toFixed(2)} | ${row.p99Ms?.toFixed(2)} | ${row.cpuMsPerRequest?.toFixed(3)} | ${row.split} |`,
    )
  }
  console.log('')
  console.log(
    `TLS handshakes (TLS 1.3, ECDHE P-256 / ECDSA P-256, new connection each, 4 at a time): ${handshake.handshakes} in ` +
      `${Math.round(handshake.perSecond)}/s, p50 ${handshake.p50Ms.toFixed(2)} ms, p99 ${handshake.p99Ms.toFixed(2)} ms, ` +
      `NGINX CPU ${handshake.nginxCpuMsPerHandshake.toFixed(3)} ms per handshake`,
  )
  writeResults('edge-latest.json', { ...reportHead(host, load, retries, {}), results: rows, handshake })
  await stop(second)
  await stop(first.proc, 15_000)
  if (problems.length) {
    console.error(`\nbench: the load runs did not go cleanly:\n  ${problems.join('\n  ')}`)
    process.exitCode = 1
  }
}

runBench(main)
