#!/usr/bin/env node
// Chaos under load (issue 17): a steady mix of searches, logins and bookings through NGINX over
// HTTPS (the stack's own CA) while, one at a time, faults hit scripts/stack.sh's production stack:
// an API worker SIGKILLed, a pool rolled with SIGHUP, the stack's RabbitMQ node stopped and started
// again, its Redis stopped and started, its MariaDB replica stopped and started. Afterwards: every
// committed booking is in the primary, every booking email went out exactly once, and no place
// night is booked twice.
//
//   npm run chaos                        (prints a table; exit 1 when a target is missed)
//   node bench/chaos.mjs --json out.json (also writes the results)
//
// It brings up a stack of its own (temporary directory, free ports, its own MariaDB primary and
// replica, RabbitMQ node and Redis), and takes it down, data and all, at the end. Nothing of the
// machine is stopped: the machine's MariaDB (3306) and RabbitMQ (5672) are not used.
//
// Retries (stated in the table): a GET that fails at the network or with 502/503/504 is retried
// once; a booking is retried once with the same Idempotency-Key (the API makes that safe); a login
// is never retried.
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:https'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const REPO = join(import.meta.dirname, '..')
const STACK = join(REPO, 'scripts/stack.sh')
const argv = process.argv.slice(2)
const jsonOut = argv.includes('--json') ? argv[argv.indexOf('--json') + 1] : undefined
const PHASE_MS = Number(process.env.HBNB_CHAOS_PHASE_MS ?? 20_000)
const CLIENTS = Number(process.env.HBNB_CHAOS_CLIENTS ?? 6)
/** Requests per second from all clients together: steady, and light enough for a shared 2-core machine. */
const RATE = Number(process.env.HBNB_CHAOS_RATE ?? 60)
/** How long the broker, Redis and the replica stay down. */
const DOWN_MS = Number(process.env.HBNB_CHAOS_DOWN_MS ?? 5_000)

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const log = (message) => process.stderr.write(`chaos: ${message}\n`)

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

const dir = mkdtempSync(join(tmpdir(), 'hbnb-chaos-'))
const database = 'hbnb_chaos'
const ports = {
  https: await freePort(),
  http: await freePort(),
  api: [await freePort(), await freePort()],
  redis: await freePort(),
  mariadb: [await freePort(), await freePort()], // the primary, the replica
  amqp: await freePort(),
  rabbitmqDist: await freePort(),
}
const REPLICA_POOL = `replica:127.0.0.1:${ports.mariadb[1]}`
const stackEnv = {
  ...process.env,
  HBNB_STACK_DIR: dir,
  HBNB_STACK_HTTPS_PORT: String(ports.https),
  HBNB_STACK_HTTP_PORT: String(ports.http),
  HBNB_STACK_API_PORTS: ports.api.join(' '),
  HBNB_STACK_REDIS_PORT: String(ports.redis),
  HBNB_STACK_MARIADB_PORTS: ports.mariadb.join(' '),
  HBNB_STACK_AMQP_PORT: String(ports.amqp),
  HBNB_STACK_RABBITMQ_DIST_PORT: String(ports.rabbitmqDist),
  HBNB_STACK_DATABASE: database,
  HBNB_STACK_WORKERS: process.env.HBNB_STACK_WORKERS ?? '2',
  // One address sends all the load: NGINX's per-address limits would answer most of it with 429.
  HBNB_STACK_API_RATE: '10000r/s',
  HBNB_STACK_AUTH_RATE: '60000r/m',
}

function stack(command) {
  const run = spawnSync(STACK, [command], { env: stackEnv, encoding: 'utf8', timeout: 300_000 })
  if (run.status !== 0) throw new Error(`stack.sh ${command} failed:\n${run.stdout}${run.stderr}`)
  return run.stdout
}

/** `scripts/stack.sh ...args` without blocking the load (a fault lasts seconds). */
function stackAsync(...args) {
  return new Promise((resolve, reject) => {
    execFile(STACK, args, { env: stackEnv, encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`stack.sh ${args.join(' ')} failed:\n${stdout}${stderr}`))
      else resolve(stdout)
    })
  })
}

/** A query on the stack's primary. */
function sql(query) {
  return execFileSync(
    'mariadb',
    [
      '--protocol=tcp',
      '--host=127.0.0.1',
      `--port=${ports.mariadb[0]}`,
      '--user=root',
      '-N',
      '--batch',
      database,
      '-e',
      query,
    ],
    { encoding: 'utf8' },
  )
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'))
}

/** The stack's settings, as its processes see them (hbnb.env, secrets.env, local.env). */
function appEnv() {
  const env = { ...process.env }
  for (const file of ['hbnb.env', 'secrets.env', 'local.env']) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const at = line.indexOf('=')
      if (at > 0) env[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return env
}

const pidOf = (file) => Number(readFileSync(join(dir, file), 'utf8'))
const childrenOf = (pid) =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter(Boolean)

// ---------------------------------------------------------------------------------------------
// The load: CLIENTS loops, each a mix of 50% searches, 10% reads of a place's reviews, 20% logins,
// 20% bookings. Searches are answered from the response cache (filled from the primary, as place
// details and profiles are); reviews are not cached: they are the reads that go to the replica.
// Bookings and logins write, so they use the primary.

let agent
let ca
const DEMO_PASSWORD = 'hbnb-demo-1234'

function call(method, path, { body, token, headers = {} } = {}) {
  const began = performance.now()
  return new Promise((done) => {
    const resolve = (result) => {
      const ms = performance.now() - began
      if (ms > current.slowestMs) current.slowestMs = Math.round(ms)
      done(result)
    }
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = request(
      {
        host: 'localhost',
        port: ports.https,
        method,
        path,
        ca,
        agent,
        timeout: 15_000,
        headers: {
          ...headers,
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk) => {
          text += chunk
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }))
        response.on('error', (error) => resolve({ status: 0, text: String(error) }))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (error) => resolve({ status: 0, text: String(error) }))
    req.end(payload)
  })
}

const transient = (status) => status === 0 || status === 502 || status === 503 || status === 504

function counters() {
  return {
    sent: 0,
    failed: 0,
    retried: 0,
    search: 0,
    reviews: 0,
    login: 0,
    booking: 0,
    booked: 0,
    refused: 0,
    slowestMs: 0,
    errors: [],
  }
}

let current = counters()
const committed = new Map() // booking id -> guest email
let stopping = false

function fail(kind, result) {
  current.failed++
  if (current.errors.length < 5) current.errors.push(`${kind} ${result.status} ${result.text.slice(0, 160)}`)
}

async function client(index, places, guests, tokens) {
  let n = index
  let next = Date.now()
  while (!stopping) {
    n++
    next += (1000 * CLIENTS) / RATE
    if (next > Date.now()) await sleep(next - Date.now())
    const roll = Math.random()
    const bucket = current
    bucket.sent++
    if (roll < 0.5) {
      bucket.search++
      const path = `/api/v1/search?guests=${1 + (n % 3)}&page_size=10`
      let result = await call('GET', path)
      if (transient(result.status)) {
        bucket.retried++
        result = await call('GET', path)
      }
      if (result.status !== 200) fail('search', result)
    } else if (roll < 0.6) {
      bucket.reviews++
      const path = `/api/v1/places/${places[n % places.length]}/reviews`
      let result = await call('GET', path)
      if (transient(result.status)) {
        bucket.retried++
        result = await call('GET', path)
      }
      if (result.status !== 200) fail('reviews', result)
    } else if (roll < 0.8) {
      bucket.login++
      const email = guests[n % guests.length]
      const result = await call('POST', '/api/v1/auth/login', { body: { email, password: DEMO_PASSWORD } })
      if (result.status !== 200) fail('login', result)
      else tokens.set(email, JSON.parse(result.text).access_token)
    } else {
      bucket.booking++
      const email = guests[n % guests.length]
      const place = places[Math.floor(Math.random() * places.length)]
      const start = 20 + Math.floor(Math.random() * 300)
      const nights = 1 + Math.floor(Math.random() * 3)
      const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
      const body = { place_id: place, check_in: day(start), check_out: day(start + nights), guests: 1 }
      const key = randomUUID()
      const options = { body, token: tokens.get(email), headers: { 'idempotency-key': key } }
      let result = await call('POST', '/api/v1/bookings', options)
      if (transient(result.status)) {
        bucket.retried++
        result = await call('POST', '/api/v1/bookings', options)
      }
      if (result.status === 200 || result.status === 201) {
        bucket.booked++
        committed.set(JSON.parse(result.text).id, email)
      } else if (result.status === 409 || result.status === 400)
        bucket.refused++ // taken, or a stay rule
      else fail('booking', result)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// What the API processes counted: queries per pool and reads sent to the primary, by reason.

/** `hbnb_db_queries_total` by pool and `hbnb_db_primary_reads_total` by reason, both pools added. */
async function databaseCounters() {
  const totals = {}
  for (const port of ports.api) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`)
      .then((response) => (response.ok ? response.text() : ''))
      .catch(() => '')
    for (const line of text.split('\n')) {
      const match =
        /^(hbnb_db_queries_total|hbnb_db_primary_reads_total)\{[^}]*(?:pool|reason)="([^"]+)"[^}]*\} (\S+)/.exec(
          line,
        )
      if (match)
        totals[`${match[1]}:${match[2]}`] = (totals[`${match[1]}:${match[2]}`] ?? 0) + Number(match[3])
    }
  }
  return totals
}

// ---------------------------------------------------------------------------------------------
// The faults, one at a time.

function redisArgs() {
  return [
    '--port',
    String(ports.redis),
    '--bind',
    '127.0.0.1',
    '--dir',
    join(dir, 'redis'),
    '--daemonize',
    'yes',
    '--pidfile',
    join(dir, 'redis.pid'),
    '--logfile',
    join(dir, 'logs/redis.log'),
    '--save',
    '60 1000',
  ]
}

async function waitGone(pid, ms = 30_000) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    try {
      process.kill(pid, 0)
    } catch {
      return true
    }
    await sleep(100)
  }
  return false
}

/** Waits until the pool of `pid` runs its full count of workers again, none of them in `gone`. */
async function poolSettled(pid, gone) {
  const want = Number(stackEnv.HBNB_STACK_WORKERS)
  for (let i = 0; i < 240; i++) {
    const now = childrenOf(pid)
    if (now.length === want && !now.some((child) => gone.includes(child))) return
    await sleep(250)
  }
  throw new Error(`the pool of ${pid} did not settle in 60 s`)
}

const FAULTS = [
  {
    name: 'none (baseline)',
    target: 'failed = 0',
    zero: true,
    async run() {},
  },
  {
    name: 'API worker SIGKILLed',
    target: 'bounded (retried once)',
    zero: false,
    async run() {
      const [worker] = childrenOf(pidOf('serve1.pid'))
      if (!worker) throw new Error('serve1 has no worker to kill')
      log(`SIGKILL worker ${worker} of serve1`)
      process.kill(worker, 'SIGKILL')
      await poolSettled(pidOf('serve1.pid'), [worker])
    },
  },
  {
    name: 'pool rolled (SIGHUP)',
    target: 'failed = 0',
    zero: true,
    async run() {
      const pid = pidOf('serve1.pid')
      const before = childrenOf(pid)
      log(`SIGHUP serve1 (${pid})`)
      process.kill(pid, 'SIGHUP')
      // The phase lasts until the roll is over, so that what it costs is counted here.
      await poolSettled(pid, before)
    },
  },
  {
    name: 'RabbitMQ restarted',
    target: 'failed = 0',
    zero: true,
    async run() {
      const before = pidOf('rabbitmq/rabbitmq.pid')
      log(`stop the stack's RabbitMQ node (pid ${before})`)
      await stackAsync('rabbitmq', 'stop')
      await sleep(DOWN_MS)
      const started = Date.now()
      log((await stackAsync('rabbitmq', 'start')).trim())
      this.brokerPids = [before, pidOf('rabbitmq/rabbitmq.pid')]
      this.note = `broker down ${DOWN_MS / 1000} s, start took ${((Date.now() - started) / 1000).toFixed(1)} s`
    },
  },
  {
    name: 'Redis stopped and started',
    target: 'failed = 0',
    zero: true,
    async run() {
      const pid = pidOf('redis.pid')
      log(`stop Redis (${pid}) for 5 s`)
      process.kill(pid, 'SIGTERM')
      await waitGone(pid)
      await sleep(5_000)
      execFileSync('redis-server', redisArgs())
      log('Redis started again')
    },
  },
  {
    name: 'replica stopped',
    target: 'failed = 0',
    zero: true,
    async run() {
      log(`shut the stack's replica (127.0.0.1:${ports.mariadb[1]}) down for ${DOWN_MS / 1000} s`)
      await stackAsync('mariadb', 'stop-replica', '1')
      await sleep(DOWN_MS)
      await stackAsync('mariadb', 'start-replica', '1')
      log('replica started again')
    },
  },
]

// ---------------------------------------------------------------------------------------------

const results = { phases: [], checks: {}, started: new Date().toISOString(), seconds: {} }
const runStarted = Date.now()
const seconds = (since) => Math.round((Date.now() - since) / 100) / 10
let exitCode = 0
try {
  mkdirSync(dir, { recursive: true })
  // The load is all from loopback: the per-address limits would turn it into 429s.
  writeFileSync(
    join(dir, 'local.env'),
    'HBNB_RATE_LIMIT_ALLOW=loopback\nHBNB_AUTH_RATE_LIMIT_ALLOW=loopback\n',
  )
  log(`stack up in ${dir} (https ${ports.https}, database ${database})`)
  stack('up')
  results.seconds.up = seconds(runStarted)
  log(`stack up in ${results.seconds.up} s`)
  execFileSync(process.execPath, [join(REPO, 'server/bin/hbnb.js'), 'seed'], {
    env: appEnv(),
    stdio: 'ignore',
  })
  ca = readFileSync(join(dir, 'tls/ca.pem'))
  agent = new Agent({ keepAlive: true, maxSockets: CLIENTS, ca })

  const places = sql("SELECT id FROM places WHERE status = 'published' AND deleted_at IS NULL").map(
    (r) => r[0],
  )
  const guests = sql("SELECT email FROM users WHERE email LIKE 'guest%'").map((r) => r[0])
  const tokens = new Map()
  for (const email of guests) {
    const result = await call('POST', '/api/v1/auth/login', { body: { email, password: DEMO_PASSWORD } })
    if (result.status !== 200) throw new Error(`login ${email}: ${result.status} ${result.text}`)
    tokens.set(email, JSON.parse(result.text).access_token)
  }

  const loops = Array.from({ length: CLIENTS }, (_, i) => client(i, places, guests, tokens))
  for (const fault of FAULTS) {
    current = counters()
    const started = Date.now()
    const before = await databaseCounters()
    await sleep(PHASE_MS / 4)
    await fault.run()
    await sleep(Math.max(0, PHASE_MS - (Date.now() - started)))
    const after = await databaseCounters()
    const delta = (key) => Math.round((after[key] ?? 0) - (before[key] ?? 0))
    current.replicaQueries = delta(`hbnb_db_queries_total:${REPLICA_POOL}`)
    current.primaryQueries = delta('hbnb_db_queries_total:primary')
    current.primaryReads = Object.fromEntries(
      Object.keys(after)
        .filter((key) => key.startsWith('hbnb_db_primary_reads_total:') && delta(key) > 0)
        .map((key) => [key.split(':')[1], delta(key)]),
    )
    // Recovery before the next fault: both pools answer again.
    for (const port of ports.api) {
      for (let i = 0; i < 60; i++) {
        if ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => ({ status: 0 }))).status === 200)
          break
        await sleep(500)
      }
    }
    const phase = {
      fault: fault.name,
      target: fault.target,
      zero: fault.zero,
      note: fault.note,
      brokerPids: fault.brokerPids,
      seconds: seconds(started),
      ...current,
    }
    phase.met = fault.zero ? phase.failed === 0 : phase.failed <= Math.max(5, phase.sent * 0.01)
    results.phases.push(phase)
    log(
      `${fault.name}: sent ${phase.sent}, failed ${phase.failed}, retried ${phase.retried}, ` +
        `replica queries ${phase.replicaQueries}, reads sent to the primary ${JSON.stringify(phase.primaryReads)}`,
    )
  }
  stopping = true
  await Promise.all(loops)

  // Afterwards: every committed booking in the primary, emailed once, no night booked twice.
  const ids = [...committed.keys()]
  const present = new Set()
  for (let i = 0; i < ids.length; i += 200) {
    const list = ids.slice(i, i + 200).map((id) => `'${id}'`)
    for (const [id] of sql(`SELECT id FROM bookings WHERE id IN (${list.join(',')})`)) present.add(id)
  }
  const mailStarted = Date.now()
  const mailDir = join(dir, 'data/mail')
  const guestMail = new Map() // dedupe key -> count, for the guests' booking emails
  let settled = false
  for (let i = 0; i < 120 && !settled; i++) {
    guestMail.clear()
    let files = []
    try {
      files = readdirSync(mailDir).filter((name) => name.endsWith('.json'))
    } catch {}
    for (const name of files) {
      const mail = JSON.parse(readFileSync(join(mailDir, name), 'utf8'))
      const key = mail.dedupeKey ?? ''
      if (key.startsWith('booking:') && key.endsWith(':guest'))
        guestMail.set(key, (guestMail.get(key) ?? 0) + 1)
    }
    const mailed = new Set([...guestMail.keys()].map((key) => key.split(':')[1]))
    settled = ids.every((id) => mailed.has(id))
    if (!settled) await sleep(1_000)
  }
  results.seconds.mail = seconds(mailStarted)
  const mailedIds = new Map()
  for (const [key, count] of guestMail) {
    const id = key.split(':')[1]
    if (committed.has(id)) mailedIds.set(id, (mailedIds.get(id) ?? 0) + count)
  }
  const doubleBooked = sql(
    `SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.place_id = b.place_id AND a.id < b.id
      AND a.check_in < b.check_out AND b.check_in < a.check_out
      WHERE a.status IN ('confirmed','pending','completed') AND b.status IN ('confirmed','pending','completed')`,
  )[0][0]
  results.checks = {
    committed: ids.length,
    inPrimary: present.size,
    emailedOnce: ids.filter((id) => mailedIds.get(id) === 1).length,
    notEmailed: ids.filter((id) => !mailedIds.has(id)).length,
    emailedTwice: ids.filter((id) => (mailedIds.get(id) ?? 0) > 1).length,
    doubleBookedPairs: Number(doubleBooked),
  }
  const c = results.checks
  results.ok =
    results.phases.every((phase) => phase.met) &&
    c.inPrimary === c.committed &&
    c.emailedOnce === c.committed &&
    c.doubleBookedPairs === 0

  const row = (...cells) => `| ${cells.join(' | ')} |`
  const lines = [
    row(
      'fault',
      's',
      'sent',
      'search',
      'reviews',
      'login',
      'booking',
      'booked',
      'refused',
      'retried',
      'failed',
      'slowest ms',
      'replica queries',
      'target',
      'met',
    ),
    row('---', ...Array(12).fill('--:'), '---', '---'),
    ...results.phases.map((p) =>
      row(
        p.fault,
        p.seconds,
        p.sent,
        p.search,
        p.reviews,
        p.login,
        p.booking,
        p.booked,
        p.refused,
        p.retried,
        p.failed,
        p.slowestMs,
        p.replicaQueries,
        p.target,
        p.met ? 'yes' : 'NO',
      ),
    ),
  ]
  console.log(lines.join('\n'))
  console.log(
    `\nbookings committed ${c.committed}: in the primary ${c.inPrimary}, guest emailed exactly once ${c.emailedOnce} ` +
      `(none ${c.notEmailed}, twice or more ${c.emailedTwice}); overlapping bookings of one place ${c.doubleBookedPairs}`,
  )
  for (const p of results.phases) {
    const reasons = Object.entries(p.primaryReads).map(([reason, n]) => `${reason} ${n}`)
    if (p.note || reasons.length)
      console.log(
        `  ${p.fault}: ${[p.note, reasons.length ? `reads sent to the primary: ${reasons.join(', ')}` : ''].filter(Boolean).join('; ')}`,
      )
  }
  for (const p of results.phases) for (const error of p.errors) console.log(`  ${p.fault}: ${error}`)
  console.log(results.ok ? '\nall targets met' : '\nTARGET MISSED')
  if (!results.ok) exitCode = 1
} catch (error) {
  results.error = String(error?.stack ?? error)
  console.error(error)
  exitCode = 1
} finally {
  stopping = true
  agent?.destroy()
  if (process.env.HBNB_CHAOS_KEEP) log(`stack kept in ${dir}`)
  else {
    const downStarted = Date.now()
    try {
      stack('down')
    } catch (error) {
      console.error(String(error))
    }
    results.seconds.down = seconds(downStarted)
    rmSync(dir, { recursive: true, force: true })
  }
  results.seconds.total = seconds(runStarted)
  log(`done in ${results.seconds.total} s (${JSON.stringify(results.seconds)})`)
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`)
  process.exit(exitCode)
}
