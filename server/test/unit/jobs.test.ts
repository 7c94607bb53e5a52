import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createDatabase } from '../../src/db/database.js'
import { TASK_NAMES } from '../../src/domain/tasks.js'
import { OutboxTaskQueue } from '../../src/infra/queue/outbox.js'
import { backoffMs } from '../../src/infra/queue/port.js'
import { Jobs } from '../../src/jobs/runner.js'

describe('task runner', () => {
  it('refuses to start while a task name has no handler', async () => {
    const database = createDatabase('sqlite::memory:')
    const config = loadConfig({ HBNB_ENV: 'test' }, false)
    const jobs = new Jobs({ config, database, queue: new OutboxTaskQueue(database), handlers: {} })
    expect(jobs.missingHandlers()).toEqual([...TASK_NAMES])
    await expect(jobs.start()).rejects.toThrow('no handler for task(s): notifications, ping')
    await jobs.close()
    await database.close()
  })

  it('backs off exponentially', () => {
    const policy = { maxAttempts: 5, baseDelayMs: 1000 }
    expect([1, 2, 3, 4].map((attempt) => backoffMs(policy, attempt))).toEqual([1000, 2000, 4000, 8000])
  })
})
