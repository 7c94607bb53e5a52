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
    // One command per session: their keys may live on different nodes of a Redis Cluster. A failure
    // rejects (the caller retries; revoking again is harmless).
    await Promise.all(
      sessionIds.map((sessionId) => this.redis.set(this.prefix + sessionId, 'revoked', 'PX', ttlMs)),
    )
  }
}
