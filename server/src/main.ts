// The `hbnb` command: one codebase, several roles.
import { spawn } from 'node:child_process'
import cluster from 'node:cluster'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { createApp, createJobs, createSchedulerServices, publisherOnly } from './app.js'
import { bulkSeed, checkBulkOptions } from './cli/bulk-seed.js'
import { seedDemoPhotos } from './cli/demo-photos.js'
import { createProgress } from './cli/progress.js'
import { seedDemoData, seedEssentials } from './cli/seed.js'
import { type Config, ConfigError, loadConfig, loadDotEnv } from './config.js'
import { RestoreError, restoreDatabase } from './db/backup.js'
import { createDatabase, type Database, replicaOptions, sqlitePath } from './db/database.js'
import { migrateDown, migrateUp, migrationNames, migrationStatus, searchPricesCurrent } from './db/migrate.js'
import { createResponseCache } from './infra/cache/index.js'
import { createRedis } from './infra/redis.js'
import { createObjectStorage } from './infra/storage/index.js'
import {
  inspectDeadLetter,
  JobsCommandError,
  listDeadLetters,
  retryDeadLetters,
  showQueueStats,
} from './jobs/admin.js'
import { createBeat } from './jobs/beat.js'
import { startMetricsServer } from './jobs/metrics-server.js'
import { OFFSITE_SCHEME, OffsiteBackupError, withOffsiteBackup } from './jobs/offsite-backups.js'
import { createLifecycle, trackRequests } from './lifecycle.js'
import { createLogger, type Logger } from './logger.js'
import { servePoolMetrics } from './metrics.js'
import { SearchCopyFeeder } from './modules/search/copy-feeder.js'
import { runPool, stopTakingConnections, workerStopSignals } from './pool.js'
import { startTracing } from './tracing.js'

/** The long-running roles, which trace when HBNB_OTLP_ENDPOINT is set. */
const ROLES = new Set(['all', 'serve', 'worker', 'beat'])

const USAGE = `Usage: hbnb <command>

Commands:
  all              migrate, seed on first start, and serve (what \`npm start\` runs);
                   also runs the scheduled jobs of \`hbnb beat\` in-process
  serve            serve the API (the database must be migrated); without HBNB_AMQP_URL it also
                   runs background tasks (emails) in-process, with it it relays them to RabbitMQ.
                   It runs no scheduled jobs: run \`hbnb beat\` next to it in production
  serve --workers N
                   serve with N API processes on one port (default in production: one per core);
                   SIGHUP replaces them one at a time, a worker that dies is started again
  beat             run the scheduled jobs (booking expiries and completions, review reveals, iCal
                   import, token cleanup, nightly backup); any number of beats may run, each
                   scheduled run fires once
  restore <file>   restore a backup (from HBNB_BACKUP_DIR) into an empty database;
                   s3:<file name> or s3:latest restores an off-site copy from HBNB_S3_BUCKET
  worker           consume background tasks from RabbitMQ (needs HBNB_AMQP_URL) and relay the outbox;
                   autoscales between HBNB_WORKER_MIN_CONCURRENCY and HBNB_WORKER_MAX_CONCURRENCY
                   handlers per task, serves /metrics on HBNB_WORKER_METRICS_PORT when set
  jobs dead        list dead letters (tasks that failed their last try): id, task, tries, error
  jobs inspect <id>
                   show a dead letter's payload and the error of every try
  jobs retry <id>  requeue one dead letter for a fresh series of tries; --all: every one
  jobs stats       tasks waiting per task name (ready, delayed for a retry, dead)
                   (jobs commands act on RabbitMQ with HBNB_AMQP_URL, else on the outbox table)
  migrate up       apply every pending migration
  migrate down     revert the last migration
  migrate status   list migrations and when they were applied
  seed [--no-demo] add the admin and the default amenities, and demo data unless --no-demo
  seed --demo-photos
                   add drawn photos to the demo hosts' listings that have none (done on first start)
  seed --places N [--bookings M] [--seed S]
                   also add N generated listings and M taken nights (bookings and blocks) around
                   today, the same for the same seed S (default 1); for benchmarks and load tests

Settings come from HBNB_* environment variables (or a .env file); see the README.`

async function withDatabase<T>(
  config: Config,
  logger: Logger,
  work: (db: Database) => Promise<T>,
): Promise<T> {
  const database = createDatabase(config.databaseUrl, logger)
  try {
    return await work(database)
  } finally {
    await database.close()
  }
}

async function prepare(database: Database, config: Config, logger: Logger, demo: boolean) {
  for (const line of await migrateUp(database)) logger.info(line)
  for (const line of await seedEssentials(database, config)) logger.info(`seeded ${line}`)
  if (demo) {
    const summary = await seedDemoData(database, config)
    if (summary) {
      logger.info(summary, 'seeded demo data (demo users log in with password hbnb-demo-1234)')
      await addDemoPhotos(logger)
    }
  }
}

/**
 * `hbnb seed --demo-photos` in a process of its own: drawing the pictures loads the image library
 * (about 23 MB), which the server then never holds unless photos are uploaded. A failure costs only
 * the pictures.
 */
async function addDemoPhotos(logger: Logger): Promise<void> {
  const child = spawn(process.execPath, [process.argv[1]!, 'seed', '--demo-photos'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  const [code] = (await once(child, 'exit')) as [number | null]
  if (code === 0) logger.info(output.trim())
  else logger.warn({ code, output }, 'could not add the demo photos: the listings show drawn placeholders')
}

/** Refuses to start a role on a database that `hbnb migrate up` has not brought up to date. */
function requireDatabase(config: Config) {
  if (!databaseExists(config.databaseUrl)) {
    throw new StartupError(
      `no database yet (${sqlitePath(config.databaseUrl)}): run \`hbnb migrate up\` first`,
    )
  }
}

async function requireMigrated(database: Database) {
  const pending = (await migrationStatus(database)).filter((m) => !m.appliedAt)
  if (pending.length) {
    await database.close()
    throw new StartupError(`${pending.length} migration(s) pending: run \`hbnb migrate up\` first`)
  }
  if (!(await searchPricesCurrent(database))) {
    await database.close()
    throw new StartupError(
      "the search index's prices were written with other currency decimals than this Node's: run `hbnb migrate up` first",
    )
  }
}

/** Listens, turning the usual reasons a port cannot be had into one line saying what to do. */
async function listenOn<T>(
  setting: string,
  host: string,
  port: number,
  listen: () => Promise<T>,
): Promise<T> {
  try {
    return await listen()
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'EADDRINUSE') {
      throw new StartupError(
        `port ${port} on ${host} is already in use: stop what listens there or set ${setting} to a free port`,
      )
    }
    if (code === 'EACCES') {
      throw new StartupError(`no permission to listen on port ${port}: set ${setting} to a port above 1023`)
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new StartupError(`cannot listen on ${host}: set HBNB_HOST to an address of this machine`)
    }
    throw error
  }
}

/** `hbnb restore <file>`, or `hbnb restore s3:<name>` for an off-site backup in the bucket. */
async function restore(config: Config, reference: string): Promise<string> {
  if (!reference.startsWith(OFFSITE_SCHEME)) return restoreDatabase(config.databaseUrl, reference)
  if (!config.s3Bucket) throw new OffsiteBackupError(`${reference}: off-site backups need HBNB_S3_BUCKET`)
  const storage = createObjectStorage(config)
  try {
    return await withOffsiteBackup(storage, reference, (file) => restoreDatabase(config.databaseUrl, file))
  } finally {
    await storage.close()
  }
}

async function serve(config: Config, logger: Logger, options: { prepare: boolean; pooled?: boolean }) {
  const role = options.prepare ? 'all' : 'serve'
  if (!options.prepare) requireDatabase(config)
  const lifecycle = createLifecycle({
    role,
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    signals: options.pooled ? workerStopSignals() : undefined,
  })
  const database = createDatabase(config.databaseUrl, logger, replicaOptions(config))
  if (options.prepare) await prepare(database, config, logger, config.seedDemoData)
  else await requireMigrated(database)
  const app = await createApp(config, logger, database)
  const feeder = searchCopyFeeder(config, database, logger)
  // Embedded (`hbnb all`): the scheduled jobs run in this process. `hbnb serve` leaves them to `hbnb beat`.
  const scheduler = options.prepare
    ? createBeat({ config, database, services: app.services, storage: app.storage, logger })
    : undefined
  const requests = trackRequests(app.http.server)
  lifecycle.reportOpen(() => requests.describe())
  if (options.pooled)
    lifecycle.onStop('new connections', () =>
      stopTakingConnections(app.http.server, () => requests.closeConnections()),
    )
  if (scheduler) lifecycle.onStop('the scheduled jobs', () => scheduler.stop())
  if (feeder) lifecycle.onStop('the search copy', () => feeder.stop())
  lifecycle.onStop('the HTTP server, background tasks, database and cache', () => {
    requests.closeConnections()
    return app.close()
  })
  if (config.amqpUrl) app.jobs.startRelay()
  else await app.jobs.start()
  const address = await listenOn('HBNB_PORT', config.host, config.port, () =>
    app.http.listen({ host: config.host, port: config.port }),
  )
  const base = address.replace('://127.0.0.1', '://localhost').replace('://0.0.0.0', '://localhost')
  logger.info(
    `HBNB is serving on ${base}/ — API ${base}/api/v1/places, docs ${base}/api/v1/, health ${base}/healthz` +
      (config.env === 'production' ? '' : ` — admin ${config.adminEmail}`),
  )
  void scheduler?.start()
  feeder?.start()
}

/** The search copy's feeder when HBNB_SEARCH_COPY is set (one of this machine's API processes feeds it). */
function searchCopyFeeder(config: Config, database: Database, logger: Logger): SearchCopyFeeder | undefined {
  const path = config.searchCopyPath
  if (!path) return undefined
  if (database.dialect !== 'mysql') {
    logger.warn('HBNB_SEARCH_COPY is for MariaDB (SQLite searches its own file): no search copy')
    return undefined
  }
  return new SearchCopyFeeder({ source: database, path, pollMs: config.searchCopyPollMs, logger })
}

/** `hbnb worker`: consumes every task name from RabbitMQ and relays the outbox to it. */
async function worker(config: Config, logger: Logger) {
  if (!config.amqpUrl) {
    throw new UsageError(
      'worker needs HBNB_AMQP_URL (RabbitMQ); without it `hbnb all` and `hbnb serve` run tasks in-process',
    )
  }
  requireDatabase(config)
  const lifecycle = createLifecycle({ role: 'worker', logger, timeoutMs: config.shutdownTimeoutMs })
  const database = createDatabase(config.databaseUrl, logger)
  await requireMigrated(database)
  const storage = createObjectStorage(config)
  // Finished photos change search results and place lists: the worker invalidates the shared cache.
  // With Redis, what its tasks publish (in-app notifications) reaches the clients of every API process.
  const redis = config.redisUrl ? createRedis(config.redisUrl, logger) : undefined
  const cache = createResponseCache(config, redis, logger)
  const live = publisherOnly(config, redis, logger)
  const { jobs } = createJobs(config, database, logger, storage, cache, live)
  const missing = jobs.missingHandlers()
  if (missing.length) {
    await jobs.close()
    await database.close()
    throw new StartupError(`refusing to start: no handler for task(s) ${missing.join(', ')}`)
  }
  lifecycle.onStop('the running tasks', () => jobs.close())
  lifecycle.onStop('the database', () => database.close())
  lifecycle.onStop('the object storage', () => storage.close())
  lifecycle.onStop('the cache', () => cache.close())
  lifecycle.onStop('the Redis connection', () => redis?.disconnect())
  await jobs.start()
  // Started once consuming: its /healthz answering means the worker takes tasks.
  const port = config.workerMetricsPort
  const metrics =
    port === undefined
      ? undefined
      : await listenOn('HBNB_WORKER_METRICS_PORT', config.host, port, () =>
          startMetricsServer(config.host, port, logger),
        )
  if (metrics)
    lifecycle.onStop('the metrics server', () => {
      metrics.close()
    })
  logger.info(
    `HBNB worker is consuming RabbitMQ and relaying the outbox (${config.workerMinConcurrency} to ` +
      `${config.workerMaxConcurrency} handlers per task)`,
  )
}

/** `hbnb beat`: runs the scheduled jobs until SIGINT/SIGTERM, then waits for the runs in progress. */
async function beat(config: Config, logger: Logger) {
  requireDatabase(config)
  const lifecycle = createLifecycle({ role: 'beat', logger, timeoutMs: config.shutdownTimeoutMs })
  const database = createDatabase(config.databaseUrl, logger)
  await requireMigrated(database)
  // Scheduled jobs change bookings and ratings: they invalidate the cache the API processes share.
  const redis = config.redisUrl ? createRedis(config.redisUrl, logger) : undefined
  const cache = createResponseCache(config, redis, logger)
  const storage = createObjectStorage(config)
  const { services } = createSchedulerServices(config, database, logger, cache, storage, redis)
  const scheduler = createBeat({ config, database, services, storage, logger })
  lifecycle.onStop('the running scheduled jobs', () => scheduler.stop())
  lifecycle.onStop('the object storage', () => storage.close())
  lifecycle.onStop('the database', () => database.close())
  lifecycle.onStop('the cache', () => cache.close())
  lifecycle.onStop('the Redis connection', () => redis?.disconnect())
  logger.info(`HBNB beat is scheduling ${scheduler.jobs.map((job) => job.name).join(', ')}`)
  await scheduler.start()
}

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'no-demo': { type: 'boolean' },
      'demo-photos': { type: 'boolean' },
      places: { type: 'string' },
      bookings: { type: 'string' },
      seed: { type: 'string' },
      all: { type: 'boolean' },
      workers: { type: 'string' },
    },
  })
  const [command, sub] = positionals
  if (values.help || command === 'help') {
    console.log(USAGE)
    return
  }
  if (command === undefined) throw new UsageError('no command given (`hbnb all` is what `npm start` runs)')
  loadDotEnv()
  const config = loadConfig()
  const logger = createLogger(config)
  if (config.otlpEndpoint && ROLES.has(command)) await startTracing(config.otlpEndpoint, `hbnb-${command}`)
  switch (command) {
    case 'all':
      return serve(config, logger, { prepare: true })
    case 'serve': {
      const workers = poolSize(values.workers, config)
      if (workers === undefined) return serve(config, logger, { prepare: false })
      if (cluster.isWorker) {
        servePoolMetrics()
        return serve(config, logger, { prepare: false, pooled: true })
      }
      requireDatabase(config)
      if (workers > 1 && !config.redisUrl) {
        logger.warn(
          'hbnb serve: without HBNB_REDIS_URL each worker has its own cache, rate limits and live updates; set it for a pool',
        )
      }
      return runPool({ workers, logger, shutdownTimeoutMs: config.shutdownTimeoutMs })
    }
    case 'worker':
      return worker(config, logger)
    case 'beat':
      return beat(config, logger)
    case 'jobs':
      return jobs(config, logger, sub, positionals[2], values.all === true)
    case 'restore': {
      if (!sub) throw new UsageError('restore needs the backup file: hbnb restore <file>')
      try {
        console.log(await restore(config, sub))
      } catch (error) {
        if (!(error instanceof RestoreError || error instanceof OffsiteBackupError)) throw error
        console.error(`hbnb: ${error.message}`)
        process.exitCode = 1
      }
      return
    }
    case 'migrate':
      if (sub === 'status' && !databaseExists(config.databaseUrl)) {
        console.log(
          `no database yet (${sqlitePath(config.databaseUrl)}): \`hbnb migrate up\` or \`npm start\` creates it`,
        )
        for (const name of await migrationNames()) console.log(`${'pending'.padEnd(32)}  ${name}`)
        return
      }
      return withDatabase(config, logger, async (db) => {
        if (sub === 'up' || sub === undefined) {
          const applied = await migrateUp(db)
          console.log(applied.length ? applied.join('\n') : 'Already up to date')
        } else if (sub === 'down') {
          const reverted = await migrateDown(db)
          console.log(reverted.length ? reverted.join('\n') : 'Nothing to revert')
        } else if (sub === 'status') {
          for (const m of await migrationStatus(db)) {
            console.log(
              `${m.appliedAt ? `applied ${m.appliedAt.toISOString()}` : 'pending'.padEnd(32)}  ${m.name}`,
            )
          }
        } else {
          throw new UsageError(`unknown migrate command "${sub}": use up, down or status`)
        }
      })
    case 'seed': {
      if (values['demo-photos']) {
        const storage = createObjectStorage(config)
        try {
          const added = await withDatabase(config, logger, (db) => seedDemoPhotos(db, storage))
          console.log(`added ${added} drawn photos to the demo listings`)
        } finally {
          await storage.close()
        }
        return
      }
      if (values.places === undefined) {
        if (values.bookings !== undefined || values.seed !== undefined) {
          throw new UsageError('--bookings and --seed go with --places N')
        }
        return withDatabase(config, logger, (db) => prepare(db, config, logger, !values['no-demo']))
      }
      const whole = (raw: string | undefined, fallback: number) =>
        raw === undefined ? fallback : /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN
      const bulk = {
        places: whole(values.places, 0),
        nights: whole(values.bookings, 0),
        seed: whole(values.seed, 1),
        fees: { serviceFeePercent: config.serviceFeePercent, taxPercent: config.taxPercent },
      }
      try {
        checkBulkOptions(bulk)
      } catch (error) {
        throw new UsageError((error as Error).message)
      }
      return withDatabase(config, logger, async (db) => {
        await prepare(db, config, logger, !values['no-demo'])
        const progress = createProgress('seeding', bulk.places, 'places')
        let loaded = false
        const summary = await bulkSeed(db, {
          ...bulk,
          onProgress: (n) => progress.tick(n),
          onPhase: (phase) => {
            if (!loaded) progress.done()
            loaded = true
            process.stderr.write(
              phase === 'indexes' ? 'building the indexes...\n' : 'gathering statistics for the planner...\n',
            )
          },
        })
        if (!loaded) progress.done()
        logger.info(summary, `seeded ${summary.places} places and ${summary.nights} taken nights`)
      })
    }
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

/** `hbnb jobs <sub> [id] [--all]` */
async function jobs(
  config: Config,
  logger: Logger,
  sub: string | undefined,
  id: string | undefined,
  all: boolean,
) {
  if (all && sub !== 'retry') throw new UsageError('--all goes with `hbnb jobs retry`')
  try {
    if (sub === 'dead') return await listDeadLetters(config, logger)
    if (sub === 'stats') return await showQueueStats(config, logger)
    if (sub === 'inspect') {
      if (!id) throw new UsageError('inspect needs the id of a dead letter (from `hbnb jobs dead`)')
      return await inspectDeadLetter(config, logger, id)
    }
    if (sub === 'retry') {
      if (Boolean(id) === all) {
        throw new UsageError('retry needs either the id of a dead letter or --all (not both)')
      }
      return await retryDeadLetters(config, logger, all ? undefined : id)
    }
  } catch (error) {
    if (!(error instanceof JobsCommandError)) throw error
    console.error(`hbnb: ${error.message}`)
    process.exitCode = 1
    return
  }
  throw new UsageError(
    sub
      ? `unknown jobs command "${sub}": use dead, inspect, retry or stats`
      : 'jobs needs a command: dead, inspect, retry or stats',
  )
}

/**
 * How many API workers `hbnb serve` forks: --workers N, else one per core in production; undefined
 * serves in this one process (development and tests).
 */
function poolSize(raw: string | undefined, config: Config): number | undefined {
  if (raw === undefined) return config.env === 'production' ? availableParallelism() : undefined
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 256) {
    throw new UsageError(`--workers needs a whole number from 1 to 256, got "${raw}"`)
  }
  return Number(raw)
}

/** The command line is wrong: says why, then shows the usage (exit status 2). */
class UsageError extends Error {}

/** A role cannot start for a reason the operator can fix: one line saying what to do (exit status 1). */
class StartupError extends Error {}

/** A SQLite database whose file does not exist yet (the first `hbnb migrate up` creates it). */
function databaseExists(url: string): boolean {
  if (/^(mysql|mariadb):\/\//.test(url)) return true
  const path = sqlitePath(url)
  return path === ':memory:' || existsSync(path)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) {
      console.error(`hbnb: bad setting ${problem} (fix it in the environment or in .env)`)
    }
    process.exit(2)
  }
  if (error instanceof UsageError) {
    console.error(`hbnb: ${error.message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (error instanceof StartupError) {
    console.error(`hbnb: ${error.message}`)
    process.exit(1)
  }
  const refused = error as { code?: string; address?: string; port?: number }
  if (refused.code === 'ECONNREFUSED' && refused.address) {
    console.error(
      `hbnb: nothing answers at ${refused.address}:${refused.port}: start the database (or service) there, or fix its URL setting`,
    )
    process.exit(1)
  }
  console.error('hbnb: failed:', error instanceof Error ? error.message : error)
  if (error instanceof Error && error.stack) console.error(error.stack)
  process.exit(1)
})
