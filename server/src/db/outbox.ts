// Outbox rows: background work written in the same transaction as the change that causes it.

import { uuidv7 } from '../ids.js'
import type { Task } from '../infra/queue/port.js'
import type { OutboxRow } from './schema.js'

export function outboxRow(task: Task, now: number): OutboxRow {
  const at = new Date(now).toISOString()
  return {
    id: uuidv7(),
    task: task.name,
    payload: JSON.stringify(task.payload),
    dedupe_key: task.dedupeKey,
    status: 'pending',
    attempts: 0,
    available_at: at,
    last_error: null,
    errors: null,
    created_at: at,
    sent_at: null,
  }
}
