import type { Database } from '../../db/database.js'
import type { RefreshTokenRow } from '../../db/schema.js'

export class RefreshTokenRepository {
  constructor(private readonly db: Database) {}

  findByHash(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    return this.db.write
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst()
  }

  async insert(row: RefreshTokenRow): Promise<void> {
    await this.db.write.insertInto('refresh_tokens').values(row).execute()
  }

  /** Marks a token used, only if nobody used or revoked it first. False means it was already spent. */
  async markUsed(id: string, at: string): Promise<boolean> {
    const result = await this.db.write
      .updateTable('refresh_tokens')
      .set({ used_at: at })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async revokeFamily(familyId: string, at: string): Promise<void> {
    await this.db.write
      .updateTable('refresh_tokens')
      .set({ revoked_at: at })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute()
  }

  /**
   * Deletes refresh tokens past their expiry (used, revoked or not): an expired token is refused
   * anyway, so its row no longer serves reuse detection. Returns how many were deleted.
   */
  async deleteExpired(now: string): Promise<number> {
    const result = await this.db.write
      .deleteFrom('refresh_tokens')
      .where('expires_at', '<', now)
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  /** Revokes every open login of the user; answers their family ids (the `sid` of their access tokens). */
  async revokeAllOfUser(userId: string, at: string): Promise<string[]> {
    await this.db.write
      .updateTable('refresh_tokens')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute()
    const rows = await this.db.write
      .selectFrom('refresh_tokens')
      .select('family_id')
      .distinct()
      .where('user_id', '=', userId)
      .where('revoked_at', '=', at)
      .execute()
    return rows.map((row) => row.family_id)
  }

  /**
   * Whether a login is still open: its family has tokens and none was revoked. Read on the primary:
   * a lagging replica could still show a revocation as not done.
   */
  async isFamilyOpen(familyId: string): Promise<boolean> {
    const row = await this.db.write
      .selectFrom('refresh_tokens')
      .select((eb) => [eb.fn.countAll().as('tokens'), eb.fn.count('revoked_at').as('revoked')])
      .where('family_id', '=', familyId)
      .executeTakeFirst()
    return Number(row?.tokens ?? 0) > 0 && Number(row?.revoked ?? 0) === 0
  }
}
