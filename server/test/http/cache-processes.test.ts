// Two `hbnb serve` processes sharing one MariaDB database and one Redis: writes through one, reads
// through the other, never stale. Also against a replicated primary (reads on replicas) when the
// replicas of scripts/mariadb-replicas.sh are there. Runs server/dist: `npm run build --workspace server`.
import { afterAll, beforeAll, describe, it } from 'vitest'
import { seedEssentials } from '../../src/cli/seed.js'
import { loadConfig } from '../../src/config.js'
import { createDatabase } from '../../src/db/database.js'
import { migrateUp } from '../../src/db/migrate.js'
import { cacheProperty, httpClient } from '../helpers/cache-property.js'
import { type ApiProcess, type RedisProcess, startApiProcess, startRedis } from '../helpers/processes.js'
import {
  freshReplicatedDatabase,
  REPLICA_URLS,
  REPLICATION_PRIMARY_URL,
  replicasCaughtUp,
} from '../helpers/replication.js'
import { freshDatabase, MYSQL_URL } from '../helpers/test-app.js'

const IN_CI = process.env.CI === 'true'

interface Target {
  name: string
  create: () => Promise<{
    url: string
    env: Record<string, string>
    drop: () => Promise<void>
    settle?: () => Promise<void>
  }>
}

const targets: Target[] = [
  {
    name: 'MariaDB',
    create: async () => {
      const { url, drop } = await freshDatabase('mysql')
      return { url, env: {}, drop }
    },
  },
]
if (REPLICATION_PRIMARY_URL && REPLICA_URLS.length > 0) {
  targets.push({
    name: 'MariaDB primary with read replicas',
    create: async () => {
      const { primaryUrl, replicaUrls, drop } = await freshReplicatedDatabase()
      return {
        url: primaryUrl,
        env: { HBNB_DATABASE_REPLICA_URLS: replicaUrls.join(',') },
        drop,
        settle: replicasCaughtUp,
      }
    },
  })
}

async function migrated(url: string) {
  const config = loadConfig({ HBNB_ENV: 'test', HBNB_DATABASE_URL: url }, false)
  const database = createDatabase(url)
  try {
    await migrateUp(database)
    await seedEssentials(database, config)
  } finally {
    await database.close()
  }
}

for (const target of targets) {
  const title = `response cache across two API processes (${target.name}, Redis)`
  if (!MYSQL_URL) {
    describe.skipIf(!IN_CI)(`${title}${IN_CI ? '' : ' SKIPPED: set HBNB_TEST_MYSQL_URL to run it'}`, () => {
      it('needs HBNB_TEST_MYSQL_URL', () => {
        throw new Error('HBNB_TEST_MYSQL_URL is not set under CI=true')
      })
    })
    continue
  }
  describe(title, () => {
    let redis: RedisProcess
    let api: ApiProcess[] = []
    let drop: (() => Promise<void>) | undefined
    beforeAll(async () => {
      redis = await startRedis()
      const database = await target.create()
      drop = database.drop
      await migrated(database.url)
      await database.settle?.()
      const env = {
        HBNB_DATABASE_URL: database.url,
        HBNB_REDIS_URL: redis.url,
        HBNB_CACHE: 'redis',
        HBNB_AUTH_RATE_LIMIT: '100000',
        ...database.env,
      }
      api = [await startApiProcess(env), await startApiProcess(env)]
    }, 120_000)
    afterAll(async () => {
      await Promise.all(api.map((process) => process.stop()))
      await redis?.stop()
      await drop?.()
    })

    it('shows every write made through one process in every later read through the other', async () => {
      await cacheProperty(httpClient(api[0]!.url), httpClient(api[1]!.url), { seed: 23, steps: 20 })
    }, 300_000)
  })
}
