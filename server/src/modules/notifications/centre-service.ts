// The in-app notification centre: what happened that concerns a user (booking news, messages,
// reviews, account changes), stored once per event (its dedupe key), listed newest first, read one
// by one or all at once, and pushed live as `notification.created` on `user:<id>`. Whether a kind is
// stored at all is the user's `in_app` preference (every kind on by default).

import type { UserNotificationRow } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import type { LiveEvents } from '../../domain/live.js'
import type { Page } from '../../domain/pages.js'
import { badRequest, notFound } from '../../errors.js'
import { uuidv7 } from '../../ids.js'
import type { Logger } from '../../logger.js'
import type { NotificationCentreRepository } from './centre-repository.js'
import type { NotificationPreferenceRepository } from './preference-repository.js'
import { type InAppKind, wants } from './preferences.js'
import { type Locale, localeOf } from './templates/format.js'

export interface InAppNotification {
  id: string
  kind: string
  text: string
  data: Record<string, unknown>
  read: boolean
  read_at: string | null
  created_at: string
}

export interface NewInAppNotification {
  userId: string
  kind: InAppKind
  /** The line shown, in the user's language. */
  text: string | ((locale: Locale) => string)
  /** The ids it is about (booking_id, conversation_id, place_id, ...). */
  data: Record<string, string>
  /** Same event, same key: a notification is stored once however often it is reported. */
  dedupeKey: string
}

export interface NotificationCentreServiceDeps {
  repository: NotificationCentreRepository
  preferences: NotificationPreferenceRepository
  live: LiveEvents
  logger: Logger
  now: () => number
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function viewOf(row: UserNotificationRow): InAppNotification {
  let data: Record<string, unknown> = {}
  try {
    data = JSON.parse(row.data) as Record<string, unknown>
  } catch {}
  return {
    id: row.id,
    kind: row.kind,
    text: row.text,
    data,
    read: row.read_at !== null,
    read_at: row.read_at,
    created_at: row.created_at,
  }
}

export class NotificationCentreService {
  constructor(private readonly deps: NotificationCentreServiceDeps) {}

  /**
   * Stores and publishes a notification unless the user turned its kind off in-app or it was
   * stored before. Never throws: a notification is not worth failing what caused it.
   */
  async notify(input: NewInAppNotification): Promise<InAppNotification | undefined> {
    try {
      const choices = await this.deps.preferences.choicesOf(input.userId)
      if (!wants(choices, 'in_app', input.kind)) return undefined
      const text =
        typeof input.text === 'string'
          ? input.text
          : input.text(localeOf(await this.deps.repository.localeOf(input.userId)))
      const now = this.deps.now()
      const row: UserNotificationRow = {
        id: uuidv7(now),
        user_id: input.userId,
        kind: input.kind,
        text: text.length > 500 ? `${text.slice(0, 499)}…` : text,
        data: JSON.stringify(input.data),
        dedupe_key: input.dedupeKey.slice(0, 255),
        read_at: null,
        created_at: new Date(now).toISOString(),
      }
      if (!(await this.deps.repository.insertOnce(row))) return undefined
      const view = viewOf(row)
      this.deps.live.publish({
        topic: `user:${input.userId}`,
        type: 'notification.created',
        data: { notification: view },
      })
      return view
    } catch (error) {
      this.deps.logger.error(
        { err: error, dedupe_key: input.dedupeKey },
        'could not store an in-app notification',
      )
      return undefined
    }
  }

  async list(
    actor: Actor,
    request: { limit: number; after: string | undefined; unreadOnly: boolean },
  ): Promise<Page<InAppNotification>> {
    if (request.after !== undefined && !UUID.test(request.after))
      throw badRequest('cursor is not one this list gave', 'validation_failed')
    const page = await this.deps.repository.page(actor.id, {
      limit: request.limit,
      before: request.after,
      unreadOnly: request.unreadOnly,
    })
    return { items: page.items.map(viewOf), nextCursor: page.nextCursor }
  }

  async unreadCount(actor: Actor): Promise<{ unread: number }> {
    return { unread: await this.deps.repository.unreadCount(actor.id) }
  }

  async markRead(actor: Actor, id: string): Promise<InAppNotification> {
    const row = await this.deps.repository.findOfUser(actor.id, id)
    if (!row) throw notFound('Notification not found')
    if (row.read_at === null) {
      await this.deps.repository.markRead(actor.id, id, new Date(this.deps.now()).toISOString())
    }
    return viewOf((await this.deps.repository.findOfUser(actor.id, id))!)
  }

  async markAllRead(actor: Actor): Promise<{ marked: number; unread: number }> {
    const marked = await this.deps.repository.markAllRead(actor.id, new Date(this.deps.now()).toISOString())
    return { marked, unread: await this.deps.repository.unreadCount(actor.id) }
  }
}
