import type { Redis } from '../redis.js'
import { type Gtid, gtidPosition, laterGtids, parseGtid, type RecentWrites } from './port.js'

const PREFIX = 'hbnb:recent-writes:'

// One hash per client key, a field per replication domain holding `server-seq`; a field only
// moves forward, so two processes recording the same client's writes out of order keep the later.
const RECORD = `
for _, key in ipairs(KEYS) do
  local current = redis.call('HGET', key, ARGV[2])
  if not current or tonumber(string.match(current, '(%d+)$')) < tonumber(ARGV[4]) then
    redis.call('HSET', key, ARGV[2], ARGV[3] .. '-' .. ARGV[4])
  end
  redis.call('PEXPIRE', key, ARGV[1])
end
return 1`

/** Recent writes shared by every API process through Redis (HBNB_REDIS_URL). */
export class RedisRecentWrites implements RecentWrites {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {}

  async record(keys: string[], gtid: string) {
    const { domain, server, seq } = parseGtid(gtid)
    const redisKeys = keys.map((key) => PREFIX + key)
    await this.redis.eval(RECORD, redisKeys.length, ...redisKeys, this.ttlMs, domain, server, seq)
  }

  async lastWrite(keys: string[]) {
    const pipeline = this.redis.pipeline()
    for (const key of keys) pipeline.hgetall(PREFIX + key)
    const gtids: Gtid[] = []
    for (const [error, fields] of (await pipeline.exec()) ?? []) {
      if (error) throw error
      for (const [domain, serverSeq] of Object.entries(fields as Record<string, string>)) {
        gtids.push(parseGtid(`${domain}-${serverSeq}`))
      }
    }
    return gtidPosition(laterGtids(gtids).values())
  }
}
