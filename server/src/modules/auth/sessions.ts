// Which logins are still open, the same answer in every API process. A login is a refresh-token
// family; its access tokens carry its id (`sid`). Ending a login revokes its family in the database
// (the durable record) and records the revocation in the session store, which every process reads
// before accepting an access token. When the store fails, the database answers instead.
import type { Actor } from '../../domain/actor.js'
import type { LiveEvents } from '../../domain/live.js'
import { unauthorized } from '../../errors.js'
import { ThrottledWarning } from '../../infra/redis.js'
import type { SessionStore } from '../../infra/sessions/port.js'
import type { Logger } from '../../logger.js'
import { counter } from '../../metrics.js'
import type { RefreshTokenRepository } from './repository.js'
import type { AccessClaims, AccessTokens, AccessTokenVerifier } from './tokens.js'

const fallbacks = counter(
  'hbnb_session_store_fallbacks_total',
  'Session checks and revocations that fell back to the database because the session store failed',
)

export interface SessionOptions {
  /**
   * How long a process may rely on a login being open before asking again. Bounds how late a
   * revocation takes effect in the one case the store misses it (the store failed for the process
   * revoking, not for the others).
   */
  openCacheMs?: number
}

export interface SessionsDeps {
  refreshTokens: RefreshTokenRepository
  store: SessionStore
  tokens: AccessTokens
  options: SessionOptions
  logger: Logger
  /** Told when logins end, so that their live connections close (`session.ended` on `user:<id>`). */
  live: LiveEvents
  /** The clock (milliseconds since the epoch). */
  now: () => number
}

/** An open login as an access token shows it. */
export interface OpenLogin {
  actor: Actor
  sessionId: string
  /** When the access token expires (milliseconds since the epoch). */
  expiresAt: number
}

const OPEN_CACHE_MS = 60_000
/** The live event that ends the connections of logins (see realtime/). */
export const SESSION_ENDED = 'session.ended'

export class Sessions implements AccessTokenVerifier {
  private readonly warning: ThrottledWarning
  private readonly openCacheMs: number

  constructor(private readonly deps: SessionsDeps) {
    this.warning = new ThrottledWarning(deps.logger, 30_000)
    this.openCacheMs = Math.min(deps.options.openCacheMs ?? OPEN_CACHE_MS, deps.tokens.ttlSeconds * 1000)
  }

  /** The caller of a valid access token whose login is still open; else a 401. */
  async verify(token: string): Promise<Actor> {
    return (await this.login(token)).actor
  }

  /** The login of a valid access token that is still open; else a 401. */
  async login(token: string): Promise<OpenLogin> {
    const claims: AccessClaims = await this.deps.tokens.verify(token)
    if (claims.sessionId === undefined) {
      throw unauthorized('Invalid token: log in again to get a new one', 'invalid_token')
    }
    if (!(await this.isOpen(claims.sessionId))) {
      throw unauthorized(
        'This login was ended (logout, password change or change of privileges): log in again',
        'token_revoked',
      )
    }
    return {
      actor: { id: claims.id, isAdmin: claims.isAdmin },
      sessionId: claims.sessionId,
      expiresAt: claims.expiresAt,
    }
  }

  /** Whether the login is open: the store's answer when it has one, else the database's (remembered). */
  async isOpen(sessionId: string): Promise<boolean> {
    let state: Awaited<ReturnType<SessionStore['state']>>
    try {
      state = await this.deps.store.state(sessionId)
      this.warning.recovered('sessions: the session store answers again')
    } catch (error) {
      this.storeFailed(error)
      return this.deps.refreshTokens.isFamilyOpen(sessionId)
    }
    if (state !== undefined) return state === 'active'
    const open = await this.deps.refreshTokens.isFamilyOpen(sessionId)
    await this.record(() =>
      open
        ? this.deps.store.rememberActive(sessionId, this.openCacheMs)
        : this.deps.store.revoke([sessionId], this.revokedTtlMs()),
    )
    return open
  }

  /** Ends one login: its refresh tokens and its access tokens stop working in every process. */
  async end(sessionId: string, userId: string): Promise<void> {
    await this.deps.refreshTokens.revokeFamily(sessionId, this.iso())
    await this.record(() => this.deps.store.revoke([sessionId], this.revokedTtlMs()))
    this.ended(userId, [sessionId])
  }

  /** Ends every login of a user (logout everywhere, password reset). */
  async endAllOfUser(userId: string): Promise<void> {
    const sessionIds = await this.deps.refreshTokens.revokeAllOfUser(userId, this.iso())
    await this.record(() => this.deps.store.revoke(sessionIds, this.revokedTtlMs()))
    this.ended(userId, sessionIds)
  }

  private ended(userId: string, sessionIds: string[]) {
    if (sessionIds.length === 0) return
    this.deps.live.publish({
      topic: `user:${userId}`,
      type: SESSION_ENDED,
      data: { session_ids: sessionIds },
    })
  }

  /** A revocation is worth remembering as long as an access token of the login can be valid. */
  private revokedTtlMs() {
    return this.deps.tokens.ttlSeconds * 1000
  }

  private iso() {
    return new Date(this.deps.now()).toISOString()
  }

  /** Writes to the store; a failure is logged (once per interval) and the database stays the record. */
  private async record(write: () => Promise<void>) {
    try {
      await write()
    } catch (error) {
      this.storeFailed(error)
    }
  }

  private storeFailed(error: unknown) {
    fallbacks.inc()
    this.warning.warn(error, 'sessions: the session store (redis) failed; checking logins in the database')
  }
}
