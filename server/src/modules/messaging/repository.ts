import type { ExpressionBuilder, Kysely } from 'kysely'
import { type Database, isUniqueViolation } from '../../db/database.js'
import type { KeysetPage } from '../../db/keyset.js'
import type {
  ConversationRow,
  DB,
  MessageRow,
  OutboxRow,
  ParticipantRole,
  ParticipantRow,
} from '../../db/schema.js'

/** A conversation as one participant (or a moderator, with no read position) sees it. */
export interface ConversationSummary extends ConversationRow {
  place_title: string
  place_city: string
  guest_first_name: string
  host_first_name: string
  last_message_sender_id: string | null
  last_message_body: string | null
  last_message_created_at: string | null
  last_read_message_id: string | null
  unread_count: number | string
}

/** What the email about unread messages needs: the conversation, the recipient and the other side. */
export interface DigestContext {
  conversation_id: string
  place_title: string
  recipient_email: string
  recipient_first_name: string
  recipient_locale: string
  /** Verified phone number only (null otherwise). */
  recipient_phone: string | null
  last_read_message_id: string | null
  sender_first_name: string
}

type Tables = DB & { p: ParticipantRow; c: ConversationRow }

/** Messages of a conversation that `userId` has not read (those of the other side after its read position). */
function unreadOf(eb: ExpressionBuilder<Tables, 'c' | 'p'>, userId: string) {
  return eb
    .selectFrom('messages as m')
    .select((e) => e.fn.countAll<number | string>().as('n'))
    .whereRef('m.conversation_id', '=', 'c.id')
    .where('m.sender_id', '!=', userId)
    .where((e) =>
      e.or([e('p.last_read_message_id', 'is', null), e('m.id', '>', e.ref('p.last_read_message_id'))]),
    )
}

export class MessagingRepository {
  constructor(private readonly db: Database) {}

  findById(id: string): Promise<ConversationRow | undefined> {
    return this.db.write.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst()
  }

  findBySubject(subject: string): Promise<ConversationRow | undefined> {
    return this.db.write
      .selectFrom('conversations')
      .selectAll()
      .where('subject', '=', subject)
      .executeTakeFirst()
  }

  participant(conversationId: string, userId: string): Promise<ParticipantRow | undefined> {
    return this.db.write
      .selectFrom('conversation_participants')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
  }

  /** Creates the conversation and its two participants; false when its subject existed already. */
  async create(conversation: ConversationRow): Promise<boolean> {
    try {
      await this.db.write.transaction().execute(async (trx) => {
        await trx.insertInto('conversations').values(conversation).execute()
        const sides: [string, ParticipantRole][] = [
          [conversation.guest_id, 'guest'],
          [conversation.host_id, 'host'],
        ]
        for (const [userId, role] of sides) {
          await trx
            .insertInto('conversation_participants')
            .values({
              conversation_id: conversation.id,
              user_id: userId,
              role,
              last_message_at: conversation.last_message_at,
              last_read_message_id: null,
              last_read_at: null,
            })
            .execute()
        }
      })
      return true
    } catch (error) {
      if (isUniqueViolation(error)) return false
      throw error
    }
  }

  private summaries(viewerId: string) {
    return this.db.write
      .selectFrom('conversations as c')
      .innerJoin('places', 'places.id', 'c.place_id')
      .innerJoin('users as guest', 'guest.id', 'c.guest_id')
      .innerJoin('users as host', 'host.id', 'c.host_id')
      .leftJoin('messages as last', 'last.id', 'c.last_message_id')
      .leftJoin('conversation_participants as p', (join) =>
        join.onRef('p.conversation_id', '=', 'c.id').on('p.user_id', '=', viewerId),
      )
      .selectAll('c')
      .select([
        'places.title as place_title',
        'places.city as place_city',
        'guest.first_name as guest_first_name',
        'host.first_name as host_first_name',
        'last.sender_id as last_message_sender_id',
        'last.body as last_message_body',
        'last.created_at as last_message_created_at',
        'p.last_read_message_id',
      ])
      .select((eb) =>
        unreadOf(eb as unknown as ExpressionBuilder<Tables, 'c' | 'p'>, viewerId).as('unread_count'),
      )
  }

  summary(conversationId: string, viewerId: string): Promise<ConversationSummary | undefined> {
    return this.summaries(viewerId).where('c.id', '=', conversationId).executeTakeFirst() as Promise<
      ConversationSummary | undefined
    >
  }

  /**
   * A user's conversations that have messages, the most recently active first, `limit` after the
   * one at (`at`, `id`) of the previous page.
   */
  async inbox(
    userId: string,
    request: { limit: number; after?: { at: string; id: string } | undefined },
  ): Promise<KeysetPage<ConversationSummary>> {
    let query = this.summaries(userId)
      .where('p.user_id', '=', userId)
      .where('c.last_message_id', 'is not', null)
    const after = request.after
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('p.last_message_at', '<', after.at),
          eb.and([eb('p.last_message_at', '=', after.at), eb('p.conversation_id', '<', after.id)]),
        ]),
      )
    }
    const rows = (await query
      .orderBy('p.last_message_at', 'desc')
      .orderBy('p.conversation_id', 'desc')
      .limit(request.limit + 1)
      .execute()) as ConversationSummary[]
    if (rows.length <= request.limit) return { items: rows, nextCursor: undefined }
    const items = rows.slice(0, request.limit)
    const last = items[items.length - 1]!
    return { items, nextCursor: `${last.last_message_at}_${last.id}` }
  }

  /** How many conversations have unread messages for the user, and how many messages in all. */
  async unreadTotals(userId: string): Promise<{ conversations: number; messages: number }> {
    const rows = await this.db.write
      .selectFrom('conversation_participants as p')
      .innerJoin('conversations as c', 'c.id', 'p.conversation_id')
      .select((eb) => unreadOf(eb as unknown as ExpressionBuilder<Tables, 'c' | 'p'>, userId).as('unread'))
      .where('p.user_id', '=', userId)
      .execute()
    const counts = rows.map((row) => Number(row.unread ?? 0))
    return {
      conversations: counts.filter((n) => n > 0).length,
      messages: counts.reduce((a, b) => a + b, 0),
    }
  }

  /** A conversation's messages, newest first, `limit` before the message `before`. */
  async messages(
    conversationId: string,
    request: { limit: number; before?: string | undefined },
  ): Promise<KeysetPage<MessageRow>> {
    let query = this.db.write.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId)
    if (request.before) query = query.where('id', '<', request.before)
    const rows = await query
      .orderBy('id', 'desc')
      .limit(request.limit + 1)
      .execute()
    if (rows.length <= request.limit) return { items: rows, nextCursor: undefined }
    const items = rows.slice(0, request.limit)
    return { items, nextCursor: items[items.length - 1]!.id }
  }

  findMessage(conversationId: string, messageId: string): Promise<MessageRow | undefined> {
    return this.db.write
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', messageId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst()
  }

  /** Messages of the other side that `userId` has not read, oldest first. */
  async unreadMessages(
    conversationId: string,
    userId: string,
    limit: number,
    db: Kysely<DB> = this.db.write,
  ): Promise<MessageRow[]> {
    const position = await db
      .selectFrom('conversation_participants')
      .select('last_read_message_id')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    let query = db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('sender_id', '!=', userId)
    if (position?.last_read_message_id) query = query.where('id', '>', position.last_read_message_id)
    return query.orderBy('id').limit(limit).execute()
  }

  /**
   * Adds a message: the conversation's last message moves to it, the sender has read up to it,
   * and `burstTask(recipientHadUnread)` may give an outbox row written in the same transaction.
   */
  async addMessage(
    message: MessageRow,
    recipientId: string,
    burstTask: (recipientHadUnread: boolean) => OutboxRow | undefined,
  ): Promise<{ startsBurst: boolean }> {
    return this.db.write.transaction().execute(async (trx) => {
      const earlier = await this.unreadMessages(message.conversation_id, recipientId, 1, trx)
      await trx.insertInto('messages').values(message).execute()
      await trx
        .updateTable('conversations')
        .set({ last_message_id: message.id, last_message_at: message.created_at })
        .where('id', '=', message.conversation_id)
        .execute()
      await trx
        .updateTable('conversation_participants')
        .set({ last_message_at: message.created_at })
        .where('conversation_id', '=', message.conversation_id)
        .execute()
      await trx
        .updateTable('conversation_participants')
        .set({ last_read_message_id: message.id, last_read_at: message.created_at })
        .where('conversation_id', '=', message.conversation_id)
        .where('user_id', '=', message.sender_id)
        .execute()
      const task = burstTask(earlier.length > 0)
      if (task) await trx.insertInto('outbox').values(task).execute()
      return { startsBurst: earlier.length === 0 }
    })
  }

  /** Moves the user's read position forward to `messageId` (never back); true when it moved. */
  async markRead(conversationId: string, userId: string, messageId: string, at: string): Promise<boolean> {
    const result = await this.db.write
      .updateTable('conversation_participants')
      .set({ last_read_message_id: messageId, last_read_at: at })
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .where((eb) =>
        eb.or([eb('last_read_message_id', 'is', null), eb('last_read_message_id', '<', messageId)]),
      )
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async recordAccess(row: {
    id: string
    conversation_id: string
    admin_id: string
    action: string
    accessed_at: string
  }): Promise<void> {
    await this.db.write.insertInto('conversation_access').values(row).execute()
  }

  accessLog(conversationId: string) {
    return this.db.write
      .selectFrom('conversation_access')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('id')
      .execute()
  }

  digestContext(conversationId: string, recipientId: string): Promise<DigestContext | undefined> {
    return this.db.write
      .selectFrom('conversations as c')
      .innerJoin('places', 'places.id', 'c.place_id')
      .innerJoin('conversation_participants as p', (join) =>
        join.onRef('p.conversation_id', '=', 'c.id').on('p.user_id', '=', recipientId),
      )
      .innerJoin('users as r', 'r.id', 'p.user_id')
      .innerJoin('users as s', (join) =>
        join.on((eb) =>
          eb.and([
            eb('s.id', '!=', recipientId),
            eb.or([eb('s.id', '=', eb.ref('c.guest_id')), eb('s.id', '=', eb.ref('c.host_id'))]),
          ]),
        ),
      )
      .select([
        'c.id as conversation_id',
        'places.title as place_title',
        'r.email as recipient_email',
        'r.first_name as recipient_first_name',
        'r.locale as recipient_locale',
        'p.last_read_message_id',
        's.first_name as sender_first_name',
      ])
      .select((eb) =>
        eb
          .case()
          .when('r.phone_verified_at', 'is not', null)
          .then(eb.ref('r.phone'))
          .else(null)
          .end()
          .as('recipient_phone'),
      )
      .where('c.id', '=', conversationId)
      .executeTakeFirst() as Promise<DigestContext | undefined>
  }
}
