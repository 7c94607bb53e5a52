// A user's notification preferences: read with the defaults filled in, changed kind by kind.
import type { NotificationChannel } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import { badRequest, Messages, notFound } from '../../errors.js'
import type { UserRepository } from '../users/repository.js'
import type { Choice, NotificationPreferenceRepository } from './preference-repository.js'
import { CHANNELS, KINDS, LOCKED, type Preferences, preferencesOf } from './preferences.js'

export interface PreferencesView extends Preferences {
  /** The verified number text messages go to; null means no text messages at all. */
  phone: string | null
}

export type PreferencesInput = Partial<Record<NotificationChannel, Record<string, unknown>>>

export interface NotificationPreferenceServiceDeps {
  preferences: NotificationPreferenceRepository
  users: UserRepository
  now: () => number
}

export class NotificationPreferenceService {
  constructor(private readonly deps: NotificationPreferenceServiceDeps) {}

  async get(actor: Actor): Promise<PreferencesView> {
    const user = await this.deps.users.findById(actor.id)
    if (!user) throw notFound(Messages.userNotFound)
    const choices = await this.deps.preferences.choicesOf(actor.id)
    return { ...preferencesOf(choices), phone: user.phone_verified_at ? user.phone : null }
  }

  /** Applies every change or none: an unknown kind or a locked one is a 400 that changes nothing. */
  async update(actor: Actor, input: PreferencesInput): Promise<PreferencesView> {
    const choices: Choice[] = []
    for (const channel of CHANNELS) {
      for (const [kind, value] of Object.entries(input[channel] ?? {})) {
        if (!KINDS[channel].includes(kind)) {
          throw badRequest(
            `${channel}.${kind} is not a kind of ${channel} message; known kinds: ${KINDS[channel].join(', ')}`,
            'unknown_kind',
          )
        }
        if (typeof value !== 'boolean') throw badRequest(`${channel}.${kind} must be true or false`)
        if (LOCKED[channel].includes(kind)) {
          if (!value)
            throw badRequest(
              `${channel}.${kind} cannot be turned off: security emails (address verification, password reset) are always sent`,
              'preference_locked',
            )
          continue
        }
        choices.push({ channel, kind, enabled: value })
      }
    }
    if (choices.length > 0) {
      await this.deps.preferences.save(actor.id, choices, new Date(this.deps.now()).toISOString())
    }
    return this.get(actor)
  }
}
