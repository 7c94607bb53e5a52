// The use of each MariaDB connection pool in /metrics: connections busy and idle, requests waiting.
import { sql } from 'kysely'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { sample, scrape } from '../helpers/metrics.js'
import { describeOnDriver, startTestApp, type TestApp } from '../helpers/test-app.js'

describeOnDriver('mysql', 'MariaDB pool metrics', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp('mysql')
  })
  afterAll(async () => {
    await t?.close()
  })

  const busy = 'hbnb_db_pool_connections{pool="primary",state="busy"}'
  const idle = 'hbnb_db_pool_connections{pool="primary",state="idle"}'
  const waiting = 'hbnb_db_pool_waiting_requests{pool="primary"}'

  it('counts the connections running a query, then idle, and the requests waiting for one', async () => {
    // Twelve queries at once on a pool of ten: ten run, two wait.
    const sleeping = Array.from({ length: 12 }, () => sql`select sleep(1)`.execute(t.app.database.write))
    let during = ''
    for (let i = 0; i < 40 && sample(during, busy) < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      during = await scrape(t)
    }
    expect(sample(during, busy)).toBe(10)
    expect(sample(during, waiting)).toBe(2)
    await Promise.all(sleeping)
    const after = await scrape(t)
    expect(sample(after, busy)).toBe(0)
    expect(sample(after, idle)).toBe(10)
    expect(sample(after, waiting)).toBe(0)
  })
})
