// The production session store: Redis, shared by every API process, so a revocation written by
// one process is seen by all of them at once.
import type { Redis } from '../redis.js'
import type { SessionState, SessionStore } from './port.js'

const STATES: readonly string[] = ['active', 'revoked'] satisfies SessionState[]

export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'hbnb:session:',
  ) {}

  async state(sessionId: string): Promise<SessionState | undefined> {
    const value = await this.redis.get(this.prefix + sessionId)
    return value !== null && STATES.includes(value) ? (value as SessionState) : undefined
  }

  async rememberActive(sessionId: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + sessionId, 'active', 'PX', ttlMs, 'NX')
  }

  async revoke(sessionIds: string[], ttlMs: number): Promise<void> {
    if (sessionIds.length === 0) return
    const batch = this.redis.multi()
    for (const sessionId of sessionIds) batch.set(this.prefix + sessionId, 'revoked', 'PX', ttlMs)
    const results = await batch.exec()
    const failed = results?.find(([error]) => error)
    if (!results || failed) throw failed?.[0] ?? new Error('redis transaction aborted')
  }
}
