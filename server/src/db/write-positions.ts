// Read-your-writes: after a request writes, the primary's position after that write (its GTID) is
// recorded under the client's keys; the client's later reads use a replica only once it has applied it.
import { CompiledQuery, type DatabaseConnection } from 'kysely'
import type { RecentWrites } from '../infra/recent-writes/port.js'
import { ThrottledWarning } from '../infra/redis.js'
import type { Logger } from '../logger.js'
import { clientKeys, currentReadContext, type ReadClient } from './read-context.js'

const WARNING_INTERVAL_MS = 30_000

export class WritePositions {
  private readonly failures: ThrottledWarning

  constructor(
    public store: RecentWrites,
    logger?: Logger,
  ) {
    this.failures = new ThrottledWarning(logger, WARNING_INTERVAL_MS)
  }

  /**
   * Called on the primary connection right after a write (or the commit of a transaction that
   * wrote): the rest of the request reads the primary, and later requests of the client wait for it.
   */
  async recordWrite(connection: DatabaseConnection) {
    const client = currentReadContext()?.client
    if (!client) return
    client.wrote = true
    try {
      const { rows } = await connection.executeQuery<{ gtid: string }>(
        CompiledQuery.raw('SELECT @@last_gtid AS gtid'),
      )
      const gtid = rows[0]?.gtid
      if (gtid) await this.store.record(clientKeys(client), gtid)
      this.failures.recovered('client write positions are recorded again')
    } catch (error) {
      this.failures.warn(error, 'could not record a client write position: its next reads may see older data')
    }
  }

  /** The client's last recorded write position; throws when the store cannot answer. */
  lastWrite(client: ReadClient): Promise<string | undefined> {
    client.lastWrite ??= this.store.lastWrite(clientKeys(client))
    return client.lastWrite
  }

  /** The store could not answer a read's lookup (the read goes to the primary). */
  lookupFailed(error: unknown) {
    this.failures.warn(error, 'could not look up client write positions: reading from the primary')
  }
}
