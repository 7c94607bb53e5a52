// One Redis connection per process (HBNB_REDIS_URL), shared by the cache, sessions and rate limits:
// to one server, to a Redis Cluster (`redis+cluster://`) or to the primary that Redis Sentinel names
// (`redis+sentinel://`, followed through failovers). Commands fail fast while Redis is down (no
// offline queue) so that callers fall back at once; the client reconnects in the background and the
// failure is logged once per interval.
//
// On a cluster, the keys one Lua script or MULTI touches must share a hash slot: the drivers put
// them under one {hash tag} (the cache under `{hbnb:cache}`, live events under `{hbnb:live}`) and
// send every other key in a command of its own.
import { createRequire } from 'node:module'
import type { Cluster, Redis as Server } from 'ioredis'
import type { Logger } from '../logger.js'
import { parseRedisUrl } from '../redis-url.js'
import { traceRedisCommands } from '../tracing.js'

/** A connection to one Redis server (or Sentinel's primary) or to a Redis Cluster. */
export type Redis = Server | Cluster

const require = createRequire(import.meta.url)

const CONNECTION = {
  lazyConnect: false,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  commandTimeout: 1000,
}
const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2000)

// Loaded on first use, not on import: a process without Redis (the embedded default) never holds ioredis.
const ioredis = () => require('ioredis') as typeof import('ioredis')

export function createRedis(url: string, logger?: Logger, options: { logIntervalMs?: number } = {}): Redis {
  const { Redis: Server, Cluster } = ioredis()
  const target = parseRedisUrl(url)
  let redis: Redis
  if (target.kind === 'server') {
    redis = new Server(target.url, { ...CONNECTION, retryStrategy })
  } else if (target.kind === 'sentinel') {
    redis = new Server({
      ...CONNECTION,
      retryStrategy,
      sentinels: target.sentinels,
      name: target.name,
      db: target.db,
      username: target.username,
      password: target.password,
      ...(target.tls ? { tls: {} } : {}),
      sentinelRetryStrategy: retryStrategy,
      // Listen to the sentinels' +switch-master and move to the new primary at once.
      failoverDetector: true,
      // After a failover the old primary may come back as a replica: reconnect to the new one.
      reconnectOnError: (error) => error.message.startsWith('READONLY'),
    })
  } else {
    redis = new Cluster(target.nodes, {
      lazyConnect: false,
      enableOfflineQueue: false,
      clusterRetryStrategy: retryStrategy,
      slotsRefreshTimeout: 2000,
      redisOptions: {
        ...CONNECTION,
        username: target.username,
        password: target.password,
        ...(target.tls ? { tls: {} } : {}),
      },
    })
  }
  return traceRedisCommands(logFailures(redis, logger, options.logIntervalMs))
}

/**
 * A connection for SUBSCRIBE, whose 'close' and 'ready' events tell when the subscription broke and
 * when it can be made again. On a cluster, a PUBLISH reaches every node, so one plain connection to
 * any node hears every message: it moves on to the next node of the URL whenever it reconnects (the
 * cluster client's own subscriber would re-subscribe silently, hiding a gap in the events).
 */
export function createSubscriber(url: string, logger?: Logger): Redis {
  const target = parseRedisUrl(url)
  if (target.kind !== 'cluster') return createRedis(url, logger)
  let next = 0
  const node = () => target.nodes[next++ % target.nodes.length]!
  const first = node()
  const subscriber: Server = new (ioredis().Redis)({
    ...CONNECTION,
    host: first.host,
    port: first.port,
    username: target.username,
    password: target.password,
    ...(target.tls ? { tls: {} } : {}),
    retryStrategy: (attempt) => {
      const { host, port } = node()
      subscriber.options.host = host
      subscriber.options.port = port
      return retryStrategy(attempt)
    },
  })
  return logFailures(subscriber, logger)
}

function logFailures(redis: Redis, logger: Logger | undefined, intervalMs = 30_000): Redis {
  const failures = new ThrottledWarning(logger, intervalMs)
  redis.on('error', (error) => failures.warn(error, 'redis unavailable: falling back to the database'))
  redis.on('ready', () => failures.recovered('redis is back'))
  return redis
}

/** Logs a recurring failure once per interval, and its recovery once. */
export class ThrottledWarning {
  private lastLoggedAt = 0
  private failing = false
  private suppressed = 0

  constructor(
    private readonly logger: Logger | undefined,
    private readonly intervalMs: number,
  ) {}

  warn(error: unknown, message: string, now = Date.now()) {
    this.failing = true
    if (now - this.lastLoggedAt < this.intervalMs) {
      this.suppressed++
      return
    }
    this.logger?.warn({ err: error, suppressed: this.suppressed }, message)
    this.lastLoggedAt = now
    this.suppressed = 0
  }

  recovered(message: string) {
    if (!this.failing) return
    this.failing = false
    this.lastLoggedAt = 0
    this.logger?.info(message)
  }
}
