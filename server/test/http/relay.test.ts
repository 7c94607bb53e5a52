// The outbox relay to RabbitMQ (real broker on loopback): a booking's outbox row is published once
// by concurrent relays, and a row relayed twice still emails each person once.
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { addDays, localDate } from '../../src/dates.js'
import { NOTIFICATIONS } from '../../src/domain/tasks.js'
import { RabbitTaskQueue } from '../../src/infra/queue/rabbitmq.js'
import { OutboxRelay } from '../../src/jobs/relay.js'
import { AMQP_URL, describeEachDriver } from '../helpers/test-app.js'
import { waitFor } from '../infra/mail-contract.js'

const dataDir = mkdtempSync(join(tmpdir(), 'hbnb-relay-'))
const day = (offset: number) => addDays(localDate(Date.now(), 'UTC'), offset)

async function recipientsAbout(bookingId: string): Promise<string[]> {
  const dir = join(dataDir, 'mail')
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml'))
  const found: string[] = []
  for (const name of names) {
    const raw = (await readFile(join(dir, name), 'utf8')).replace(/\r?\n[ \t]+/g, ' ')
    if ((/^X-HBNB-Dedupe-Key: (.*)$/im.exec(raw)?.[1] ?? '').includes(bookingId))
      found.push(/^To: (.*)$/m.exec(raw)?.[1] ?? '')
  }
  return found.sort()
}

describeEachDriver(
  'outbox relay to RabbitMQ',
  (t) => {
    let queue: RabbitTaskQueue
    const handled: string[] = []
    beforeAll(async () => {
      queue = new RabbitTaskQueue(AMQP_URL, {
        maxAttempts: 3,
        baseDelayMs: 50,
        prefix: `hbnb-test-${randomBytes(4).toString('hex')}.`,
      })
      await queue.consume(NOTIFICATIONS, async (delivery) => {
        await t().app.notifications.handle(delivery)
        handled.push(delivery.dedupeKey)
      })
    })
    afterAll(async () => {
      await queue?.close({ deleteQueues: true })
    })

    it('publishes each pending row once across concurrent relays, and a row relayed twice emails once', async () => {
      const owner = await t().user()
      const place = await t().place(owner.token, { instant_book: true })
      const guest = await t().user()
      const created = await t().post(
        '/api/v1/bookings',
        { place_id: place.id, check_in: day(15), check_out: day(17), guests: 1 },
        { token: guest.token },
      )
      expect(created.status).toBe(201)
      const key = `booking:${created.body.id}:confirmed`
      const outbox = () =>
        t()
          .app.database.write.selectFrom('outbox')
          .selectAll()
          .where('dedupe_key', '=', key)
          .executeTakeFirstOrThrow()
      expect(await outbox()).toMatchObject({ status: 'pending', task: NOTIFICATIONS })

      const relay = new OutboxRelay(t().app.database, queue)
      const counts = await Promise.all([relay.runOnce(), relay.runOnce()])
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1)
      expect(await outbox()).toMatchObject({ status: 'sent' })
      expect(await relay.runOnce()).toBe(0)

      // As if the relay died after publishing and before marking the row sent: it is relayed again.
      await t()
        .app.database.write.updateTable('outbox')
        .set({ status: 'pending', sent_at: null, available_at: new Date().toISOString() })
        .where('dedupe_key', '=', key)
        .execute()
      expect(await relay.runOnce()).toBe(1)
      await waitFor(
        async () => (handled.filter((k) => k === key).length === 2 ? true : undefined),
        'both deliveries',
      )
      expect(await recipientsAbout(created.body.id)).toEqual([guest.email, owner.email].sort())
    })
  },
  { HBNB_DATA_DIR: dataDir },
)
