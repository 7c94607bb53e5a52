import type { Kysely } from 'kysely'

const id = 'varchar(36)' as const
const timestamp = 'varchar(24)' as const

/**
 * Host-guest messaging and the in-app notification centre.
 * - `conversations`: one per listing enquiry (guest + place) or per booking, named by a unique
 *   `subject` (`enquiry:<place>:<guest>` or `booking:<booking>`), with its last message for the inbox.
 * - `conversation_participants`: the guest and the host, each with how far they have read.
 * - `messages`: the text as typed, in id (time) order per conversation.
 * - `conversation_access`: every time an administrator opened a conversation they are not part of.
 * - `user_notifications`: the in-app notifications, one per (dedupe key), read or not.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('subject', 'varchar(120)', (c) => c.notNull().unique())
    .addColumn('place_id', id, (c) => c.notNull().references('places.id').onDelete('cascade'))
    .addColumn('booking_id', id, (c) => c.references('bookings.id').onDelete('cascade'))
    .addColumn('guest_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('host_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('last_message_id', id)
    .addColumn('last_message_at', timestamp, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('conversation_participants')
    .addColumn('conversation_id', id, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('user_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'varchar(8)', (c) => c.notNull())
    .addColumn('last_message_at', timestamp, (c) => c.notNull())
    .addColumn('last_read_message_id', id)
    .addColumn('last_read_at', timestamp)
    .addPrimaryKeyConstraint('conversation_participants_pk', ['conversation_id', 'user_id'])
    .execute()
  // A user's inbox: newest conversation first, read a page at a time.
  await db.schema
    .createIndex('conversation_participants_inbox_idx')
    .on('conversation_participants')
    .columns(['user_id', 'last_message_at', 'conversation_id'])
    .execute()
  await db.schema
    .createTable('messages')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('conversation_id', id, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('sender_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('messages_conversation_idx')
    .on('messages')
    .columns(['conversation_id', 'id'])
    .execute()
  await db.schema
    .createTable('conversation_access')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('conversation_id', id, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('admin_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('action', 'varchar(16)', (c) => c.notNull())
    .addColumn('accessed_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('conversation_access_conversation_idx')
    .on('conversation_access')
    .columns(['conversation_id', 'accessed_at'])
    .execute()
  await db.schema
    .createTable('user_notifications')
    .addColumn('id', id, (c) => c.primaryKey())
    .addColumn('user_id', id, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('text', 'varchar(500)', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('read_at', timestamp)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('user_notifications_user_idx')
    .on('user_notifications')
    .columns(['user_id', 'id'])
    .execute()
  await db.schema
    .createIndex('user_notifications_unread_idx')
    .on('user_notifications')
    .columns(['user_id', 'read_at'])
    .execute()
}

/** Dropping a table drops its indexes too. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'user_notifications',
    'conversation_access',
    'messages',
    'conversation_participants',
    'conversations',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}
