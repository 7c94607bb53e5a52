// The session store port: what every API process knows about a login (a refresh-token family,
// the `sid` of its access tokens) without asking the database. The database stays the source of
// truth: the store holds short-lived copies of its answers, and revocations written at once.

export type SessionState = 'active' | 'revoked'

export interface SessionStore {
  /** The recorded state of a session, or undefined when the store knows nothing of it. */
  state(sessionId: string): Promise<SessionState | undefined>
  /** Records a session as active for a while, unless a state is already recorded: a revocation always wins. */
  rememberActive(sessionId: string, ttlMs: number): Promise<void>
  /** Records sessions as revoked for a while, replacing whatever was recorded. */
  revoke(sessionIds: string[], ttlMs: number): Promise<void>
}
