// Phone verification: a 6-digit code goes by SMS to the number given; entering it makes the number
// the user's verified phone, the only one text messages are sent to. Codes are stored as HMACs,
// expire, allow a few wrong attempts, and are rate-limited per user.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'
import type { Actor } from '../../domain/actor.js'
import { AppError, badRequest, Messages, notFound } from '../../errors.js'
import { uuidv7 } from '../../ids.js'
import type { SmsSender } from '../../infra/sms/port.js'
import type { Logger } from '../../logger.js'
import { localeOf } from '../notifications/templates/format.js'
import { phoneCodeSms } from '../notifications/templates/sms.js'
import type { PhoneCodeRepository } from './phone-code-repository.js'
import type { UserRepository } from './repository.js'

export interface PhoneOptions {
  /** Key of the codes' HMAC (the server secret). */
  secret: string
  codeTtlSeconds?: number
  maxAttempts?: number
  /** Seconds before another code can be sent. */
  resendAfterSeconds?: number
  /** Codes a user can be sent per hour. */
  maxCodesPerHour?: number
}

export interface PhoneView {
  /** The verified number, or null. */
  phone: string | null
  verified_at: string | null
  /** A number waiting for its code, if any. */
  pending: { phone: string; expires_at: string; attempts_left: number } | null
}

/** E.164: a plus, a country code not starting with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/

const tooMany = (message: string, code: string, retryAfterSeconds?: number) =>
  new AppError(429, code, message, retryAfterSeconds ? { retry_after_seconds: retryAfterSeconds } : undefined)

export interface PhoneServiceDeps {
  users: UserRepository
  codes: PhoneCodeRepository
  sms: SmsSender
  options: PhoneOptions
  logger: Logger
  /** The clock (milliseconds since the epoch). */
  now: () => number
}

export class PhoneService {
  private readonly ttlMs: number
  private readonly maxAttempts: number
  private readonly resendMs: number
  private readonly perHour: number

  constructor(private readonly deps: PhoneServiceDeps) {
    this.ttlMs = (deps.options.codeTtlSeconds ?? 600) * 1000
    this.maxAttempts = deps.options.maxAttempts ?? 5
    this.resendMs = (deps.options.resendAfterSeconds ?? 60) * 1000
    this.perHour = deps.options.maxCodesPerHour ?? 5
  }

  async get(actor: Actor): Promise<PhoneView> {
    const user = await this.deps.users.findById(actor.id)
    if (!user) throw notFound(Messages.userNotFound)
    const pending = await this.deps.codes.latestUnused(actor.id)
    const open = pending && pending.expires_at > this.iso() && pending.attempts < this.maxAttempts
    return {
      phone: user.phone_verified_at ? user.phone : null,
      verified_at: user.phone_verified_at,
      pending: open
        ? {
            phone: pending.phone,
            expires_at: pending.expires_at,
            attempts_left: this.maxAttempts - pending.attempts,
          }
        : null,
    }
  }

  /** Texts a new code to `phone`; earlier codes stop working. */
  async requestCode(actor: Actor, input: string): Promise<PhoneView> {
    const phone = input.trim()
    if (!E164.test(phone)) {
      throw badRequest(
        'phone must be in international E.164 form: a plus, the country code and the number, digits only (e.g. +33612345678)',
        'invalid_phone',
      )
    }
    const user = await this.deps.users.findById(actor.id)
    if (!user) throw notFound(Messages.userNotFound)
    if (user.phone === phone && user.phone_verified_at)
      throw badRequest('This number is already verified', 'phone_already_verified')
    const now = this.deps.now()
    const recent = await this.deps.codes.sentSince(user.id, new Date(now - 3_600_000).toISOString())
    const last = recent[0] ? Date.parse(recent[0]) : undefined
    if (last !== undefined && now - last < this.resendMs) {
      const wait = Math.ceil((this.resendMs - (now - last)) / 1000)
      throw tooMany(
        `A code was just sent: wait ${wait} s before asking for another`,
        'code_sent_recently',
        wait,
      )
    }
    if (recent.length >= this.perHour)
      throw tooMany('Too many codes were sent in the last hour: try again later', 'too_many_codes')

    const at = new Date(now).toISOString()
    await this.deps.codes.spendAllOfUser(user.id, at)
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    const id = uuidv7()
    await this.deps.codes.insert({
      id,
      user_id: user.id,
      phone,
      code_hash: this.hash(user.id, phone, code),
      attempts: 0,
      expires_at: new Date(now + this.ttlMs).toISOString(),
      used_at: null,
      created_at: at,
    })
    try {
      const body = phoneCodeSms(localeOf(user.locale), code, Math.round(this.ttlMs / 60_000))
      await this.deps.sms.send({ to: phone, body, dedupeKey: `phone-code:${id}` })
    } catch (error) {
      // Not sent: the code never existed (and does not count against the limits).
      await this.deps.codes.delete(id)
      this.deps.logger.error({ err: error, user_id: user.id }, 'phone verification code could not be sent')
      throw new AppError(
        503,
        'sms_unavailable',
        'The text message could not be sent: check the number or try again later',
      )
    }
    this.deps.logger.info({ user_id: user.id }, 'phone verification code sent')
    return this.get(actor)
  }

  /** Verifies the pending number with its code. */
  async verify(actor: Actor, input: string): Promise<PhoneView> {
    const code = input.trim()
    const pending = await this.deps.codes.latestUnused(actor.id)
    if (!pending) throw badRequest('No code is waiting: ask for one first', 'no_code')
    const now = this.iso()
    if (pending.expires_at <= now)
      throw badRequest('This code has expired: ask for a new one', 'code_expired')
    if (pending.attempts >= this.maxAttempts)
      throw tooMany('Too many wrong codes: ask for a new one', 'too_many_attempts')
    if (!this.matches(pending.code_hash, this.hash(actor.id, pending.phone, code))) {
      if (!(await this.deps.codes.countAttempt(pending.id, this.maxAttempts)))
        throw tooMany('Too many wrong codes: ask for a new one', 'too_many_attempts')
      const left = this.maxAttempts - pending.attempts - 1
      throw badRequest(
        left > 0
          ? `Wrong code: ${left} attempt${left > 1 ? 's' : ''} left`
          : 'Wrong code, and no attempts left: ask for a new one',
        'wrong_code',
        { attempts_left: left },
      )
    }
    if (!(await this.deps.codes.markUsed(pending.id, now)))
      throw badRequest('This code was already used: ask for a new one if you need to', 'code_used')
    await this.deps.users.update(actor.id, { phone: pending.phone, phone_verified_at: now, updated_at: now })
    return this.get(actor)
  }

  /** Forgets the user's number (and any pending code): no more text messages. */
  async remove(actor: Actor): Promise<void> {
    const user = await this.deps.users.findById(actor.id)
    if (!user) throw notFound(Messages.userNotFound)
    const now = this.iso()
    await this.deps.codes.spendAllOfUser(actor.id, now)
    await this.deps.users.update(actor.id, { phone: null, phone_verified_at: null, updated_at: now })
  }

  private hash(userId: string, phone: string, code: string): string {
    return createHmac('sha256', this.deps.options.secret).update(`${userId}:${phone}:${code}`).digest('hex')
  }

  private matches(stored: string, computed: string): boolean {
    const a = Buffer.from(stored, 'hex')
    const b = Buffer.from(computed, 'hex')
    return a.length === b.length && timingSafeEqual(a, b)
  }

  private iso(): string {
    return new Date(this.deps.now()).toISOString()
  }
}
