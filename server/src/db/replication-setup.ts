// Composition-root wiring of read replicas: /readyz lists each one, and with Redis the clients'
// write positions are shared by every API process.
import type { Config } from '../config.js'
import { RedisRecentWrites } from '../infra/recent-writes/redis.js'
import type { Redis } from '../infra/redis.js'
import { type Database, replicaOptions } from './database.js'

/** Where /readyz learns of a dependency (the system service). */
export interface ReadinessChecks {
  addDependency(dependency: { name: string; critical: boolean; check(): Promise<void> }): void
}

export function setUpReplication(config: Config, database: Database, system: ReadinessChecks, redis?: Redis) {
  const replication = database.replication
  const options = replicaOptions(config)
  if (!replication || !options) return
  if (redis) replication.useRecentWrites(new RedisRecentWrites(redis, options.recentWriteTtlMs))
  for (const replica of replication.replicas) {
    system.addDependency({
      name: `database replica ${replica.name}`,
      critical: false,
      check: async () => {
        if (!replica.healthy) throw new Error(replica.problem)
      },
    })
  }
}
