// Two API processes (two apps on their own ports) sharing one database and a real redis-server
// started here: events cross from one to the other, and from a process serving no clients (like
// `hbnb worker` and `hbnb beat`); with Redis stopped, each process keeps delivering its own events,
// /readyz says so, and the other process's clients are told to resync when Redis is back.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createApp, publisherOnly } from '../../src/app.js'
import { seedEssentials } from '../../src/cli/seed.js'
import { loadConfig } from '../../src/config.js'
import { addDays, localDate } from '../../src/dates.js'
import { createDatabase } from '../../src/db/database.js'
import { migrateUp } from '../../src/db/migrate.js'
import { createRedis } from '../../src/infra/redis.js'
import { createLogger } from '../../src/logger.js'
import { LiveClient } from '../helpers/live-client.js'
import { type RedisProcess, startRedis } from '../helpers/processes.js'
import { type Driver, describeOnDriver, freshDatabase, TestApp } from '../helpers/test-app.js'

const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)

async function readiness(t: TestApp) {
  return (await t.get('/readyz')).body as { status: string; checks: Record<string, { status: string }> }
}

async function eventually(check: () => Promise<boolean> | boolean, what: string, ms = 20_000) {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function twoProcesses(driver: Driver) {
  const world = {} as { a: TestApp; b: TestApp; redis: RedisProcess; env: Record<string, string> }
  let drop = async () => {}
  beforeAll(async () => {
    world.redis = await startRedis()
    const database =
      driver === 'sqlite'
        ? {
            url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'hbnb-live-')), 'hbnb.sqlite')}`,
            drop: async () => {},
          }
        : await freshDatabase('mysql')
    drop = database.drop
    world.env = {
      HBNB_ENV: 'test',
      HBNB_DATABASE_URL: database.url,
      HBNB_REDIS_URL: world.redis.url,
      HBNB_AUTH_RATE_LIMIT: '100000',
      HBNB_RATE_LIMIT_ACCOUNT: '100000',
      HBNB_RATE_LIMIT_IP: '10000000',
      HBNB_RATE_LIMIT_USER: '10000000',
      HBNB_LOG_LEVEL: 'silent',
    }
    const config = loadConfig(world.env, false)
    const logger = createLogger(config)
    const setup = createDatabase(config.databaseUrl, logger)
    await migrateUp(setup)
    await seedEssentials(setup, config)
    await setup.close()
    const start = async () => TestApp.listen(await createApp(config, logger), driver, async () => {})
    world.a = await start()
    world.b = await start()
    for (const t of [world.a, world.b]) {
      await eventually(async () => (await readiness(t)).status === 'ok', 'both processes ready')
    }
  })
  afterAll(async () => {
    await world.a?.close()
    await world.b?.close()
    await world.redis?.stop()
    await drop()
  })
  return world
}

for (const driver of ['sqlite', 'mysql'] as const) {
  describeOnDriver(driver, 'live events across two API processes and Redis', () => {
    const world = twoProcesses(driver)

    it('delivers an event published through process A to a connection on process B', async () => {
      const user = await world.a.user()
      const onB = await LiveClient.connect(world.b.baseUrl, { token: user.token })
      const onA = await LiveClient.connect(world.a.baseUrl, { token: user.token })
      world.a.app.live.publish({ topic: `user:${user.id}`, type: 'test.event', data: { n: 1 } })
      for (const client of [onA, onB]) await client.until(() => client.events.length === 1, 'the event')
      expect(onB.events[0]).toEqual(onA.events[0])
      expect(onB.events[0]).toMatchObject({ topic: `user:${user.id}`, type: 'test.event', data: { n: 1 } })
      onA.close()
      onB.close()
    })

    it('tells a viewer on B when a booking through A takes nights', async () => {
      const owner = await world.a.user()
      const place = await world.a.place(owner.token, { instant_book: true })
      const viewer = await LiveClient.connect(world.b.baseUrl, { token: (await world.b.user()).token })
      expect((await viewer.subscribe(`place:${place.id}`)).ok).toBe(true)
      const guest = await world.a.user()
      const booking = await world.a.post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(5), check_out: day(8), guests: 1 },
        { token: guest.token },
      )
      expect(booking.status, booking.text).toBe(201)
      await viewer.until(() => viewer.eventsOf(`place:${place.id}`).length === 1, 'availability.changed')
      expect(viewer.events[0]).toMatchObject({
        type: 'availability.changed',
        data: { place_id: place.id, from: day(5), to: day(7) },
      })
      viewer.close()
    })

    it('closes a connection on B when its login is ended through A', async () => {
      const user = await world.a.user()
      const login = await world.a.post('/api/v1/auth/login', { email: user.email, password: user.password })
      const onB = await LiveClient.connect(world.b.baseUrl, { token: login.body.access_token })
      await world.a.post('/api/v1/auth/logout', { refresh_token: login.body.refresh_token })
      await onB.until(() => !onB.connected, 'the connection closed')
      expect(onB.closings[0]?.code).toBe('token_revoked')
    })

    it('delivers what a process without clients publishes (worker, beat) through Redis', async () => {
      const user = await world.a.user()
      const onB = await LiveClient.connect(world.b.baseUrl, { token: user.token })
      const config = loadConfig(world.env, false)
      const redis = createRedis(world.redis.url)
      await eventually(() => redis.status === 'ready', 'redis connection')
      publisherOnly(config, redis, createLogger(config)).publish({
        topic: `user:${user.id}`,
        type: 'test.from_beat',
        data: {},
      })
      await onB.until(() => onB.events.length === 1, 'the event from the publisher')
      expect(onB.events[0]!.type).toBe('test.from_beat')
      redis.disconnect()
      onB.close()
    })

    it('recovers a missed burst exactly once when reconnecting to the other process', async () => {
      const owner = await world.a.user()
      const place = await world.a.place(owner.token)
      const topic = `place:${place.id}` as const
      const first = await LiveClient.connect(world.a.baseUrl, { token: owner.token })
      const observer = await LiveClient.connect(world.a.baseUrl, { token: owner.token })
      await first.subscribe(topic)
      await observer.subscribe(topic)
      world.a.app.live.publish({ topic, type: 'test.event', data: { n: 0 } })
      await first.until(() => first.events.length === 1, 'the first event')
      first.close()
      for (let n = 1; n <= 20; n++) world.a.app.live.publish({ topic, type: 'test.event', data: { n } })
      await observer.until(() => observer.events.length === 21, 'the burst published')
      observer.close()
      const lastId = first.events[0]!.id
      const second = await LiveClient.connect(world.b.baseUrl, {
        token: owner.token,
        lastIds: { [topic]: lastId },
      })
      await second.until(() => second.eventsOf(topic).length === 20, 'the burst')
      world.a.app.live.publish({ topic, type: 'test.event', data: { n: 21 } })
      await second.until(() => second.eventsOf(topic).length === 21, 'the next live event')
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(second.eventsOf(topic).map((e) => e.data.n)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1))
      expect(second.resyncs).toEqual([])
      second.close()
    })

    it('keeps delivering within a process while Redis is down, reports it, and resyncs B when it returns', async () => {
      const owner = await world.a.user()
      const place = await world.a.place(owner.token, { instant_book: true })
      const topic = `place:${place.id}`
      const viewerA = await LiveClient.connect(world.a.baseUrl, { token: owner.token })
      const viewerB = await LiveClient.connect(world.b.baseUrl, { token: owner.token })
      await viewerA.subscribe(topic)
      await viewerB.subscribe(topic)

      await world.redis.stop()
      await eventually(
        async () => (await readiness(world.b)).checks.live_events?.status === 'down',
        'B degraded',
      )
      const ready = await readiness(world.b)
      expect(ready.status).toBe('degraded')
      expect(ready.checks.redis?.status).toBe('down')

      const guest = await world.a.user()
      const booking = await world.a.post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(15), check_out: day(17), guests: 1 },
        { token: guest.token },
      )
      expect(booking.status, booking.text).toBe(201)
      await viewerA.until(() => viewerA.eventsOf(topic).length === 1, 'the booking seen on A')
      expect(viewerA.events[0]!.data).toEqual({ place_id: place.id, from: day(15), to: day(16) })
      expect(viewerB.eventsOf(topic)).toEqual([])

      await world.redis.start()
      await viewerB.until(() => viewerB.resyncs.some((r) => r.topic === topic), 'B told to resync', 20_000)
      await eventually(async () => (await readiness(world.b)).status === 'ok', 'B ready again')
      await eventually(async () => (await readiness(world.a)).status === 'ok', 'A ready again')

      // Live again across processes, after the resync point.
      await world.a.post(
        `/api/v1/places/${place.id}/calendar/block`,
        { from: day(30), to: day(31) },
        {
          token: owner.token,
        },
      )
      await viewerB.until(() => viewerB.eventsOf(topic).length === 1, 'the block seen on B')
      expect(viewerB.eventsOf(topic)[0]!.id).toBeGreaterThan(viewerB.resyncs.at(-1)!.last_id)
      viewerA.close()
      viewerB.close()
    })
  })
}
