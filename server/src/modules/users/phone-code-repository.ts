// Codes sent by SMS to verify a phone number. Only an HMAC of each code is stored.
import type { Database } from '../../db/database.js'
import type { PhoneCodesTable } from '../../db/schema.js'

export type PhoneCodeRow = Omit<PhoneCodesTable, 'attempts'> & { attempts: number }

export class PhoneCodeRepository {
  constructor(private readonly db: Database) {}

  async insert(row: PhoneCodeRow): Promise<void> {
    await this.db.write.insertInto('phone_codes').values(row).execute()
  }

  async delete(id: string): Promise<void> {
    await this.db.write.deleteFrom('phone_codes').where('id', '=', id).execute()
  }

  /** Creation times of the user's codes since `since`, newest first (for rate limiting). */
  async sentSince(userId: string, since: string): Promise<string[]> {
    const rows = await this.db.write
      .selectFrom('phone_codes')
      .select('created_at')
      .where('user_id', '=', userId)
      .where('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .execute()
    return rows.map((r) => r.created_at)
  }

  /** The user's newest unused code, if any. */
  latestUnused(userId: string): Promise<PhoneCodeRow | undefined> {
    return this.db.write
      .selectFrom('phone_codes')
      .selectAll()
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst()
  }

  /** Counts a wrong attempt, only while fewer than `max` were made. False: no attempts were left. */
  async countAttempt(id: string, max: number): Promise<boolean> {
    const result = await this.db.write
      .updateTable('phone_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('attempts', '<', max)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /** Spends a code, only if nobody spent it first. */
  async markUsed(id: string, at: string): Promise<boolean> {
    const result = await this.db.write
      .updateTable('phone_codes')
      .set({ used_at: at })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /** Spends every unused code of the user (a newer code, or a removed number, supersedes them). */
  async spendAllOfUser(userId: string, at: string): Promise<void> {
    await this.db.write
      .updateTable('phone_codes')
      .set({ used_at: at })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute()
  }
}
