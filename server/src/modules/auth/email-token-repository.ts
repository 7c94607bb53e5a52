// Single-use, expiring tokens sent by email (verification, password reset). Only SHA-256 hashes are stored.
import type { Database } from '../../db/database.js'
import type { EmailTokenPurpose, EmailTokensTable } from '../../db/schema.js'

export class EmailTokenRepository {
  constructor(private readonly db: Database) {}

  async insert(row: EmailTokensTable): Promise<void> {
    await this.db.write.insertInto('email_tokens').values(row).execute()
  }

  findByHash(purpose: EmailTokenPurpose, tokenHash: string): Promise<EmailTokensTable | undefined> {
    return this.db.write
      .selectFrom('email_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .executeTakeFirst()
  }

  /** Spends a token, only if nobody spent it first. False means it was already used. */
  async markUsed(id: string, at: string): Promise<boolean> {
    const result = await this.db.write
      .updateTable('email_tokens')
      .set({ used_at: at })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /** Spends every unused token of a user for a purpose (a newer one, or the action itself, supersedes them). */
  async spendAllOfUser(userId: string, purpose: EmailTokenPurpose, at: string): Promise<void> {
    await this.db.write
      .updateTable('email_tokens')
      .set({ used_at: at })
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .execute()
  }
}
