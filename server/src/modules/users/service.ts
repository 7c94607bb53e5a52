import { isUniqueViolation } from '../../db/database.js'
import type { UserRow, UserUpdate } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import { mapPage, type Page, type PageRequest } from '../../domain/pages.js'
import { badRequest, forbidden, Messages, notFound } from '../../errors.js'
import { nowIso, uuidv7 } from '../../ids.js'
import {
  type CachedResponse,
  type ResponseCache,
  type Serialize,
  toResponse,
} from '../../infra/cache/index.js'
import { hashPassword } from '../auth/passwords.js'
import type { Sessions } from '../auth/sessions.js'
import { Changes, Tags } from '../cache-scopes.js'
import type { NotificationCentreService } from '../notifications/centre-service.js'
import { inAppText } from '../notifications/templates/message-emails.js'
import * as rules from '../validation.js'
import { type EmailPrivacy, seesEmailOf } from './privacy.js'
import type { UserRepository } from './repository.js'
import type { UserCreateInput, UserProfileView, UserUpdateInput, UserView } from './schemas.js'

const NAME_MAX = 50

export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    first_name: row.first_name,
    last_name: row.last_name,
    email: row.email,
    is_admin: row.is_admin === 1,
    locale: row.locale === 'fr' ? 'fr' : 'en',
    email_verified_at: row.email_verified_at ?? null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

/** The user as `viewer` may see them: without their email address unless the privacy rules allow. */
export function profileFor(view: UserView, viewer: Actor | null, privacy: EmailPrivacy): UserProfileView {
  if (seesEmailOf(privacy, viewer, view.id)) return view
  const { email: _email, email_verified_at: _verified, ...profile } = view
  return profile
}

export interface UserServiceDeps {
  users: UserRepository
  cache: ResponseCache
  /** A new password or a change of privileges ends every login of the user. */
  sessions: Pick<Sessions, 'endAllOfUser'>
  privacy: EmailPrivacy
  /** Whether the passwords an admin sets follow the password policy (`HBNB_PASSWORD_POLICY=all`). */
  options: { adminPasswordPolicy?: boolean }
  /** Tells the user in-app when an administrator changed their password. */
  centre: NotificationCentreService
}

export class UserService {
  constructor(private readonly deps: UserServiceDeps) {}

  /**
   * Creates an account. `minPasswordLength` is 1 for the HBnB admin endpoint (old clients send
   * short passwords) and stricter for self sign-up. `passwordPolicy`: also refuse common passwords
   * and ones containing the email (see password-policy.ts); default: for admins, as configured.
   */
  async create(
    input: UserCreateInput,
    options: { asAdmin: boolean; minPasswordLength: number; passwordPolicy?: boolean },
  ): Promise<UserView> {
    const now = nowIso()
    const email = rules.email(input.email)
    const row: UserRow = {
      id: uuidv7(),
      first_name: rules.requiredText('first_name', input.first_name, NAME_MAX),
      last_name: rules.requiredText('last_name', input.last_name, NAME_MAX),
      email,
      email_key: email.toLowerCase(),
      password_hash: '',
      is_admin: options.asAdmin && input.is_admin === true ? 1 : 0,
      created_at: now,
      updated_at: now,
      email_verified_at: null,
      locale: input.locale ?? 'en',
      phone: null,
      phone_verified_at: null,
    }
    const password =
      (options.passwordPolicy ?? this.deps.options.adminPasswordPolicy)
        ? rules.acceptablePassword(input.password, email, options.minPasswordLength)
        : rules.password(input.password, options.minPasswordLength)
    if (await this.deps.users.findByEmail(email)) throw badRequest(Messages.emailRegistered, 'email_taken')
    row.password_hash = await hashPassword(password)
    try {
      await this.deps.users.insert(row)
    } catch (error) {
      if (isUniqueViolation(error)) throw badRequest(Messages.emailRegistered, 'email_taken')
      throw error
    }
    return toUserView(row)
  }

  async get(id: string): Promise<UserView> {
    const row = await this.deps.users.findById(id)
    if (!row) throw notFound(Messages.userNotFound)
    return toUserView(row)
  }

  /**
   * The profile `viewer` may see, serialized. The public profile (what anyone sees) comes from the
   * cache; with private emails, admins and the user themselves get theirs built for them alone.
   */
  async getResponse(id: string, serialize?: Serialize, viewer: Actor | null = null): Promise<CachedResponse> {
    if (!this.deps.privacy.publicEmails && seesEmailOf(this.deps.privacy, viewer, id)) {
      return toResponse({ value: await this.get(id) }, serialize)
    }
    const build = async () => ({ value: profileFor(await this.get(id), null, this.deps.privacy) })
    return this.deps.cache.get('users', `user:${id}`, Tags.userProfile(id), build, { serialize })
  }

  /** Every cached response showing the user is rebuilt; call it after any change to their row. */
  async changed(id: string): Promise<void> {
    await this.deps.cache.invalidate(Changes.user(id))
  }

  /** Users as `viewer` may see them (see `profileFor`). */
  async list(page: PageRequest, viewer: Actor | null): Promise<Page<UserProfileView>> {
    const [rows, total] = await Promise.all([this.deps.users.listPage(page), this.deps.users.count()])
    return mapPage(rows, (row) => profileFor(toUserView(row), viewer, this.deps.privacy), total)
  }

  async update(id: string, input: UserUpdateInput, actor: Actor): Promise<UserView> {
    if (!actor.isAdmin && actor.id !== id) throw forbidden(Messages.unauthorizedAction, 'not_owner')
    if (!actor.isAdmin && (input.email !== undefined || input.password !== undefined)) {
      throw badRequest(Messages.cannotModifyEmailOrPassword, 'email_password_locked')
    }
    const current = await this.deps.users.findById(id)
    if (!current) throw notFound(Messages.userNotFound)

    const changes: UserUpdate = {}
    if (input.first_name !== undefined)
      changes.first_name = rules.requiredText('first_name', input.first_name, NAME_MAX)
    if (input.last_name !== undefined)
      changes.last_name = rules.requiredText('last_name', input.last_name, NAME_MAX)
    if (actor.isAdmin && input.is_admin !== undefined) changes.is_admin = input.is_admin ? 1 : 0
    if (input.locale !== undefined && input.locale !== current.locale) changes.locale = input.locale
    if (input.email !== undefined) {
      const email = rules.email(input.email)
      const owner = await this.deps.users.findByEmail(email)
      if (owner && owner.id !== id) throw badRequest(Messages.emailInUse, 'email_taken')
      changes.email = email
      changes.email_key = email.toLowerCase()
      // A new address is not verified yet.
      if (changes.email_key !== current.email_key) changes.email_verified_at = null
    }
    if (input.password !== undefined) {
      const password = this.deps.options.adminPasswordPolicy
        ? rules.acceptablePassword(input.password, changes.email ?? current.email)
        : rules.password(input.password, 1)
      changes.password_hash = await hashPassword(password)
    }
    if (Object.keys(changes).length === 0) return toUserView(current)

    changes.updated_at = nowIso()
    try {
      await this.deps.users.update(id, changes)
    } catch (error) {
      if (isUniqueViolation(error)) throw badRequest(Messages.emailInUse, 'email_taken')
      throw error
    }
    await this.changed(id)
    // Access tokens carry `is_admin`: ending the logins makes a demotion (or promotion) count at once.
    const privilegesChanged = changes.is_admin !== undefined && changes.is_admin !== current.is_admin
    if (changes.password_hash !== undefined || privilegesChanged) await this.deps.sessions.endAllOfUser(id)
    if (changes.password_hash !== undefined) {
      await this.deps.centre.notify({
        userId: id,
        kind: 'account',
        text: inAppText.passwordChanged,
        data: { event: 'password_changed' },
        dedupeKey: `account:${id}:password:${uuidv7()}`,
      })
    }
    return toUserView({ ...current, ...changes } as UserRow)
  }
}
