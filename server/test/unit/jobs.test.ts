import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createDatabase } from '../../src/db/database.js'
import { OutboxTaskQueue } from '../../src/infra/queue/outbox.js'
import { backoffMs } from '../../src/infra/queue/port.js'
import { Jobs } from '../../src/jobs/runner.js'
import { TASK_NAMES } from '../../src/jobs/tasks.js'
import { bookingDrafts, RECIPIENTS, render } from '../../src/modules/notifications/messages.js'
import type { BookingContext } from '../../src/modules/notifications/repository.js'

describe('task runner', () => {
  it('refuses to start while a task name has no handler', async () => {
    const database = createDatabase('sqlite::memory:')
    const config = loadConfig({ HBNB_ENV: 'test' }, false)
    const jobs = new Jobs({ config, database, queue: new OutboxTaskQueue(database), handlers: {} })
    expect(jobs.missingHandlers()).toEqual([...TASK_NAMES])
    await expect(jobs.start()).rejects.toThrow('no handler for task(s): notifications')
    await jobs.close()
    await database.close()
  })

  it('backs off exponentially', () => {
    const policy = { maxAttempts: 5, baseDelayMs: 1000 }
    expect([1, 2, 3, 4].map((attempt) => backoffMs(policy, attempt))).toEqual([1000, 2000, 4000, 8000])
  })
})

describe('booking emails', () => {
  const booking: BookingContext = {
    id: 'b-1',
    status: 'pending',
    check_in: '2030-05-01',
    check_out: '2030-05-04',
    guests: 2,
    total_minor: 44460,
    currency: 'EUR',
    place_title: 'Loft <3 & sea',
    place_city: 'Nice',
    guest_email: 'guest@example.com',
    guest_first_name: 'Gina',
    host_email: 'host@example.com',
    host_first_name: 'Hugo',
  }

  it('goes to the host only about requests, confirmations, acceptances, cancellations and expiries', () => {
    expect(RECIPIENTS.declined).toEqual(['guest'])
    expect(bookingDrafts('requested', booking).map((d) => d.recipient)).toEqual(['guest', 'host'])
  })

  it('renders plain text and escaped HTML with the stay, the total and the greeting', () => {
    const [guest, host] = bookingDrafts('requested', booking).map(render)
    expect(guest!.subject).toBe('Your booking request for Loft <3 & sea was sent')
    expect(guest!.text).toContain('Hello Gina,')
    expect(guest!.text).toContain(
      'Stay: Loft <3 & sea (Nice), 2030-05-01 to 2030-05-04, 2 guest(s), total €444.60.',
    )
    expect(guest!.html).toContain('<p>Stay: Loft &lt;3 &amp; sea (Nice)')
    expect(guest!.html).not.toContain('<3')
    expect(host!.text).toContain('Hello Hugo,')
    expect(host!.text).toContain('Please accept or decline the request.')
  })
})
