// A replica's health as its background check sees it, and the log lines of its state changes.
import type { Pool } from 'mysql2'
import { describe, expect, it } from 'vitest'
import { Replica } from '../../src/db/replica.js'
import type { Logger } from '../../src/logger.js'

type Status = Record<string, unknown> | Error | undefined

/** A replica whose `SHOW SLAVE STATUS` answers the given statuses in turn. */
function replicaAnswering(statuses: Status[]) {
  const lines: string[] = []
  const log = (level: string) => (_fields: object, message: string) => lines.push(`${level}: ${message}`)
  const logger = { info: log('info'), warn: log('warn') } as unknown as Logger
  const pool = {
    promise: () => ({
      query: async () => {
        const status = statuses.shift()
        if (status instanceof Error) throw status
        return [status ? [status] : []]
      },
    }),
  } as unknown as Pool
  const replica = new Replica(
    'mysql://u@10.0.0.5:3307/hbnb',
    pool,
    { maxLagSeconds: 10, checkIntervalMs: 1000 },
    logger,
  )
  return { replica, lines }
}

const running = (lag: number) => ({
  Slave_IO_Running: 'Yes',
  Slave_SQL_Running: 'Yes',
  Seconds_Behind_Master: lag,
})

describe('replica health', () => {
  it('gets no reads until a check passes, and logs each change of state once', async () => {
    const { replica, lines } = replicaAnswering([
      running(0),
      running(2),
      { Slave_IO_Running: 'Yes', Slave_SQL_Running: 'No', Seconds_Behind_Master: null },
      running(60),
      new Error('connect ECONNREFUSED'),
      running(1),
    ])
    expect(replica.healthy).toBe(false)
    const states: [boolean, string | undefined][] = []
    for (let i = 0; i < 6; i++) {
      await replica.check()
      states.push([replica.healthy, replica.problem])
    }
    expect(states).toEqual([
      [true, undefined],
      [true, undefined],
      [false, 'replication stopped (IO thread Yes, SQL thread No)'],
      [false, 'lagging 60 s behind the primary (more than 10 s)'],
      [false, 'unreachable: connect ECONNREFUSED'],
      [true, undefined],
    ])
    expect(lines).toEqual([
      'info: database replica 10.0.0.5:3307 is in rotation',
      'warn: database replica 10.0.0.5:3307 is out of rotation: replication stopped (IO thread Yes, SQL thread No)',
      'info: database replica 10.0.0.5:3307 is in rotation',
    ])
  })

  it('refuses a server that does not replicate, and goes out of rotation when a read fails on it', async () => {
    const { replica } = replicaAnswering([undefined, running(0)])
    await replica.check()
    expect(replica.problem).toMatch(/not a replica/)
    await replica.check()
    replica.markDown(new Error('Connection lost: The server closed the connection.'))
    expect(replica.healthy).toBe(false)
    expect(replica.problem).toBe('query failed: Connection lost: The server closed the connection.')
  })
})
