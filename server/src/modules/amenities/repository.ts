import type { Database } from '../../db/database.js'
import type { AmenityRow } from '../../db/schema.js'
import type { PageRequest } from '../../http/pagination.js'

export class AmenityRepository {
  constructor(private readonly db: Database) {}

  findById(id: string): Promise<AmenityRow | undefined> {
    return this.db.read.selectFrom('amenities').selectAll().where('id', '=', id).executeTakeFirst()
  }

  findByName(name: string): Promise<AmenityRow | undefined> {
    return this.db.write
      .selectFrom('amenities')
      .selectAll()
      .where('name_key', '=', name.toLowerCase())
      .executeTakeFirst()
  }

  /** The ids among `ids` that exist. */
  async existing(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return []
    const rows = await this.db.read.selectFrom('amenities').select('id').where('id', 'in', ids).execute()
    return rows.map((r) => r.id)
  }

  listPage(page: PageRequest): Promise<AmenityRow[]> {
    let query = this.db.read
      .selectFrom('amenities')
      .selectAll()
      .orderBy('id')
      .limit(page.limit + 1)
    if (page.after) query = query.where('id', '>', page.after)
    return query.execute()
  }

  async count(): Promise<number> {
    const row = await this.db.read
      .selectFrom('amenities')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  async insert(row: AmenityRow): Promise<void> {
    await this.db.write.insertInto('amenities').values(row).execute()
  }

  async rename(id: string, name: string, at: string): Promise<void> {
    await this.db.write
      .updateTable('amenities')
      .set({ name, name_key: name.toLowerCase(), updated_at: at })
      .where('id', '=', id)
      .execute()
  }
}
