import type { Actor } from '../../domain/actor.js'
import { forbidden, Messages, notFound, unauthorized } from '../../errors.js'
import { uuidv7 } from '../../ids.js'
import { counter } from '../../metrics.js'
import type { UserRepository } from '../users/repository.js'
import type { UserCreateInput, UserView } from '../users/schemas.js'
import { toUserView, type UserService } from '../users/service.js'
import { checkAgainstDecoy, checkPassword, hashPassword } from './passwords.js'
import type { RefreshTokenRepository } from './repository.js'
import type { Sessions } from './sessions.js'
import { type AccessTokens, hashRefreshToken, newRefreshToken } from './tokens.js'

export interface Session {
  access_token: string
  refresh_token: string
  token_type: 'Bearer'
  expires_in: number
  user: UserView
}

export interface AuthOptions {
  refreshTokenTtlSeconds: number
  allowSignup: boolean
}

const SIGNUP_MIN_PASSWORD = 8
const signups = counter('hbnb_signups_total', 'Accounts opened through sign-up.')
const failedLogins = counter('hbnb_login_failures_total', 'Logins refused for a wrong email or password.')

export interface AuthServiceDeps {
  users: UserRepository
  userService: UserService
  refreshTokens: RefreshTokenRepository
  accessTokens: AccessTokens
  sessions: Sessions
  options: AuthOptions
  /** The clock (milliseconds since the epoch). */
  now: () => number
}

export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  async login(email: string, password: string): Promise<Session> {
    const user = await this.deps.users.findByEmail(email.trim())
    if (!user) {
      await checkAgainstDecoy(password)
      failedLogins.inc()
      throw unauthorized(Messages.invalidCredentials, 'invalid_credentials')
    }
    const check = await checkPassword(user.password_hash, password)
    if (!check.ok) {
      failedLogins.inc()
      throw unauthorized(Messages.invalidCredentials, 'invalid_credentials')
    }
    if (check.needsRehash) {
      await this.deps.users.update(user.id, { password_hash: await hashPassword(password) })
    }
    return this.openSession(toUserView(user), uuidv7())
  }

  async register(input: UserCreateInput): Promise<Session> {
    if (!this.deps.options.allowSignup)
      throw forbidden('Sign-up is closed on this server: ask an administrator', 'signup_closed')
    const user = await this.deps.userService.create(input, {
      asAdmin: false,
      minPasswordLength: SIGNUP_MIN_PASSWORD,
      passwordPolicy: true,
    })
    signups.inc()
    return this.openSession(user, uuidv7())
  }

  /**
   * Rotates a refresh token. Presenting a spent token ends its whole login (it was stolen or
   * replayed), access tokens included. An ended login cannot be refreshed, even with a token
   * issued while it was being ended.
   */
  async refresh(token: string): Promise<Session> {
    const row = await this.deps.refreshTokens.findByHash(hashRefreshToken(token))
    if (!row) throw unauthorized('Invalid refresh token: log in again', 'invalid_refresh_token')
    const now = new Date(this.deps.now()).toISOString()
    if (row.expires_at <= now)
      throw unauthorized('Refresh token has expired: log in again', 'refresh_token_expired')
    if (!(await this.deps.refreshTokens.markUsed(row.id, now))) {
      await this.deps.sessions.end(row.family_id, row.user_id)
      throw unauthorized(
        'Refresh token was already used: every session of this login is closed; log in again',
        'refresh_token_reused',
      )
    }
    const user = await this.deps.users.findById(row.user_id)
    if (!user || !(await this.deps.sessions.isOpen(row.family_id)))
      throw unauthorized('Invalid refresh token: log in again', 'invalid_refresh_token')
    return this.openSession(toUserView(user), row.family_id)
  }

  /** Ends the login the refresh token belongs to. Unknown tokens are ignored: logging out twice is fine. */
  async logout(token: string): Promise<void> {
    const row = await this.deps.refreshTokens.findByHash(hashRefreshToken(token))
    if (row) await this.deps.sessions.end(row.family_id, row.user_id)
  }

  async logoutEverywhere(actor: Actor): Promise<void> {
    await this.deps.sessions.endAllOfUser(actor.id)
  }

  async me(actor: Actor): Promise<UserView> {
    const user = await this.deps.users.findById(actor.id)
    if (!user) throw notFound(Messages.userNotFound)
    return toUserView(user)
  }

  private async openSession(user: UserView, familyId: string): Promise<Session> {
    const now = this.deps.now()
    const refreshToken = newRefreshToken()
    await this.deps.refreshTokens.insert({
      id: uuidv7(),
      user_id: user.id,
      family_id: familyId,
      token_hash: hashRefreshToken(refreshToken),
      expires_at: new Date(now + this.deps.options.refreshTokenTtlSeconds * 1000).toISOString(),
      used_at: null,
      revoked_at: null,
      created_at: new Date(now).toISOString(),
    })
    return {
      access_token: await this.deps.accessTokens.sign({ id: user.id, isAdmin: user.is_admin }, familyId, now),
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: this.deps.accessTokens.ttlSeconds,
      user,
    }
  }
}
