// The embedded session store: one process's memory (the embedded default runs one API process).
import { ExpiringMap } from '../expiring-map.js'
import type { SessionState, SessionStore } from './port.js'

export class MemorySessionStore implements SessionStore {
  private readonly states = new ExpiringMap<SessionState>()

  async state(sessionId: string): Promise<SessionState | undefined> {
    return this.states.get(sessionId)
  }

  async rememberActive(sessionId: string, ttlMs: number): Promise<void> {
    if (this.states.get(sessionId) === undefined) this.states.set(sessionId, 'active', ttlMs)
  }

  async revoke(sessionIds: string[], ttlMs: number): Promise<void> {
    for (const sessionId of sessionIds) this.states.set(sessionId, 'revoked', ttlMs)
  }
}
