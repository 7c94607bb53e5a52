// `npm run bench:search`: GET /api/v1/search on 100,000 places and 1,000,000 taken nights, on SQLite
// and on MariaDB, next to a bare node:http server answering the same bytes for the same URLs.
// Each request is a map search with dates, a bounding box, guests and a price range; the URLs vary
// the city, the box (neighbourhood-sized map views), the dates and the guests.
//
// Settings (environment):
//   BENCH_DURATION, BENCH_WARMUP      seconds measured per target (default 20) and warm-up (default 5)
//   BENCH_SEARCH_DRIVERS              comma-separated: sqlite, mysql, mysql-copy (MariaDB with the
//                                     search copy, HBNB_SEARCH_COPY; default sqlite,mysql,mysql-copy)
//   BENCH_SEARCH_PLACES, BENCH_SEARCH_NIGHTS, BENCH_SEARCH_SEED   the data (100000, 1000000, 42)
//   BENCH_SEARCH_URLS                 distinct search URLs cycled through (default 200)
//   BENCH_SEARCH_EXACT_TOTAL_MAX      the server's HBNB_SEARCH_EXACT_TOTAL_MAX (default: the server's, 1000)
//   BENCH_SEARCH_WORKERS              API processes (`hbnb serve --workers N`; default: one per core, as
//                                     in production)
//   BENCH_MYSQL_URL                   MariaDB database, created and seeded when missing or stale
//                                     (default mysql://root@127.0.0.1:3306/hbnb_bench)
//   BENCH_MYSQL_BUFFER_POOL_MB        MariaDB's buffer pool for the run, raised when smaller (default
//                                     1024; 0 leaves the server as it is)
//   BENCH_CACHE_DIR                   where the seeded SQLite file is kept between runs (default: the
//                                     system temp dir); data seeded less than 7 days ago is reused
import { spawn } from 'node:child_process'
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createConnection } from 'mysql2/promise'
import { atExit, freePort, installCleanup, startNode, stop, waitUntil } from './lib/children.mjs'
import { cpuAccount } from './lib/cpu.mjs'
import { request } from './lib/http.mjs'
import { failures, measure } from './lib/load.mjs'
import { loadAverage, machine, writeResults } from './lib/report.mjs'
import { number } from './lib/settings.mjs'

const HBNB_BIN = fileURLToPath(new URL('../server/bin/hbnb.js', import.meta.url))
const BARE_SERVER = fileURLToPath(new URL('./bare-search-server.mjs', import.meta.url))
const DIST = new URL('../server/dist/', import.meta.url)
const CONNECTIONS = 8
const MAX_AGE_DAYS = 7
const NOISE_CORES = 0.1

/** Issue 19's targets: p95 at most 20 ms at 100,000 places, 50 ms at 1,000,000. */
const targetP95Ms = () => (settings.places >= 1_000_000 ? 50 : 20)

const log = (message) => console.log(`bench:search: ${message}`)

/** CPU seconds (user + system) of the processes named `names` (the MariaDB server), from /proc. */
function cpuSecondsOf(names) {
  let ticks = 0
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (!names.includes(readFileSync(`/proc/${pid}/comm`, 'utf8').trim())) continue
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {}
  }
  return ticks / 100
}

/** Like lib/cpu.mjs's account, plus the database server's cores (counted among "other" there). */
function cpuWithDatabase(serverPid, driver) {
  const account = cpuAccount(serverPid)
  const names = driver === 'sqlite' ? [] : ['mariadbd', 'mysqld']
  const started = { at: process.hrtime.bigint(), seconds: cpuSecondsOf(names) }
  return {
    finish() {
      const cpu = account.finish()
      if (!cpu || names.length === 0) return cpu
      const elapsed = Number(process.hrtime.bigint() - started.at) / 1e9
      const databaseCores = Math.round(((cpuSecondsOf(names) - started.seconds) / elapsed) * 100) / 100
      return {
        ...cpu,
        databaseCores,
        otherCores: Math.max(0, Math.round((cpu.otherCores - databaseCores) * 100) / 100),
      }
    },
  }
}

const settings = {
  duration: number('BENCH_DURATION', 20),
  warmup: number('BENCH_WARMUP', 5),
  places: number('BENCH_SEARCH_PLACES', 100_000),
  nights: number('BENCH_SEARCH_NIGHTS', 1_000_000),
  seed: number('BENCH_SEARCH_SEED', 42),
  urls: number('BENCH_SEARCH_URLS', 200),
  exactTotalMax: process.env.BENCH_SEARCH_EXACT_TOTAL_MAX,
  workers: number('BENCH_SEARCH_WORKERS', availableParallelism()),
  drivers: (process.env.BENCH_SEARCH_DRIVERS ?? 'sqlite,mysql,mysql-copy').split(',').map((d) => d.trim()),
  mysqlUrl: process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/hbnb_bench',
  cacheDir: process.env.BENCH_CACHE_DIR ?? join(tmpdir(), 'hbnb-bench-search'),
}

/** The environment without any HBNB_* setting of the caller's shell, so every run is configured alike. */
function cleanEnv(extra) {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('HBNB_') && key !== 'PORT') env[key] = value
  }
  return { ...env, ...extra }
}

/** Runs the hbnb CLI to the end, its stderr (the seed's progress bar) shown as it goes. */
function hbnb(args, databaseUrl, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HBNB_BIN, ...args], {
      cwd,
      env: cleanEnv({ HBNB_DATABASE_URL: databaseUrl, HBNB_LOG_LEVEL: 'warn', HBNB_LOG_FORMAT: 'json' }),
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`hbnb ${args.join(' ')} exited with ${code}`)),
    )
  })
}

const today = () => new Date().toISOString().slice(0, 10)
const ageDays = (anchor) => (Date.parse(today()) - Date.parse(anchor)) / 86_400_000
const seedArgs = () => [
  'seed',
  '--no-demo',
  '--places',
  String(settings.places),
  '--bookings',
  String(settings.nights),
  '--seed',
  String(settings.seed),
]

/** The seeded SQLite file, reused while fresh; seeded into a temporary name and renamed when complete. */
async function sqliteDatabase(workDir) {
  mkdirSync(settings.cacheDir, { recursive: true })
  const file = join(
    settings.cacheDir,
    `search-${settings.places}-${settings.nights}-s${settings.seed}.sqlite`,
  )
  const metaFile = `${file}.json`
  const meta = existsSync(file) && existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, 'utf8')) : null
  if (meta && ageDays(meta.anchor) < MAX_AGE_DAYS) {
    log(`reusing ${file} (seeded ${meta.anchor}, ${meta.seconds} s)`)
  } else {
    const partial = `${file}.partial`
    for (const path of [file, metaFile, partial, `${partial}-wal`, `${partial}-shm`])
      rmSync(path, { force: true })
    log(`seeding ${settings.places} places and ${settings.nights} nights into ${partial}`)
    const started = Date.now()
    await hbnb(seedArgs(), `sqlite:${partial}`, workDir)
    renameSync(partial, file)
    const seconds = Math.round((Date.now() - started) / 1000)
    writeFileSync(metaFile, JSON.stringify({ anchor: today(), seconds }))
    log(`seeded in ${seconds} s`)
  }
  const url = `sqlite:${file}`
  await hbnb(['migrate', 'up'], url, workDir)
  return url
}

/** The MariaDB database, reused when it holds this seed's data from the last days; else made anew. */
async function mysqlDatabase(workDir) {
  const url = new URL(settings.mysqlUrl)
  const name = url.pathname.slice(1)
  if (!/^\w+$/.test(name)) throw new Error(`BENCH_MYSQL_URL must name a database, got "${settings.mysqlUrl}"`)
  const admin = await createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  })
  try {
    let meta = null
    try {
      const [rows] = await admin.query(`select value from \`${name}\`.app_meta where \`key\` = ?`, [
        `bulk_seed_${settings.seed}`,
      ])
      meta = rows[0] ? JSON.parse(rows[0].value) : null
    } catch {}
    const fresh =
      meta &&
      meta.places === settings.places &&
      meta.nights === settings.nights &&
      ageDays(meta.anchor) < MAX_AGE_DAYS
    if (fresh) {
      log(`reusing MariaDB database ${name} (seeded ${meta.anchor})`)
    } else {
      await admin.query(`drop database if exists \`${name}\``)
      await admin.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`)
      log(`seeding ${settings.places} places and ${settings.nights} nights into MariaDB database ${name}`)
      const started = Date.now()
      await hbnb(seedArgs(), settings.mysqlUrl, workDir)
      log(`seeded in ${Math.round((Date.now() - started) / 1000)} s`)
    }
    await sizeBufferPool(admin, name)
    await reportThreadHandling(admin)
  } finally {
    await admin.end()
  }
  await hbnb(['migrate', 'up'], settings.mysqlUrl, workDir)
  return settings.mysqlUrl
}

/**
 * MariaDB's default buffer pool (128 MiB) is far smaller than this data (places and nights with
 * their indexes: about 500 MiB); a production server is sized to hold its working set. Unless
 * BENCH_MYSQL_BUFFER_POOL_MB says otherwise, the pool is raised to 1 GiB for the run (a dynamic
 * setting, back to the server's own value when MariaDB restarts); the figures say what it was. A
 * pool grown at run time keeps the page hash of the size MariaDB started with (slower lookups):
 * start the server with the pool set for figures as in production.
 */
async function sizeBufferPool(admin, name) {
  const [[{ size }]] = await admin.query('select @@innodb_buffer_pool_size as size')
  const [[{ data }]] = await admin.query(
    'select coalesce(sum(data_length + index_length), 0) as data from information_schema.tables where table_schema = ?',
    [name],
  )
  const wantedMb = Number(process.env.BENCH_MYSQL_BUFFER_POOL_MB ?? 1024)
  const mb = (bytes) => Math.round(Number(bytes) / 1048576)
  if (wantedMb > 0 && mb(size) < wantedMb) {
    await admin.query(`set global innodb_buffer_pool_size = ${wantedMb * 1048576}`)
    log(
      `MariaDB buffer pool raised from ${mb(size)} MiB to ${wantedMb} MiB (data and indexes: ${mb(data)} MiB); ` +
        'grown at run time, MariaDB finds its pages more slowly than with the pool set when it starts (docs/operations.md)',
    )
  } else {
    log(`MariaDB buffer pool ${mb(size)} MiB (data and indexes: ${mb(data)} MiB)`)
  }
}

/** Says how MariaDB runs its connections' statements: docs/operations.md asks for its thread pool. */
async function reportThreadHandling(admin) {
  const [[{ handling }]] = await admin.query('select @@thread_handling as handling')
  if (handling === 'pool-of-threads') log('MariaDB thread pool: on')
  else log(`MariaDB runs ${handling}, not its thread pool (docs/operations.md): expect a higher p95`)
}

/** Map searches around the seeded cities: neighbourhood-sized views, 2 to 7 nights in the next two months. */
async function searchUrls() {
  const { DEMO_CITIES } = await import(new URL('cli/demo-data.js', DIST))
  const { random } = await import(new URL('cli/seed.js', DIST))
  const rng = random(settings.seed + 1)
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())
  const big = new Set(['Paris', 'London', 'New York', 'Tokyo', 'Barcelona', 'Rome'])
  const cities = DEMO_CITIES.flatMap((city) => (big.has(city.city) ? [city, city, city] : [city]))
  const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
  const urls = []
  for (let i = 0; i < settings.urls; i++) {
    const city = rng.pick(cities)
    const width = rng.pick([0.01, 0.015, 0.02, 0.025])
    const lng = city.longitude + gaussian() * 0.03 - width / 2
    const lat = city.latitude + gaussian() * 0.02 - width * 0.3
    const checkIn = rng.int(3, 60)
    const params = new URLSearchParams({
      bbox: [lng, lat, lng + width, lat + width * 0.6].map((v) => v.toFixed(5)).join(','),
      check_in: day(checkIn),
      check_out: day(checkIn + rng.int(2, 7)),
      guests: String(rng.int(1, 4)),
      price_min: String(Math.round(city.price * rng.pick([0.4, 0.5, 0.7]))),
      price_max: String(Math.round(city.price * rng.pick([1.5, 2, 3]))),
    })
    if (rng.next() < 0.3) params.set('sort', rng.pick(['price', '-price', 'newest']))
    urls.push(`/api/v1/search?${params}`)
  }
  return urls
}

/** Cycles through `paths`, one per request. */
function measureSearch(baseUrl, paths) {
  let next = 0
  const setupRequest = (request) => ({ ...request, path: paths[next++ % paths.length] })
  return measure(
    baseUrl,
    { requests: [{ method: 'GET', setupRequest }] },
    { connections: CONNECTIONS, duration: settings.duration, warmup: settings.warmup },
  )
}

async function queryPlan(databaseUrl, url) {
  const { loadConfig } = await import(new URL('config.js', DIST))
  const { createDatabase } = await import(new URL('db/database.js', DIST))
  const { createSchedulerServices } = await import(new URL('app.js', DIST))
  const { createLogger } = await import(new URL('logger.js', DIST))
  const { ResponseCache } = await import(new URL('infra/cache/index.js', DIST))
  const config = loadConfig({ HBNB_DATABASE_URL: databaseUrl, HBNB_LOG_LEVEL: 'silent' }, false)
  const database = createDatabase(config.databaseUrl)
  try {
    const query = Object.fromEntries(new URL(url, 'http://x').searchParams)
    for (const key of ['guests', 'price_min', 'price_max']) if (key in query) query[key] = Number(query[key])
    const { services } = createSchedulerServices(config, database, createLogger(config), ResponseCache.off)
    return await services.search.explain(query)
  } finally {
    await database.close()
  }
}

function describePlan(driver, rows) {
  const of = (row) => (row.query ? `${row.query}: ` : '')
  if (driver === 'sqlite') return rows.map((row) => `${of(row)}${row.detail}`)
  return rows.map(
    (row) =>
      `${of(row)}${row.select_type} ${row.table}: ${row.type} on ${row.key ?? '(none)'}` +
      `${row.ref ? ` ref ${row.ref}` : ''}, rows ${row.rows}${row.Extra ? `, ${row.Extra}` : ''}`,
  )
}

const DRIVER_NAMES = { sqlite: 'SQLite', mysql: 'MariaDB', 'mysql-copy': 'MariaDB, search copy' }

/** Waits until the server's search copy has been loaded and is current (its state file says so). */
async function copyLoaded(server, path) {
  const { readAppliedThrough, statePath } = await import(new URL('modules/search/copy-state.js', DIST))
  const started = Date.now()
  const current = () => {
    if (!existsSync(path) || !existsSync(statePath(path))) return false
    const fd = openSync(statePath(path), 'r')
    try {
      const state = readAppliedThrough(fd)
      return state?.inode === statSync(path).ino && Date.now() - state.instant < 1000
    } finally {
      closeSync(fd)
    }
  }
  await waitUntil(server, async () => current(), 3_600_000)
  log(`search copy loaded and current after ${Math.round((Date.now() - started) / 1000)} s`)
}

/** hbnb_search_copy_total's counts by outcome, from the server's metrics. */
async function copyOutcomes(baseUrl) {
  const text = (await request(baseUrl, { path: '/metrics' })).body.toString('utf8')
  return Object.fromEntries(
    [...text.matchAll(/^hbnb_search_copy_total\{outcome="(\w+)"\} (\d+)/gm)].map(([, k, v]) => [
      k,
      Number(v),
    ]),
  )
}

async function benchDriver(driver, urls, workDir) {
  const databaseUrl = driver === 'sqlite' ? await sqliteDatabase(workDir) : await mysqlDatabase(workDir)
  const copyPath = driver === 'mysql-copy' ? join(workDir, 'search-copy.sqlite') : undefined
  const plan = copyPath
    ? ["the search copy's: SQLite's, as in the sqlite run"]
    : describePlan(driver, await queryPlan(databaseUrl, urls[0]))
  log(`query plan of the search (${driver}):\n    ${plan.join('\n    ')}`)

  const port = await freePort()
  const server = startNode('HBNB server', [HBNB_BIN, 'serve', '--workers', String(settings.workers)], {
    cwd: workDir,
    env: cleanEnv({
      HBNB_DATABASE_URL: databaseUrl,
      HBNB_PORT: String(port),
      HBNB_HOST: '127.0.0.1',
      HBNB_LOG_FORMAT: 'json',
      HBNB_LOG_LEVEL: 'info',
      // The load comes from loopback: no rate limit applies to it.
      HBNB_RATE_LIMIT_ALLOW: 'loopback',
      // The database's search, not the response cache (bench/cache.mjs measures that).
      HBNB_CACHE: 'off',
      ...(settings.exactTotalMax ? { HBNB_SEARCH_EXACT_TOTAL_MAX: settings.exactTotalMax } : {}),
      ...(copyPath ? { HBNB_SEARCH_COPY: copyPath } : {}),
    }),
  })
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    await waitUntil(server, async () => (await request(baseUrl, { path: '/readyz' })).status === 200, 60_000)
    if (copyPath) await copyLoaded(server, copyPath)
    const fixtures = []
    let matches = 0
    let results = 0
    let capped = 0
    for (const path of urls) {
      const response = await request(baseUrl, { path })
      if (response.status !== 200) {
        throw new Error(
          `${path} answered ${response.status}: ${response.body.toString('utf8').slice(0, 300)}`,
        )
      }
      const body = JSON.parse(response.body.toString('utf8'))
      matches += body.total
      results += body.results.length
      if (body.total_is_lower_bound) capped++
      fixtures.push({
        path,
        status: response.status,
        contentType: response.headers['content-type'],
        body: response.body.toString('base64'),
      })
    }
    const bytes = fixtures.reduce((sum, f) => sum + Buffer.from(f.body, 'base64').length, 0) / fixtures.length
    const data = {
      urls: urls.length,
      averageTotal: Math.round(matches / urls.length),
      cappedTotals: capped,
      averageResults: Math.round((results / urls.length) * 10) / 10,
      averageBytes: Math.round(bytes),
    }
    log(
      `${driver}: ${urls.length} URLs, on average ${data.averageTotal} matching places (${capped} totals capped), ` +
        `${data.averageResults} results and ${data.averageBytes} bytes per response`,
    )
    const cpu = cpuWithDatabase(server.pid, driver)
    const outcomesBefore = copyPath ? await copyOutcomes(baseUrl) : undefined
    const hbnbRun = { ...(await measureSearch(baseUrl, urls)), cpu: cpu.finish() }
    if (outcomesBefore) {
      const after = await copyOutcomes(baseUrl)
      hbnbRun.copyOutcomes = Object.fromEntries(
        Object.entries(after).map(([outcome, count]) => [outcome, count - (outcomesBefore[outcome] ?? 0)]),
      )
      log(`${driver}: searches by outcome during the run: ${JSON.stringify(hbnbRun.copyOutcomes)}`)
    }
    log(`${driver}: HBNB ${Math.round(hbnbRun.requestsPerSecond)} req/s, p95 ${hbnbRun.latencyMs.p95} ms`)

    const fixturesPath = join(workDir, `fixtures-${driver}.json`)
    writeFileSync(fixturesPath, JSON.stringify(fixtures))
    const barePort = await freePort()
    const bare = startNode('bare server', [BARE_SERVER, fixturesPath, String(barePort)], { stdin: 'pipe' })
    const bareUrl = `http://127.0.0.1:${barePort}`
    let bareRun
    try {
      await waitUntil(bare, async () => {
        const res = await request(bareUrl, { path: urls[0] })
        return res.status === 200 && res.body.equals(Buffer.from(fixtures[0].body, 'base64'))
      })
      const bareCpu = cpuAccount(bare.pid)
      bareRun = { ...(await measureSearch(bareUrl, urls)), cpu: bareCpu.finish() }
    } finally {
      await stop(bare)
    }
    const bodies = fixtures.map((f) => f.body)
    return { driver, data, plan, hbnb: hbnbRun, bare: bareRun, bodies }
  } finally {
    await stop(server, 15_000)
  }
}

const ms = (value) => (value === null || value === undefined ? 'n/a' : value.toFixed(value < 10 ? 2 : 1))
const rps = (value) => Math.round(value).toLocaleString('en-US')

function table(results) {
  const header = [
    'database',
    'HBNB req/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'bare req/s',
    'bare p50',
    'bare p95',
    'bare p99',
  ]
  const rows = results.map(({ driver, hbnb, bare }) => [
    DRIVER_NAMES[driver],
    rps(hbnb.requestsPerSecond),
    ms(hbnb.latencyMs.p50),
    ms(hbnb.latencyMs.p95),
    ms(hbnb.latencyMs.p99),
    rps(bare.requestsPerSecond),
    ms(bare.latencyMs.p50),
    ms(bare.latencyMs.p95),
    ms(bare.latencyMs.p99),
  ])
  const line = (cells) => `| ${cells.join(' | ')} |`
  return [line(header), `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...rows.map(line)].join(
    '\n',
  )
}

async function main() {
  installCleanup()
  const workDir = mkdtempSync(join(tmpdir(), 'hbnb-bench-search-'))
  atExit(() => rmSync(workDir, { recursive: true, force: true }))
  const host = machine()
  log(`Node ${host.node}, ${host.cpuModel}, ${host.cores} cores; autocannon ${host.autocannon}`)
  log(
    `${settings.places} places, ${settings.nights} taken nights (seed ${settings.seed}); ` +
      `${CONNECTIONS} connections, ${settings.warmup} s warm-up then ${settings.duration} s per target; ` +
      `hbnb serve --workers ${settings.workers}`,
  )
  const urls = await searchUrls()
  const results = []
  for (const driver of settings.drivers) {
    if (!(driver in DRIVER_NAMES))
      throw new Error(`unknown driver "${driver}": use sqlite, mysql or mysql-copy`)
    results.push(await benchDriver(driver, urls, workDir))
  }
  // The search copy answers as MariaDB does: the same bytes for each URL (same database, same day).
  const mysql = results.find((r) => r.driver === 'mysql')
  const copy = results.find((r) => r.driver === 'mysql-copy')
  if (mysql && copy) {
    const same = copy.bodies.filter((body, i) => body === mysql.bodies[i]).length
    copy.sameAnswersAsMysql = { same, of: urls.length }
    log(`mysql-copy: ${same} of ${urls.length} responses byte for byte MariaDB's`)
  }
  for (const r of results) delete r.bodies
  const problems = results.flatMap((r) => [
    ...failures(r.hbnb).map((p) => `${r.driver} HBNB: ${p}`),
    ...failures(r.bare).map((p) => `${r.driver} bare: ${p}`),
  ])
  const noisy = results.filter((r) =>
    [r.hbnb, r.bare].some((run) => run.cpu && run.cpu.otherCores + run.cpu.stealCores > NOISE_CORES),
  )
  const report = {
    date: new Date().toISOString(),
    machine: { ...host, loadAverageAtEnd: loadAverage() },
    settings: { ...settings, connections: CONNECTIONS, sampleUrl: urls[0] },
    results,
    targets: results.map((r) => ({
      target: `${r.driver}: p95 <= ${targetP95Ms()} ms`,
      measured: `${ms(r.hbnb.latencyMs.p95)} ms`,
      met: r.hbnb.latencyMs.p95 <= targetP95Ms(),
    })),
    problems,
  }
  console.log('')
  console.log(table(results))
  console.log('')
  console.log(`Sample URL: ${urls[0]}`)
  for (const r of results) {
    const cpu = r.hbnb.cpu
    if (!cpu) continue
    console.log(
      `${r.driver}: HBNB used ${cpu.serverCores} cores` +
        (cpu.databaseCores !== undefined ? `, MariaDB ${cpu.databaseCores}` : '') +
        `, other processes ${cpu.otherCores} (of ${host.cores}); ${r.data.averageTotal} matching places per search on average`,
    )
  }
  for (const check of report.targets)
    console.log(`  ${check.met ? 'met   ' : 'missed'}  ${check.target} — ${check.measured}`)
  if (noisy.length) {
    console.log(
      `\nWarning: other processes competed for the CPU during: ${noisy.map((r) => r.driver).join(', ')}.`,
    )
  }
  writeResults('search-latest.json', report)
  if (problems.length) {
    console.error(`\nbench:search: the load runs did not go cleanly:\n  ${problems.join('\n  ')}`)
    process.exitCode = 1
  }
}

main().catch((error) => {
  console.error(`bench:search: failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`)
  process.exit(1)
})
