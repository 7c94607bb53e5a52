// `npm run bench:realtime`: the WebSocket tier (/api/v1/ws).
//  1. Idle connections: BENCH_WS_CONNECTIONS (default 10,000) authenticated socket.io connections,
//     held open on one `hbnb serve` process; its RSS before and after gives the memory per connection.
//  2. Fan-out: an API process A (bench/realtime-publisher.mjs: the app, from the build) publishes
//     BENCH_WS_RATE events/s (default 1,000) for BENCH_WS_SECONDS (default 10) through its live-events
//     seam; BENCH_WS_RECEIVERS connections (default 10) on process B (`hbnb serve`) follow the topic;
//     latency is publish on A to receipt on B, per receipt, after BENCH_WS_WARMUP s (default 2). Redis (a private redis-server) between them.
//  3. The REST send path: POST /api/v1/conversations/<id>/messages on B for BENCH_WS_SECONDS with
//     BENCH_WS_SEND_CONNECTIONS (default 8) connections, next to a bare node:http server answering
//     the same bytes in the same run: requests/s, latency and server CPU per request.
// Prints the figures; exits non-zero only when something failed to run.
import { fork, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { io } from 'socket.io-client'
import { benchBare } from './lib/bare.mjs'
import { atExit, freePort, installCleanup, runBench, startNode, waitUntil } from './lib/children.mjs'
import { cpuAccount } from './lib/cpu.mjs'
import { json, request } from './lib/http.mjs'
import { measure } from './lib/load.mjs'
import { toMb } from './lib/memory.mjs'
import { loadAverage, machine } from './lib/report.mjs'

const CONNECTIONS = Number(process.env.BENCH_WS_CONNECTIONS ?? 10_000)
const RATE = Number(process.env.BENCH_WS_RATE ?? 1000)
const SECONDS = Number(process.env.BENCH_WS_SECONDS ?? 10)
const RECEIVERS = Number(process.env.BENCH_WS_RECEIVERS ?? 10)
/** Seconds of publishing before the measured ones (JIT, connection set-up), not counted. */
const WARMUP = Number(process.env.BENCH_WS_WARMUP ?? 2)
const USERS = 20
const CONNECT_BATCH = 250
const HBNB_BIN = fileURLToPath(new URL('../server/bin/hbnb.js', import.meta.url))
const P99_TARGET_MS = 100
const SEND_CONNECTIONS = Number(process.env.BENCH_WS_SEND_CONNECTIONS ?? 8)

const log = (message) => console.log(`bench: ${message}`)

function rssKb(pid) {
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)
  return match ? Number(match[1]) : null
}

async function startRedisServer() {
  const port = await freePort()
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  atExit(() => child.kill('SIGKILL'))
  const { Redis } = await import('ioredis')
  const client = new Redis(`redis://127.0.0.1:${port}`, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => 100,
  })
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
  return `redis://127.0.0.1:${port}`
}

function cleanEnv() {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('HBNB_') && key !== 'PORT') env[key] = value
  }
  return env
}

async function startServe(name, command, settings) {
  const port = await freePort()
  const proc = startNode(name, [HBNB_BIN, command], {
    env: { ...cleanEnv(), ...settings, HBNB_PORT: String(port) },
    cwd: settings.HBNB_DATA_DIR,
  })
  atExit(() => proc.child.kill('SIGKILL'))
  const baseUrl = `http://127.0.0.1:${port}`
  await waitUntil(proc, async () => (await request(baseUrl, { path: '/readyz' })).status === 200, 90_000)
  return { proc, baseUrl }
}

function connect(baseUrl, token) {
  const socket = io(baseUrl, {
    path: '/api/v1/ws',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token },
  })
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', (error) => {
      socket.close()
      reject(new Error(`connect failed: ${error.message} ${JSON.stringify(error.data ?? {})}`))
    })
  })
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

const fixed = (value, digits = 1) => (value === null ? 'n/a' : value.toFixed(digits))

async function main() {
  installCleanup()
  const host = machine()
  log(`node ${host.node}, ${host.cores} cores (${host.cpuModel}), load ${loadAverage()}`)
  const redisUrl = await startRedisServer()
  const dataDir = mkdtempSync(join(tmpdir(), 'hbnb-bench-ws-'))
  const settings = {
    HBNB_HOST: '127.0.0.1',
    HBNB_DATA_DIR: dataDir,
    HBNB_REDIS_URL: redisUrl,
    HBNB_LOG_LEVEL: 'warn',
    HBNB_LOG_FORMAT: 'json',
    HBNB_AUTH_RATE_LIMIT: '1000000',
    HBNB_RATE_LIMIT_ALLOW: 'loopback',
    HBNB_REALTIME_MAX_CONNECTIONS_PER_ADDRESS: String(CONNECTIONS + 1000),
    HBNB_MESSAGE_RATE_LIMIT: '0',
    HBNB_CACHE: 'off',
  }
  for (const args of [['migrate', 'up'], ['seed']]) {
    const proc = startNode(`hbnb ${args.join(' ')}`, [HBNB_BIN, ...args], {
      env: { ...cleanEnv(), ...settings },
      cwd: dataDir,
    })
    const status = await proc.exited
    if (status !== 0) throw new Error(`hbnb ${args.join(' ')} failed (${status}): ${proc.stderr()}`)
  }
  const b = await startServe('HBNB B (hbnb serve, receivers)', 'serve', settings)
  const a = await startServe('HBNB A (hbnb serve, idle connections)', 'serve', settings)
  log(
    `processes up: A ${a.baseUrl} (pid ${a.proc.pid}), B ${b.baseUrl} (pid ${b.proc.pid}), redis ${redisUrl}`,
  )

  const admin = await json(b.baseUrl, {
    method: 'POST',
    path: '/api/v1/auth/login',
    body: { email: 'admin@hbnb.io', password: 'admin1234' },
  })
  const tokens = []
  for (let i = 0; i < USERS; i++) {
    const email = `bench-ws-${i}-${Date.now()}@example.com`
    await json(
      b.baseUrl,
      {
        method: 'POST',
        path: '/api/v1/users/',
        headers: { authorization: `Bearer ${admin.access_token}` },
        body: { first_name: 'Bench', last_name: `User${i}`, email, password: 'amber-otter-2931' },
      },
      201,
    )
    const login = await json(b.baseUrl, {
      method: 'POST',
      path: '/api/v1/auth/login',
      body: { email, password: 'amber-otter-2931' },
    })
    tokens.push(login.access_token)
  }

  // 1. Idle connections on A.
  const warm = await Promise.all(tokens.slice(0, 10).map((token) => connect(a.baseUrl, token)))
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const rssBefore = rssKb(a.proc.pid)
  const sockets = [...warm]
  const connectStart = performance.now()
  while (sockets.length < CONNECTIONS) {
    const batch = []
    for (let i = 0; i < CONNECT_BATCH && sockets.length + batch.length < CONNECTIONS; i++) {
      batch.push(connect(a.baseUrl, tokens[(sockets.length + i) % tokens.length]))
    }
    sockets.push(...(await Promise.all(batch)))
  }
  const connectSeconds = (performance.now() - connectStart) / 1000
  await new Promise((resolve) => setTimeout(resolve, 3000))
  const connected = sockets.filter((socket) => socket.connected).length
  const rssAfter = rssKb(a.proc.pid)
  const perConnectionKb = (rssAfter - rssBefore) / (CONNECTIONS - warm.length)
  log(
    `${connected.toLocaleString('en-US')} connections open on A (${fixed(connectSeconds)} s to open); RSS ${toMb(rssBefore)} MB -> ${toMb(rssAfter)} MB`,
  )
  for (const socket of sockets) socket.close()
  // Let both sides collect the closed connections before measuring latency.
  await new Promise((resolve) => setTimeout(resolve, 3000))

  // 2. Fan-out A -> Redis -> B.
  const places = await json(b.baseUrl, { path: '/api/v1/places/?limit=1' })
  const topic = `place:${places[0].id}`
  const publisher = fork(fileURLToPath(new URL('./realtime-publisher.mjs', import.meta.url)), [], {
    env: { ...cleanEnv(), ...settings, HBNB_DATABASE_URL: `sqlite:${join(dataDir, 'hbnb.sqlite')}` },
    cwd: dataDir,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  atExit(() => publisher.kill('SIGKILL'))
  await new Promise((resolve, reject) => {
    publisher.once('message', resolve)
    publisher.once('exit', (code) => reject(new Error(`the publisher exited (${code})`)))
  })
  const latencies = []
  /** The worst latency of each second of publishing: where the tail comes from. */
  const perSecond = []
  const warmupEvents = RATE * WARMUP
  const receivers = []
  for (let i = 0; i < RECEIVERS; i++) {
    const socket = await connect(b.baseUrl, tokens[i % tokens.length])
    const answer = await socket.timeout(10_000).emitWithAck('subscribe', { topic })
    if (!answer.ok) throw new Error(`subscribe failed: ${JSON.stringify(answer)}`)
    let last = -1
    let outOfOrder = 0
    socket.on('event', (event) => {
      if (event.data.seq < warmupEvents) return
      const latency = performance.timeOrigin + performance.now() - event.data.sent_at
      latencies.push(latency)
      const second = Math.floor(event.data.seq / RATE) - WARMUP
      perSecond[second] = Math.max(perSecond[second] ?? 0, latency)
      if (event.data.seq <= last) outOfOrder++
      last = event.data.seq
    })
    receivers.push({ socket, outOfOrder: () => outOfOrder })
  }
  const done = new Promise((resolve) => publisher.once('message', resolve))
  const cpu = cpuAccount(b.proc.pid)
  publisher.send({ rate: RATE, seconds: WARMUP + SECONDS, topic })
  const published = (await done).published - warmupEvents
  const cores = cpu.finish()
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const expected = published * RECEIVERS
  const sorted = [...latencies].sort((x, y) => x - y)
  const p50 = percentile(sorted, 50)
  const p99 = percentile(sorted, 99)
  const max = sorted.at(-1) ?? null
  const outOfOrder = receivers.reduce((sum, r) => sum + r.outOfOrder(), 0)
  for (const { socket } of receivers) socket.close()
  publisher.disconnect()

  // 3. The REST send path on B, next to the bare server answering the same bytes.
  const conversation = await json(
    b.baseUrl,
    {
      method: 'POST',
      path: '/api/v1/conversations',
      headers: { authorization: `Bearer ${tokens[0]}` },
      body: { place_id: places[0].id },
    },
    201,
  )
  const send = {
    key: 'send',
    method: 'POST',
    path: `/api/v1/conversations/${conversation.id}/messages`,
    headers: { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'Is the flat quiet at night? We are two, arriving around six.' }),
  }
  const capture = await request(b.baseUrl, send)
  if (capture.status !== 201) throw new Error(`sending a message answered ${capture.status}: ${capture.body}`)
  const sendLoad = { connections: SEND_CONNECTIONS, duration: SECONDS, warmup: WARMUP }
  const hbnbSend = await measure(b.baseUrl + send.path, send, sendLoad, () => cpuAccount(b.proc.pid))
  const bareSend = await benchBare(send, capture, sendLoad, 0, dataDir)
  const sendRow = (label, run) =>
    `| ${label} | ${Math.round(run.requestsPerSecond).toLocaleString('en-US')} | ${fixed(run.latencyMs.p50, 2)} | ${fixed(run.latencyMs.p99, 2)} | ${fixed(run.serverCpuMsPerRequest, 3)} | ${run.non2xx + run.errors} |`

  console.log('')
  console.log('| Measure | Figure |')
  console.log('|---|---:|')
  console.log(`| Idle authenticated connections on one process (A) | ${connected.toLocaleString('en-US')} |`)
  console.log(`| Time to open them (${CONNECT_BATCH} at a time) | ${fixed(connectSeconds)} s |`)
  console.log(`| RSS of A before / after | ${toMb(rssBefore)} MB / ${toMb(rssAfter)} MB |`)
  console.log(`| Memory per idle connection (RSS growth / connections) | ${fixed(perConnectionKb)} kB |`)
  console.log(
    `| Events published through A (after ${WARMUP} s of warm-up) | ${published.toLocaleString('en-US')} at ${RATE}/s |`,
  )
  console.log(
    `| Receipts on B (${RECEIVERS} connections) | ${latencies.length.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} |`,
  )
  console.log(`| Out of order | ${outOfOrder} |`)
  console.log(`| Latency A publish -> B receipt, p50 | ${fixed(p50, 2)} ms |`)
  console.log(`| Latency A publish -> B receipt, p99 | ${fixed(p99, 2)} ms |`)
  console.log(`| Latency A publish -> B receipt, max | ${fixed(max, 2)} ms |`)
  if (cores) {
    console.log(`| Cores used by B during the fan-out | ${cores.serverCores} |`)
    console.log(
      `| Cores used by the bench's clients | ${fixed(cores.benchmarkCores - cores.serverCores, 2)} |`,
    )
    console.log(
      `| Cores used by every other process (A, Redis, and the rest of the machine) | ${cores.otherCores} |`,
    )
  }
  console.log('')
  console.log(
    `REST send path (${SEND_CONNECTIONS} connections, ${SECONDS} s, ${capture.body.length} B answers; each send also stores the message and publishes it live):`,
  )
  console.log('| Server | req/s | p50 ms | p99 ms | CPU ms/req | failed |')
  console.log('|---|---:|---:|---:|---:|---:|')
  console.log(sendRow('HBNB B: POST /api/v1/conversations/<id>/messages', hbnbSend))
  console.log(sendRow('bare node:http, same bytes', bareSend))
  console.log('')
  log(`worst latency of each second (ms): ${perSecond.map((value) => Math.round(value)).join(', ')}`)
  log(
    `targets: ${connected >= 10_000 ? 'met' : 'NOT met'}: at least 10,000 idle connections; ` +
      `${p99 !== null && p99 <= P99_TARGET_MS ? 'met' : 'NOT met'}: p99 <= ${P99_TARGET_MS} ms at ${RATE} events/s`,
  )
  log(`load at the end ${loadAverage()}`)
  if (connected < CONNECTIONS || latencies.length < expected || hbnbSend.non2xx || hbnbSend.errors)
    process.exitCode = 1
}

runBench(main)
