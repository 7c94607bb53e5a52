// Account emails: email verification and password reset, through single-use, expiring tokens.

import type { EmailTokenPurpose, EmailTokensTable, UserRow } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import { badRequest, Messages, notFound } from '../../errors.js'
import { uuidv7 } from '../../ids.js'
import type { MailSender } from '../../infra/mail/port.js'
import type { Logger } from '../../logger.js'
import type { NotificationCentreService } from '../notifications/centre-service.js'
import { localeOf } from '../notifications/templates/format.js'
import { inAppText } from '../notifications/templates/message-emails.js'
import type { UserRepository } from '../users/repository.js'
import * as rules from '../validation.js'
import { type AccountEmail, passwordResetEmail, verificationEmail, welcomeEmail } from './account-emails.js'
import type { EmailTokenRepository } from './email-token-repository.js'
import { hashPassword } from './passwords.js'
import type { Sessions } from './sessions.js'
import { hashRefreshToken, newRefreshToken } from './tokens.js'

export interface AccountOptions {
  emailVerifyTtlSeconds: number
  passwordResetTtlSeconds: number
  /** Base of the links in emails (the web client's pages `/verify-email` and `/reset-password`). */
  linkBaseUrl: string
  /** Told after a change to a user's row, so that cached views of the user are rebuilt. */
  userChanged?: (id: string) => Promise<void>
}

const RESET_MIN_PASSWORD = 8

export const AccountMessages = {
  invalidToken: 'This link is invalid: ask for a new one',
  expiredToken: 'This link has expired: ask for a new one',
  usedToken: 'This link was already used: ask for a new one if you need to',
  emailChanged: 'This link was sent to an address that is no longer yours: ask for a new one',
  alreadyVerified: 'Your email address is already verified',
  forgotAccepted: 'If an account uses this address, an email with a reset link is on its way',
}

export interface AccountServiceDeps {
  users: UserRepository
  tokens: EmailTokenRepository
  sessions: Pick<Sessions, 'endAllOfUser'>
  mail: MailSender
  /** Tells the user in-app about changes to their account. */
  centre: NotificationCentreService
  options: AccountOptions
  logger: Logger
  /** The clock (milliseconds since the epoch). */
  now: () => number
}

export class AccountService {
  private readonly pending = new Set<Promise<void>>()

  constructor(private readonly deps: AccountServiceDeps) {}

  /** Emails the caller a link proving they own their address. */
  async requestVerification(actor: Actor): Promise<void> {
    const user = await this.deps.users.findById(actor.id)
    if (!user) throw notFound(Messages.userNotFound)
    if (user.email_verified_at) throw badRequest(AccountMessages.alreadyVerified, 'email_already_verified')
    await this.sendVerification(user, verificationEmail, 'verify-email')
  }

  /**
   * Welcomes a user who just signed up, with the link that verifies their address. Sent in the
   * background: sign-up never waits for (or fails with) the mail server.
   */
  welcome(userId: string): void {
    this.background(
      (async () => {
        const user = await this.deps.users.findById(userId)
        if (user && !user.email_verified_at) await this.sendVerification(user, welcomeEmail, 'welcome')
      })(),
      userId,
      'welcome email could not be sent',
    )
  }

  private async sendVerification(user: UserRow, template: typeof verificationEmail, kind: string) {
    const token = await this.issue(
      user.id,
      user.email,
      'verify_email',
      this.deps.options.emailVerifyTtlSeconds,
    )
    const email = template(localeOf(user.locale), {
      firstName: user.first_name,
      token,
      link: `${this.deps.options.linkBaseUrl}/verify-email?token=${token}`,
      validMinutes: Math.round(this.deps.options.emailVerifyTtlSeconds / 60),
    })
    await this.send(user.email, email, `${kind}:${user.id}:${hashRefreshToken(token).slice(0, 16)}`)
  }

  async verify(token: string): Promise<void> {
    const row = await this.redeem('verify_email', token)
    const user = await this.deps.users.findById(row.user_id)
    if (!user) throw badRequest(AccountMessages.invalidToken, 'invalid_token')
    if (user.email_key !== row.email.toLowerCase())
      throw badRequest(AccountMessages.emailChanged, 'email_changed')
    if (!user.email_verified_at) {
      await this.deps.users.update(user.id, { email_verified_at: this.iso() })
      await this.deps.options.userChanged?.(user.id)
      await this.deps.centre.notify({
        userId: user.id,
        kind: 'account',
        text: inAppText.emailVerified,
        data: { event: 'email_verified' },
        dedupeKey: `account:${user.id}:verified:${row.id}`,
      })
    }
  }

  /**
   * Emails a reset link when an account uses this address. Answers the same, as fast, either way:
   * the email is sent in the background, so neither the answer nor its timing reveals the account.
   */
  async forgotPassword(address: string): Promise<void> {
    const user = await this.deps.users.findByEmail(address.trim())
    if (!user) return
    this.background(
      (async () => {
        const token = await this.issue(
          user.id,
          user.email,
          'reset_password',
          this.deps.options.passwordResetTtlSeconds,
        )
        const email = passwordResetEmail(localeOf(user.locale), {
          firstName: user.first_name,
          token,
          link: `${this.deps.options.linkBaseUrl}/reset-password?token=${token}`,
          validMinutes: Math.round(this.deps.options.passwordResetTtlSeconds / 60),
        })
        await this.send(
          user.email,
          email,
          `reset-password:${user.id}:${hashRefreshToken(token).slice(0, 16)}`,
        )
      })(),
      user.id,
      'password reset email could not be sent',
    )
  }

  /** Keeps track of an email sent in the background (awaited by `settle`); logs its failure. */
  private background(work: Promise<void>, userId: string, failure: string): void {
    const tracked = work.catch((error: unknown) => {
      this.deps.logger.error({ err: error, user_id: userId }, failure)
    })
    this.pending.add(tracked)
    void tracked.finally(() => this.pending.delete(tracked))
  }

  /** Sets a new password, spends the token (and every other reset link) and ends every login of the user. */
  async resetPassword(token: string, password: string): Promise<void> {
    // Checked before the link is spent: a refused password leaves the link usable.
    const pending = token
      ? await this.deps.tokens.findByHash('reset_password', hashRefreshToken(token))
      : undefined
    const valid = rules.acceptablePassword(password, pending?.email, RESET_MIN_PASSWORD)
    const row = await this.redeem('reset_password', token)
    const user = await this.deps.users.findById(row.user_id)
    if (!user) throw badRequest(AccountMessages.invalidToken, 'invalid_token')
    const now = this.iso()
    await this.deps.users.update(user.id, { password_hash: await hashPassword(valid), updated_at: now })
    await this.deps.options.userChanged?.(user.id)
    await this.deps.tokens.spendAllOfUser(user.id, 'reset_password', now)
    await this.deps.sessions.endAllOfUser(user.id)
    await this.deps.centre.notify({
      userId: user.id,
      kind: 'account',
      text: inAppText.passwordChanged,
      data: { event: 'password_changed' },
      dedupeKey: `account:${user.id}:password:${row.id}`,
    })
  }

  /** Waits for background emails (on shutdown). */
  async settle(): Promise<void> {
    await Promise.all([...this.pending])
  }

  private async issue(userId: string, email: string, purpose: EmailTokenPurpose, ttlSeconds: number) {
    const now = this.deps.now()
    // A new link supersedes the earlier ones of the same kind.
    await this.deps.tokens.spendAllOfUser(userId, purpose, new Date(now).toISOString())
    const token = newRefreshToken()
    const row: EmailTokensTable = {
      id: uuidv7(),
      user_id: userId,
      purpose,
      token_hash: hashRefreshToken(token),
      email,
      expires_at: new Date(now + ttlSeconds * 1000).toISOString(),
      used_at: null,
      created_at: new Date(now).toISOString(),
    }
    await this.deps.tokens.insert(row)
    return token
  }

  /** Finds a token and spends it: unknown, expired and used tokens are refused, each with its own 400. */
  private async redeem(purpose: EmailTokenPurpose, token: string): Promise<EmailTokensTable> {
    const row = token ? await this.deps.tokens.findByHash(purpose, hashRefreshToken(token)) : undefined
    if (!row) throw badRequest(AccountMessages.invalidToken, 'invalid_token')
    if (row.used_at) throw badRequest(AccountMessages.usedToken, 'token_used')
    const now = this.iso()
    if (row.expires_at <= now) throw badRequest(AccountMessages.expiredToken, 'token_expired')
    if (!(await this.deps.tokens.markUsed(row.id, now)))
      throw badRequest(AccountMessages.usedToken, 'token_used')
    return row
  }

  private async send(to: string, email: AccountEmail, dedupeKey: string) {
    await this.deps.mail.send({ to, subject: email.subject, text: email.text, html: email.html, dedupeKey })
  }

  private iso() {
    return new Date(this.deps.now()).toISOString()
  }
}
