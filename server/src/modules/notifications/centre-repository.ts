import { type Database, isUniqueViolation } from '../../db/database.js'
import type { KeysetPage } from '../../db/keyset.js'
import type { UserNotificationRow } from '../../db/schema.js'

export class NotificationCentreRepository {
  constructor(private readonly db: Database) {}

  /** Stores a notification; false when one with its dedupe key exists (it was made before). */
  async insertOnce(row: UserNotificationRow): Promise<boolean> {
    try {
      await this.db.write.insertInto('user_notifications').values(row).execute()
      return true
    } catch (error) {
      if (isUniqueViolation(error)) return false
      throw error
    }
  }

  /** A user's notifications, newest first, `limit` after the one whose id is `before`. */
  async page(
    userId: string,
    request: { limit: number; before?: string | undefined; unreadOnly: boolean },
  ): Promise<KeysetPage<UserNotificationRow>> {
    let query = this.db.write.selectFrom('user_notifications').selectAll().where('user_id', '=', userId)
    if (request.unreadOnly) query = query.where('read_at', 'is', null)
    if (request.before) query = query.where('id', '<', request.before)
    const rows = await query
      .orderBy('id', 'desc')
      .limit(request.limit + 1)
      .execute()
    if (rows.length <= request.limit) return { items: rows, nextCursor: undefined }
    const items = rows.slice(0, request.limit)
    return { items, nextCursor: items[items.length - 1]!.id }
  }

  async unreadCount(userId: string): Promise<number> {
    const row = await this.db.write
      .selectFrom('user_notifications')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  findOfUser(userId: string, id: string): Promise<UserNotificationRow | undefined> {
    return this.db.write
      .selectFrom('user_notifications')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst()
  }

  async markRead(userId: string, id: string, at: string): Promise<void> {
    await this.db.write
      .updateTable('user_notifications')
      .set({ read_at: at })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .execute()
  }

  /** Marks every unread notification read; how many were. */
  async markAllRead(userId: string, at: string): Promise<number> {
    const result = await this.db.write
      .updateTable('user_notifications')
      .set({ read_at: at })
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows)
  }

  async localeOf(userId: string): Promise<string | undefined> {
    const row = await this.db.write
      .selectFrom('users')
      .select('locale')
      .where('id', '=', userId)
      .executeTakeFirst()
    return row?.locale
  }
}
