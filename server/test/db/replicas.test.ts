// A MariaDB primary with two read replicas (scripts/mariadb-replicas.sh), driven over HTTP: reads
// are served by the replicas, survive a replica dying, and a client always reads its own writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedEssentials } from '../../src/cli/seed.js'
import { loadConfig } from '../../src/config.js'
import { createDatabase } from '../../src/db/database.js'
import { migrateUp } from '../../src/db/migrate.js'
import { type ApiProcess, type RedisProcess, startApiProcess, startRedis } from '../helpers/processes.js'
import {
  counterValues,
  describeWithReplicas,
  type ExtraReplica,
  eventually,
  freshReplicatedDatabase,
  REPLICA_URLS,
  replicaPool,
  replicaScript,
  replicasCaughtUp,
  selectCount,
  setSqlThread,
  startExtraReplica,
  startReplicatedApp,
} from '../helpers/replication.js'
import { ADMIN, type TestApp } from '../helpers/test-app.js'

const QUERIES = 'hbnb_db_queries_total'
const PRIMARY_READS = 'hbnb_db_primary_reads_total'

/** GET as an anonymous client at `address` (a client without writes of its own). */
async function anonymousGet(t: TestApp, url: string, address: string) {
  const response = await t.app.http.inject({ method: 'GET', url, remoteAddress: address })
  return { status: response.statusCode, body: response.json() }
}

async function delta<T>(measure: () => Promise<Record<string, number>>, work: () => Promise<T>) {
  const before = await measure()
  await work()
  const after = await measure()
  return (key: string) => (after[key] ?? 0) - (before[key] ?? 0)
}

describeWithReplicas('read replicas: routing and health', () => {
  let t: TestApp
  let placeId: string

  beforeAll(async () => {
    t = await startReplicatedApp({ HBNB_DATABASE_REPLICA_CHECK_MS: '200' })
    const host = await t.user()
    placeId = (await t.place(host.token, { title: 'Replicated' })).id
    await replicasCaughtUp()
  })
  afterAll(async () => {
    await t?.close()
  })

  it('serves plain reads from both replicas, round robin, and none from the primary', async () => {
    const [replica1, replica2] = REPLICA_URLS as [string, string]
    const selectsBefore = await Promise.all(REPLICA_URLS.map(selectCount))
    const queries = await delta(
      () => counterValues(QUERIES, 'pool'),
      async () => {
        for (let i = 0; i < 40; i++) {
          const response = await anonymousGet(t, `/api/v1/places/${placeId}`, '10.0.0.1')
          expect(response.status).toBe(200)
          expect(response.body.title).toBe('Replicated')
        }
      },
    )
    const selectsAfter = await Promise.all(REPLICA_URLS.map(selectCount))
    expect(queries(replicaPool(replica1))).toBeGreaterThanOrEqual(20)
    expect(queries(replicaPool(replica2))).toBeGreaterThanOrEqual(20)
    expect(queries('primary')).toBe(0)
    // The servers themselves saw the SELECTs (not just our counters).
    expect(selectsAfter[0]! - selectsBefore[0]!).toBeGreaterThanOrEqual(20)
    expect(selectsAfter[1]! - selectsBefore[1]!).toBeGreaterThanOrEqual(20)
  })

  it('lists the replicas in /readyz as non-critical dependencies', async () => {
    const response = await t.get('/readyz')
    expect(response.status).toBe(200)
    for (const url of REPLICA_URLS) {
      const { hostname, port } = new URL(url)
      expect(response.body.checks[`database replica ${hostname}:${port}`]).toEqual({ status: 'ok' })
    }
  })

  it('answers every read while a replica is shut down mid-load, and uses it again once it is back', async () => {
    const replica1 = REPLICA_URLS[0]!
    let running = true
    const statuses: number[] = []
    const reader = async (n: number) => {
      while (running) {
        const response = await anonymousGet(t, `/api/v1/places/${placeId}`, `10.0.1.${n}`)
        statuses.push(response.status)
      }
    }
    const readers = [1, 2, 3, 4].map(reader)
    try {
      await eventually(() => statuses.length >= 20, 'reads before the shutdown')
      await replicaScript('stop-replica', '1')
      const readsAtShutdown = statuses.length
      await eventually(() => statuses.length >= readsAtShutdown + 40, 'reads after the shutdown', 60_000)
      const readiness = await t.get('/readyz')
      expect(readiness.body.status).toBe('degraded')
    } finally {
      running = false
      await Promise.all(readers)
      await replicaScript('start-replica', '1')
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([])
    const replica = t.app.database.replication!.replicas[0]!
    await eventually(() => replica.healthy, 'the restarted replica back in rotation')
    await replicasCaughtUp()
    const queries = await delta(
      () => counterValues(QUERIES, 'pool'),
      async () => {
        for (let i = 0; i < 20; i++) await anonymousGet(t, `/api/v1/places/${placeId}`, '10.0.2.1')
      },
    )
    expect(queries(replicaPool(replica1))).toBeGreaterThan(0)
  })

  it('takes a replica whose SQL thread stopped out of rotation, and puts it back once it runs', async () => {
    const replica = t.app.database.replication!.replicas[1]!
    await setSqlThread(REPLICA_URLS[1]!, false)
    try {
      await eventually(() => !replica.healthy, 'the stopped replica out of rotation')
      expect(replica.problem).toMatch(/replication stopped/)
    } finally {
      await setSqlThread(REPLICA_URLS[1]!, true)
    }
    await eventually(() => replica.healthy, 'the replica back in rotation')
  })
})

// A replica that stops answering without closing anything (a frozen server, a network dropping
// packets): mariadbd of a replica of this suite's own, stopped with SIGSTOP. Its checks are far apart
// (run by hand here), so that what gives up on it is the read itself.
describeWithReplicas('read replicas: a replica that stops answering', () => {
  let t: TestApp | undefined
  let extra: ExtraReplica | undefined
  let placeId: string
  const TIMEOUT_MS = 1500
  const REMOVALS = 'hbnb_db_replica_out_of_rotation_total'

  beforeAll(async () => {
    extra = await startExtraReplica()
    t = await startReplicatedApp(
      {
        HBNB_DATABASE_REPLICA_CHECK_MS: '600000',
        HBNB_DATABASE_REPLICA_QUERY_TIMEOUT_MS: String(TIMEOUT_MS),
      },
      [extra.url],
    )
    const host = await t.user()
    placeId = (await t.place(host.token, { title: 'Frozen' })).id
    await replicasCaughtUp([extra.url])
  }, 180_000)
  afterAll(async () => {
    if (extra) process.kill(extra.pid, 'SIGCONT')
    await t?.close()
    await extra?.destroy()
  }, 60_000)

  const read = (address: string) => anonymousGet(t!, `/api/v1/places/${placeId}`, address)

  it('gives a read up after the query timeout, answers it from the primary, and takes the replica out of rotation', async () => {
    const replica = t!.app.database.replication!.replicas[0]!
    const pool = replicaPool(extra!.url)
    // Reads go to the replica, and leave an idle connection in its pool.
    const warm = await delta(
      () => counterValues(QUERIES, 'pool'),
      async () => {
        for (let i = 0; i < 5; i++) expect((await read('10.0.3.1')).status).toBe(200)
      },
    )
    expect(warm(pool)).toBeGreaterThanOrEqual(5)
    const removalsBefore = (await counterValues(REMOVALS, 'reason')).query_timeout ?? 0

    process.kill(extra!.pid, 'SIGSTOP')
    try {
      // The first read is given up on the frozen replica (without the timeout it would wait for as
      // long as the replica is frozen) and answered by the primary.
      const first = await read('10.0.3.2')
      expect(first.status).toBe(200)
      expect(first.body.title).toBe('Frozen')
      expect(replica.healthy).toBe(false)
      expect(replica.problem).toBe(`query timed out after ${TIMEOUT_MS} ms (its connection closed)`)
      expect(((await counterValues(REMOVALS, 'reason')).query_timeout ?? 0) - removalsBefore).toBe(1)
      // The next ones go to the primary without trying the replica.
      const next = await delta(
        () => counterValues(PRIMARY_READS, 'reason'),
        async () => {
          for (let i = 0; i < 5; i++) expect((await read('10.0.3.3')).status).toBe(200)
        },
      )
      expect(next('no_healthy_replica')).toBeGreaterThanOrEqual(5)
      // Its health check gives up on it too, and leaves it out.
      await replica.check()
      expect(replica.healthy).toBe(false)
    } finally {
      process.kill(extra!.pid, 'SIGCONT')
    }
    await eventually(async () => {
      await replica.check()
      return replica.healthy
    }, 'the thawed replica back in rotation')
    const back = await delta(
      () => counterValues(QUERIES, 'pool'),
      async () => {
        for (let i = 0; i < 5; i++) expect((await read('10.0.3.4')).status).toBe(200)
      },
    )
    expect(back(pool)).toBeGreaterThanOrEqual(5)
  })
})

describeWithReplicas('read replicas: read-your-writes with lagging replicas', () => {
  let t: TestApp
  let host: Awaited<ReturnType<TestApp['user']>>
  let placeId: string

  beforeAll(async () => {
    // Health checks far apart: a stopped SQL thread goes unnoticed by them for the whole suite, so
    // only the per-client write positions keep reads fresh.
    t = await startReplicatedApp({ HBNB_DATABASE_REPLICA_CHECK_MS: '600000' })
    host = await t.user()
    placeId = (await t.place(host.token, { title: 'Version 0' })).id
    await replicasCaughtUp()
  })
  afterAll(async () => {
    await Promise.all(REPLICA_URLS.map((url) => setSqlThread(url, true)))
    await t?.close()
  })

  it('never routes a write-then-read to a replica that has not applied the write', async () => {
    await setSqlThread(REPLICA_URLS[0]!, false)
    try {
      const primaryReads = await delta(
        () => counterValues(PRIMARY_READS, 'reason'),
        async () => {
          for (let version = 1; version <= 30; version++) {
            const title = `Version ${version}`
            const updated = await t.put(`/api/v1/places/${placeId}`, { title }, { token: host.token })
            expect(updated.status, updated.text).toBe(200)
            const read = await t.get(`/api/v1/places/${placeId}`, { token: host.token })
            expect(read.body.title).toBe(title)
          }
        },
      )
      expect(primaryReads('replica_behind_client')).toBeGreaterThan(0)
    } finally {
      await setSqlThread(REPLICA_URLS[0]!, true)
    }
    await replicasCaughtUp()
  })

  it('shows a user their own writes from any address, while others may read the lagging replicas', async () => {
    await Promise.all(REPLICA_URLS.map((url) => setSqlThread(url, false)))
    try {
      for (let version = 1; version <= 10; version++) {
        const title = `Lagging ${version}`
        const write = await t.app.http.inject({
          method: 'PUT',
          url: `/api/v1/places/${placeId}`,
          payload: { title },
          headers: { authorization: `Bearer ${host.token}` },
          remoteAddress: '10.1.0.1',
        })
        expect(write.statusCode, write.body).toBe(200)
        // The same user from another address: known by the token.
        const own = await t.app.http.inject({
          method: 'GET',
          url: `/api/v1/places/${placeId}`,
          headers: { authorization: `Bearer ${host.token}` },
          remoteAddress: '10.1.0.2',
        })
        expect(own.json().title).toBe(title)
        // The same address without a token: known by the address.
        expect((await anonymousGet(t, `/api/v1/places/${placeId}`, '10.1.0.1')).body.title).toBe(title)
      }
      // Someone else reads the replicas, which stopped applying: the writes are not there yet.
      const stranger = await anonymousGet(t, `/api/v1/places/${placeId}`, '10.1.0.99')
      expect(stranger.body.title).not.toMatch(/^Lagging/)
    } finally {
      await Promise.all(REPLICA_URLS.map((url) => setSqlThread(url, true)))
    }
    await replicasCaughtUp()
    const caughtUp = await anonymousGet(t, `/api/v1/places/${placeId}`, '10.1.0.99')
    expect(caughtUp.body.title).toBe('Lagging 10')
  })
  it('prices a booking from the listing as the primary has it, and shows the guest the booking at once', async () => {
    const guest = await t.user()
    const listing = await t.place(host.token, { price: 100, instant_book: true })
    await replicasCaughtUp()
    await Promise.all(REPLICA_URLS.map((url) => setSqlThread(url, false)))
    try {
      const repriced = await t.put(`/api/v1/places/${listing.id}`, { price: 150 }, { token: host.token })
      expect(repriced.status, repriced.text).toBe(200)
      // The guest has no write the replicas lack, so its plain reads still see the old price there.
      const guestRequest = (method: 'GET' | 'POST', url: string, payload?: object) =>
        t.app.http.inject({
          method,
          url,
          payload,
          headers: { authorization: `Bearer ${guest.token}` },
          remoteAddress: '10.3.0.1',
        })
      expect((await guestRequest('GET', `/api/v1/places/${listing.id}`)).json().price).toBe(100)
      const check_in = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
      const check_out = new Date(Date.now() + 32 * 86_400_000).toISOString().slice(0, 10)
      const booked = await guestRequest('POST', '/api/v1/bookings', {
        place_id: listing.id,
        check_in,
        check_out,
        guests: 1,
      })
      expect(booked.statusCode, booked.body).toBe(201)
      expect(booked.json().nightly_prices.map((n: { price: number }) => n.price)).toEqual([150, 150])
      const trips = await guestRequest('GET', '/api/v1/bookings?role=guest')
      expect(trips.json().map((b: { id: string }) => b.id)).toContain(booked.json().id)
    } finally {
      await Promise.all(REPLICA_URLS.map((url) => setSqlThread(url, true)))
    }
  })
})

describeWithReplicas('read replicas: two API processes sharing write positions in Redis', () => {
  let redis: RedisProcess
  const apis: ApiProcess[] = []
  let drop: () => Promise<void> = async () => {}

  beforeAll(async () => {
    const database = await freshReplicatedDatabase()
    drop = database.drop
    const env = {
      HBNB_DATABASE_URL: database.primaryUrl,
      HBNB_DATABASE_REPLICA_URLS: database.replicaUrls.join(','),
      HBNB_DATABASE_REPLICA_CHECK_MS: '600000',
      HBNB_AUTH_RATE_LIMIT: '100000',
      HBNB_CACHE: 'off',
      HBNB_WEB_DIR: 'none',
    }
    const setup = createDatabase(database.primaryUrl)
    try {
      await migrateUp(setup)
      await seedEssentials(setup, loadConfig({ ...env, HBNB_ENV: 'test' }, false))
    } finally {
      await setup.close()
    }
    await replicasCaughtUp()
    redis = await startRedis()
    // One after the other: two cold starts at once can outlast startApiProcess's wait on a busy machine.
    for (let i = 0; i < 2; i++) apis.push(await startApiProcess({ ...env, HBNB_REDIS_URL: redis.url }))
  }, 180_000)
  afterAll(async () => {
    await Promise.all(REPLICA_URLS.map((url) => setSqlThread(url, true)))
    await Promise.all(apis.map((api) => api.stop()))
    await redis?.stop()
    await drop()
  })

  it('reads a write made through one process back through the other, never stale', async () => {
    const [writer, reader] = apis as [ApiProcess, ApiProcess]
    const call = async (api: ApiProcess, method: string, path: string, token?: string, body?: unknown) => {
      const response = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      })
      return { status: response.status, body: (await response.json()) as any }
    }
    const login = await call(writer, 'POST', '/api/v1/auth/login', undefined, ADMIN)
    const token = login.body.access_token as string
    const created = await call(writer, 'POST', '/api/v1/places/', token, {
      title: 'Shared 0',
      description: 'Written through one process',
      price: 80,
      latitude: 1,
      longitude: 2,
    })
    expect(created.status).toBe(201)
    await replicasCaughtUp()
    await Promise.all(REPLICA_URLS.map((url) => setSqlThread(url, false)))
    for (let version = 1; version <= 20; version++) {
      const title = `Shared ${version}`
      expect((await call(writer, 'PUT', `/api/v1/places/${created.body.id}`, token, { title })).status).toBe(
        200,
      )
      const read = await call(reader, 'GET', `/api/v1/places/${created.body.id}`, token)
      expect(read.body.title).toBe(title)
    }
    await Promise.all(REPLICA_URLS.map((url) => setSqlThread(url, true)))
  })
})

describe('read replicas: configuration', () => {
  const replicas = 'mysql://root@127.0.0.1:3311/hbnb, mysql://root@127.0.0.1:3312/hbnb'

  it('reads the replica list of a MariaDB primary', () => {
    const config = loadConfig(
      { HBNB_DATABASE_URL: 'mysql://root@127.0.0.1:3310/hbnb', HBNB_DATABASE_REPLICA_URLS: replicas },
      false,
    )
    expect(config.databaseReplicaUrls).toEqual([
      'mysql://root@127.0.0.1:3311/hbnb',
      'mysql://root@127.0.0.1:3312/hbnb',
    ])
  })

  it('refuses replicas without a MariaDB primary, and replicas that are not MariaDB', () => {
    expect(() =>
      loadConfig({ HBNB_DATABASE_URL: 'sqlite::memory:', HBNB_DATABASE_REPLICA_URLS: replicas }, false),
    ).toThrow(/HBNB_DATABASE_REPLICA_URLS: replicas need a MariaDB\/MySQL primary/)
    expect(() =>
      loadConfig(
        {
          HBNB_DATABASE_URL: 'mysql://root@127.0.0.1:3310/hbnb',
          HBNB_DATABASE_REPLICA_URLS: 'sqlite:x.sqlite',
        },
        false,
      ),
    ).toThrow(/every replica must be a mysql:\/\/ URL/)
  })
})
