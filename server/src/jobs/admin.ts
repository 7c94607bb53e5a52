// `hbnb jobs`: what an operator does with background tasks. Lists and inspects dead letters,
// requeues them, and shows queue depths, on whichever queue the configuration selects (the outbox
// table embedded, RabbitMQ with HBNB_AMQP_URL). Prints for people; errors say what to do next.
import type { Config } from '../config.js'
import { createDatabase, type Database } from '../db/database.js'
import { migrationStatus } from '../db/migrate.js'
import { OutboxRepository } from '../db/outbox.js'
import { TASK_NAMES } from '../domain/tasks.js'
import { createTaskQueue } from '../infra/queue/index.js'
import type { DeadLetter, TaskQueue } from '../infra/queue/port.js'
import { RabbitTaskQueue } from '../infra/queue/rabbitmq.js'
import type { Logger } from '../logger.js'

/** A failure to report to the operator as is (exit status 1, no stack trace). */
export class JobsCommandError extends Error {}

const CONNECT_TIMEOUT_MS = 5000

type Print = (line: string) => void

/** The URL without its password, for messages. */
function shownUrl(url: string): string {
  const parsed = new URL(url)
  parsed.password = ''
  return parsed.toString().replace(/\/$/, '')
}

function describeQueue(config: Config): string {
  return config.amqpUrl
    ? `RabbitMQ at ${shownUrl(config.amqpUrl)}`
    : 'the outbox table (embedded: no HBNB_AMQP_URL)'
}

async function withQueue<T>(
  config: Config,
  logger: Logger,
  work: (queue: TaskQueue, database: Database) => Promise<T>,
): Promise<T> {
  const database = createDatabase(config.databaseUrl, logger)
  // No logger: a connection failure is reported once, as a message saying what to check.
  const queue = createTaskQueue(config, database)
  try {
    const pending = (await migrationStatus(database)).filter((m) => !m.appliedAt)
    if (pending.length) {
      throw new JobsCommandError(`${pending.length} migration(s) pending: run \`hbnb migrate up\` first`)
    }
    if (queue instanceof RabbitTaskQueue) {
      await queue.connected(CONNECT_TIMEOUT_MS).catch(() => {
        throw new JobsCommandError(
          `cannot reach ${describeQueue(config)} within ${CONNECT_TIMEOUT_MS / 1000} s: ` +
            'check that RabbitMQ runs and that HBNB_AMQP_URL has the right host, port and credentials',
        )
      })
    }
    return await work(queue, database)
  } finally {
    await queue.close()
    await database.close()
  }
}

async function allDeadLetters(queue: TaskQueue): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = []
  for (const name of TASK_NAMES) letters.push(...(await queue.deadLetters(name)))
  return letters
}

function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat
}

/** Left-aligned columns, two spaces apart; the last column is not padded. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  )
}

/** `hbnb jobs dead` */
export async function listDeadLetters(config: Config, logger: Logger, print: Print = console.log) {
  await withQueue(config, logger, async (queue) => {
    const letters = await allDeadLetters(queue)
    if (!letters.length) {
      print(`No dead letters in ${describeQueue(config)}.`)
      return
    }
    const rows = letters.map((l) => [l.id, l.name, String(l.attempts), l.deadAt, oneLine(l.error, 80)])
    for (const line of table([['ID', 'TASK', 'TRIES', 'DEAD SINCE', 'LAST ERROR'], ...rows])) print(line)
    print('')
    print(
      `${letters.length} dead letter(s) in ${describeQueue(config)}. ` +
        'Details: `hbnb jobs inspect <id>`; run again: `hbnb jobs retry <id>` or `hbnb jobs retry --all`.',
    )
  })
}

/** `hbnb jobs inspect <id>` */
export async function inspectDeadLetter(
  config: Config,
  logger: Logger,
  id: string,
  print: Print = console.log,
) {
  await withQueue(config, logger, async (queue) => {
    const letter = (await allDeadLetters(queue)).find((l) => l.id === id)
    if (!letter) throw notFound(id, config)
    print(`Dead letter ${letter.id}`)
    for (const line of table([
      ['  task:', letter.name],
      ['  dedupe key:', letter.dedupeKey],
      ['  tries:', String(letter.attempts)],
      ['  dead since:', letter.deadAt],
      ['  queue:', describeQueue(config)],
    ]))
      print(line)
    print('  payload:')
    for (const line of JSON.stringify(letter.payload, null, 2).split('\n')) print(`    ${line}`)
    print(`  errors (${letter.errors.length}, oldest first):`)
    for (const failure of letter.errors)
      print(`    try ${failure.attempt} at ${failure.at}: ${failure.error}`)
    if (!letter.errors.length) print(`    ${letter.error || '(none recorded)'}`)
    print('')
    print(`Run it again: \`hbnb jobs retry ${letter.id}\``)
  })
}

function notFound(id: string, config: Config): JobsCommandError {
  return new JobsCommandError(
    `no dead letter with id ${id} in ${describeQueue(config)}: list them with \`hbnb jobs dead\``,
  )
}

/** `hbnb jobs retry <id>` or `hbnb jobs retry --all` (`id` undefined). */
export async function retryDeadLetters(
  config: Config,
  logger: Logger,
  id: string | undefined,
  print: Print = console.log,
) {
  await withQueue(config, logger, async (queue) => {
    const requeued: { id: string; name: string }[] = []
    for (const name of TASK_NAMES) {
      for (const done of await queue.requeueDead(name, id)) requeued.push({ id: done, name })
      if (id !== undefined && requeued.length) break
    }
    if (id !== undefined && !requeued.length) throw notFound(id, config)
    if (!requeued.length) {
      print(`No dead letters to retry in ${describeQueue(config)}.`)
      return
    }
    for (const letter of requeued) print(`requeued ${letter.id} (${letter.name})`)
    const who = config.amqpUrl
      ? 'a running `hbnb worker` will handle them'
      : 'the in-process runner of `hbnb serve` or `hbnb all` will handle them'
    print('')
    print(
      `${requeued.length} task(s) requeued for a fresh series of ${config.taskMaxAttempts} tries; ${who} ` +
        '(watch with `hbnb jobs stats`).',
    )
  })
}

/** `hbnb jobs stats` */
export async function showQueueStats(config: Config, logger: Logger, print: Print = console.log) {
  await withQueue(config, logger, async (queue, database) => {
    const rows = [['TASK', 'READY', 'DELAYED', 'DEAD']]
    for (const name of TASK_NAMES) {
      const depth = await queue.depth(name)
      rows.push([name, String(depth.ready), String(depth.delayed), String(depth.dead)])
    }
    print(`Queue: ${describeQueue(config)}`)
    for (const line of table(rows)) print(line)
    if (config.amqpUrl) {
      const pending = await new OutboxRepository(database).countPending()
      print('')
      print(`Outbox rows not yet relayed to RabbitMQ: ${pending}`)
    }
    print('')
    print(
      'READY: waiting for a handler; DELAYED: waiting for a retry' +
        (config.amqpUrl ? '' : ' or running') +
        '; DEAD: see `hbnb jobs dead`.',
    )
  })
}
