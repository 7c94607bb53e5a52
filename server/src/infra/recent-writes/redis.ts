import type { Redis } from '../redis.js'
import { type Gtid, gtidPosition, laterGtids, parseGtid, type RecentWrites } from './port.js'

const PREFIX = 'hbnb:recent-writes:'

// One hash per client key, a field per replication domain holding `server-seq`; a field only
// moves forward, so two processes recording the same client's writes out of order keep the later.
// One script run per key: the keys of a client may live on different nodes of a Redis Cluster.
const RECORD = `
local current = redis.call('HGET', KEYS[1], ARGV[2])
if not current or tonumber(string.match(current, '(%d+)$')) < tonumber(ARGV[4]) then
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3] .. '-' .. ARGV[4])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`

/** Recent writes shared by every API process through Redis (HBNB_REDIS_URL). */
export class RedisRecentWrites implements RecentWrites {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {}

  async record(keys: string[], gtid: string) {
    const { domain, server, seq } = parseGtid(gtid)
    await Promise.all(
      keys.map((key) => this.redis.eval(RECORD, 1, PREFIX + key, this.ttlMs, domain, server, seq)),
    )
  }

  async lastWrite(keys: string[]) {
    const hashes = await Promise.all(keys.map((key) => this.redis.hgetall(PREFIX + key)))
    const gtids: Gtid[] = []
    for (const fields of hashes) {
      for (const [domain, serverSeq] of Object.entries(fields)) {
        gtids.push(parseGtid(`${domain}-${serverSeq}`))
      }
    }
    return gtidPosition(laterGtids(gtids).values())
  }
}
