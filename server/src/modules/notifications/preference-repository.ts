import type { Database } from '../../db/database.js'
import type { NotificationChannel } from '../../db/schema.js'
import type { StoredChoice } from './preferences.js'

export interface Choice {
  channel: NotificationChannel
  kind: string
  enabled: boolean
}

export class NotificationPreferenceRepository {
  constructor(private readonly db: Database) {}

  choicesOf(userId: string): Promise<StoredChoice[]> {
    return this.db.write
      .selectFrom('notification_preferences')
      .select(['channel', 'kind', 'enabled'])
      .where('user_id', '=', userId)
      .execute()
  }

  /** Stores every choice (replacing earlier ones of the same channel and kind) in one transaction. */
  async save(userId: string, choices: Choice[], now: string): Promise<void> {
    await this.db.write.transaction().execute(async (trx) => {
      for (const choice of choices) {
        await trx
          .deleteFrom('notification_preferences')
          .where('user_id', '=', userId)
          .where('channel', '=', choice.channel)
          .where('kind', '=', choice.kind)
          .execute()
        await trx
          .insertInto('notification_preferences')
          .values({
            user_id: userId,
            channel: choice.channel,
            kind: choice.kind,
            enabled: choice.enabled ? 1 : 0,
            updated_at: now,
          })
          .execute()
      }
    })
  }
}
