// Host-guest messaging: one conversation per listing enquiry (a guest and a place) and one per
// booking, between the guest and the host. Only the two participants read or write one; anyone
// else gets a 404, as if it did not exist, except administrators, who may read one for moderation
// (each such access is recorded, and logged). Text is stored as typed (trimmed) and returned as
// plain text: clients must escape it. Messages left unread are emailed in bursts by the
// `notifications` task (see notifications/service.ts).

import { outboxRow } from '../../db/outbox.js'
import type { ConversationRow, MessageRow } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import type { LiveEvents } from '../../domain/live.js'
import type { Page } from '../../domain/pages.js'
import { messageNotification } from '../../domain/tasks.js'
import { badRequest, forbidden, Messages, notFound } from '../../errors.js'
import { uuidv7 } from '../../ids.js'
import type { Logger } from '../../logger.js'
import type { BookingRepository } from '../bookings/repository.js'
import type { NotificationCentreService } from '../notifications/centre-service.js'
import { inAppText } from '../notifications/templates/message-emails.js'
import { findVisiblePlace } from '../places/access.js'
import type { PlaceRepository } from '../places/repository.js'
import { textProblem } from '../validation.js'
import type { ConversationSummary, MessagingRepository } from './repository.js'
import type { ConversationView, MessageView } from './schemas.js'

/** Characters (code points) a message may hold once trimmed. */
export const MESSAGE_MAX_CHARS = 4000

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const CONVERSATION_NOT_FOUND = 'Conversation not found'

export interface MessagingServiceDeps {
  conversations: MessagingRepository
  places: PlaceRepository
  bookings: BookingRepository
  centre: NotificationCentreService
  live: LiveEvents
  logger: Logger
  now: () => number
  options: {
    /** How long a message may stay unread before it is emailed (HBNB_MESSAGE_NOTIFY_AFTER_MINUTES). */
    notifyAfterMs: number
  }
}

export interface StartConversationInput {
  place_id?: string | undefined
  booking_id?: string | undefined
  text?: string | undefined
}

/** The text of a message as stored: trimmed, 1 to 4,000 characters, no control characters. */
export function messageText(value: unknown): string {
  if (typeof value !== 'string') throw badRequest('text is required', 'validation_failed')
  const text = value.trim()
  if (text.length === 0) throw badRequest('text must not be empty', 'validation_failed')
  const length = [...text].length
  if (length > MESSAGE_MAX_CHARS)
    throw badRequest(
      `text must be at most ${MESSAGE_MAX_CHARS} characters (it has ${length})`,
      'validation_failed',
    )
  const problem = textProblem(text, true)
  if (problem) throw badRequest(`text ${problem}`, 'validation_failed')
  return text
}

export function messageView(row: MessageRow): MessageView {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    sender_id: row.sender_id,
    text: row.body,
    created_at: row.created_at,
  }
}

function conversationView(row: ConversationSummary, viewer: Actor): ConversationView {
  const participant = viewer.id === row.guest_id || viewer.id === row.host_id
  return {
    id: row.id,
    kind: row.booking_id ? 'booking' : 'enquiry',
    place: { id: row.place_id, title: row.place_title, city: row.place_city },
    booking_id: row.booking_id,
    guest: { id: row.guest_id, first_name: row.guest_first_name },
    host: { id: row.host_id, first_name: row.host_first_name },
    role: viewer.id === row.guest_id ? 'guest' : viewer.id === row.host_id ? 'host' : 'moderator',
    last_message:
      row.last_message_id && row.last_message_body !== null
        ? {
            id: row.last_message_id,
            conversation_id: row.id,
            sender_id: row.last_message_sender_id!,
            text: row.last_message_body,
            created_at: row.last_message_created_at!,
          }
        : null,
    unread_count: participant ? Number(row.unread_count) : 0,
    last_read_message_id: participant ? row.last_read_message_id : null,
    created_at: row.created_at,
    updated_at: row.last_message_at,
  }
}

export class MessagingService {
  constructor(private readonly deps: MessagingServiceDeps) {}

  /**
   * Whether the user may follow a conversation live (the real-time gateway asks before joining
   * `conversation:<id>`): its two participants only.
   */
  async maySubscribe(userId: string, conversationId: string): Promise<boolean> {
    if (!UUID.test(conversationId)) return false
    return (await this.deps.conversations.participant(conversationId, userId)) !== undefined
  }

  /**
   * The conversation about a place (an enquiry: the caller is the guest) or a booking (its guest or
   * host), created on first use; with `text`, its first (or next) message is sent too.
   */
  async start(
    actor: Actor,
    input: StartConversationInput,
  ): Promise<{ conversation: ConversationView; created: boolean; message?: MessageView }> {
    if ((input.place_id === undefined) === (input.booking_id === undefined))
      throw badRequest('Give either place_id (an enquiry) or booking_id', 'validation_failed')
    const text = input.text === undefined ? undefined : messageText(input.text)
    const now = this.deps.now()
    const at = new Date(now).toISOString()
    let candidate: ConversationRow
    if (input.booking_id !== undefined) {
      const booking = await this.deps.bookings.findById(input.booking_id)
      if (!booking || (booking.guest_id !== actor.id && booking.host_id !== actor.id))
        throw notFound('Booking not found')
      candidate = {
        id: uuidv7(now),
        subject: `booking:${booking.id}`,
        place_id: booking.place_id,
        booking_id: booking.id,
        guest_id: booking.guest_id,
        host_id: booking.host_id,
        last_message_id: null,
        last_message_at: at,
        created_at: at,
      }
    } else {
      const place = await findVisiblePlace(this.deps.places, input.place_id!, actor)
      if (place.owner_id === actor.id)
        throw badRequest('You cannot send an enquiry about your own place', 'own_place')
      candidate = {
        id: uuidv7(now),
        subject: `enquiry:${place.id}:${actor.id}`,
        place_id: place.id,
        booking_id: null,
        guest_id: actor.id,
        host_id: place.owner_id,
        last_message_id: null,
        last_message_at: at,
        created_at: at,
      }
    }
    let conversation = await this.deps.conversations.findBySubject(candidate.subject)
    let created = false
    if (!conversation) {
      created = await this.deps.conversations.create(candidate)
      conversation = created ? candidate : await this.deps.conversations.findBySubject(candidate.subject)
      if (!conversation) throw new Error(`conversation ${candidate.subject} vanished`)
    }
    const message = text === undefined ? undefined : await this.post(conversation, actor, text)
    return { conversation: await this.view(conversation.id, actor), created, message }
  }

  async list(
    actor: Actor,
    request: { limit: number; after: string | undefined },
  ): Promise<Page<ConversationView>> {
    let after: { at: string; id: string } | undefined
    if (request.after !== undefined) {
      const [at, id] = request.after.split('_')
      if (!at || !id || !UUID.test(id) || Number.isNaN(Date.parse(at)))
        throw badRequest('cursor is not one this list gave', 'validation_failed')
      after = { at, id }
    }
    const page = await this.deps.conversations.inbox(actor.id, { limit: request.limit, after })
    return { items: page.items.map((row) => conversationView(row, actor)), nextCursor: page.nextCursor }
  }

  async unread(actor: Actor): Promise<{ conversations: number; messages: number }> {
    return this.deps.conversations.unreadTotals(actor.id)
  }

  /** A conversation, to a participant or (recorded) to an administrator. */
  async get(id: string, actor: Actor): Promise<ConversationView> {
    await this.readable(id, actor, 'open')
    return this.view(id, actor)
  }

  async messages(
    id: string,
    actor: Actor,
    request: { limit: number; after: string | undefined },
  ): Promise<Page<MessageView>> {
    if (request.after !== undefined && !UUID.test(request.after))
      throw badRequest('cursor is not one this list gave', 'validation_failed')
    const conversation = await this.readable(id, actor, 'messages')
    const page = await this.deps.conversations.messages(conversation.id, {
      limit: request.limit,
      before: request.after,
    })
    return { items: page.items.map(messageView), nextCursor: page.nextCursor }
  }

  async send(id: string, actor: Actor, input: { text: unknown }): Promise<MessageView> {
    const text = messageText(input.text)
    const conversation = await this.writable(id, actor)
    return this.post(conversation, actor, text)
  }

  /** Marks the conversation read up to `message_id` (default: its last message); never moves back. */
  async markRead(
    id: string,
    actor: Actor,
    input: { message_id?: string | undefined },
  ): Promise<{ conversation_id: string; last_read_message_id: string | null; unread_count: number }> {
    const conversation = await this.writable(id, actor)
    let upTo = conversation.last_message_id
    if (input.message_id !== undefined) {
      const message = UUID.test(input.message_id)
        ? await this.deps.conversations.findMessage(conversation.id, input.message_id)
        : undefined
      if (!message) throw badRequest('message_id is not a message of this conversation', 'validation_failed')
      upTo = message.id
    }
    if (upTo) {
      const at = new Date(this.deps.now()).toISOString()
      const moved = await this.deps.conversations.markRead(conversation.id, actor.id, upTo, at)
      if (moved) {
        const data = {
          conversation_id: conversation.id,
          user_id: actor.id,
          last_read_message_id: upTo,
          read_at: at,
        }
        this.deps.live.publish({ topic: `conversation:${conversation.id}`, type: 'conversation.read', data })
        this.deps.live.publish({ topic: `user:${actor.id}`, type: 'conversation.read', data })
      }
    }
    const view = await this.view(conversation.id, actor)
    return {
      conversation_id: conversation.id,
      last_read_message_id: view.last_read_message_id,
      unread_count: view.unread_count,
    }
  }

  /** Who opened a conversation for moderation, and when (administrators only). */
  async accessLog(id: string, actor: Actor) {
    if (!actor.isAdmin) throw forbidden(Messages.adminRequired, 'admin_required')
    const conversation = UUID.test(id) ? await this.deps.conversations.findById(id) : undefined
    if (!conversation) throw notFound(CONVERSATION_NOT_FOUND)
    return (await this.deps.conversations.accessLog(conversation.id)).map((row) => ({
      admin_id: row.admin_id,
      action: row.action,
      accessed_at: row.accessed_at,
    }))
  }

  private async post(conversation: ConversationRow, actor: Actor, text: string): Promise<MessageView> {
    const now = this.deps.now()
    const message: MessageRow = {
      id: uuidv7(now),
      conversation_id: conversation.id,
      sender_id: actor.id,
      body: text,
      created_at: new Date(now).toISOString(),
    }
    const recipientId = actor.id === conversation.guest_id ? conversation.host_id : conversation.guest_id
    const { startsBurst } = await this.deps.conversations.addMessage(message, recipientId, (hadUnread) => {
      if (hadUnread) return undefined
      const row = outboxRow(messageNotification(conversation.id, recipientId, message.id), now)
      return { ...row, available_at: new Date(now + this.deps.options.notifyAfterMs).toISOString() }
    })
    const view = messageView(message)
    const event = { type: 'message.created', data: { message: view } }
    this.deps.live.publish({ topic: `conversation:${conversation.id}`, ...event })
    for (const userId of [conversation.guest_id, conversation.host_id])
      this.deps.live.publish({ topic: `user:${userId}`, ...event })
    if (startsBurst) {
      const summary = await this.deps.conversations.summary(conversation.id, recipientId)
      await this.deps.centre.notify({
        userId: recipientId,
        kind: 'new_message',
        text: inAppText.message(
          actor.id === conversation.guest_id ? summary!.guest_first_name : summary!.host_first_name,
          summary!.place_title,
        ),
        data: { conversation_id: conversation.id, message_id: message.id, place_id: conversation.place_id },
        dedupeKey: `message:${message.id}:${recipientId}`,
      })
    }
    return view
  }

  private async view(id: string, actor: Actor): Promise<ConversationView> {
    const row = await this.deps.conversations.summary(id, actor.id)
    if (!row) throw notFound(CONVERSATION_NOT_FOUND)
    const view = conversationView(row, actor)
    if (row.booking_id) view.enquiry_id = await this.enquiryBefore(row.place_id, row.guest_id)
    return view
  }

  /** The guest's enquiry about the place, when they wrote in it: the thread a booking follows. */
  private async enquiryBefore(placeId: string, guestId: string): Promise<string | null> {
    const enquiry = await this.deps.conversations.findBySubject(`enquiry:${placeId}:${guestId}`)
    return enquiry?.last_message_id ? enquiry.id : null
  }

  /** The conversation, when the actor takes part in it; 404 otherwise. */
  private async participantOf(id: string, actor: Actor): Promise<ConversationRow | undefined> {
    if (!UUID.test(id)) return undefined
    const conversation = await this.deps.conversations.findById(id)
    if (!conversation) return undefined
    if (conversation.guest_id === actor.id || conversation.host_id === actor.id) return conversation
    return undefined
  }

  private async writable(id: string, actor: Actor): Promise<ConversationRow> {
    const conversation = await this.participantOf(id, actor)
    if (conversation) return conversation
    if (actor.isAdmin && UUID.test(id) && (await this.deps.conversations.findById(id)))
      throw forbidden(
        'Administrators read conversations for moderation but do not write in them',
        'not_participant',
      )
    throw notFound(CONVERSATION_NOT_FOUND)
  }

  /** A participant's conversation, or any for an administrator, whose access is then recorded. */
  private async readable(id: string, actor: Actor, action: string): Promise<ConversationRow> {
    const conversation = await this.participantOf(id, actor)
    if (conversation) return conversation
    const moderated = actor.isAdmin && UUID.test(id) ? await this.deps.conversations.findById(id) : undefined
    if (!moderated) throw notFound(CONVERSATION_NOT_FOUND)
    const at = new Date(this.deps.now()).toISOString()
    await this.deps.conversations.recordAccess({
      id: uuidv7(),
      conversation_id: moderated.id,
      admin_id: actor.id,
      action,
      accessed_at: at,
    })
    this.deps.logger.info(
      { admin_id: actor.id, conversation_id: moderated.id, action },
      'conversation opened for moderation',
    )
    return moderated
  }
}
