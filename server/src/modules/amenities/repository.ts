import type { Database } from '../../db/database.js'
import { prepare } from '../../db/prepared.js'
import type { AmenityRow } from '../../db/schema.js'
import type { PageRequest } from '../../domain/pages.js'

export class AmenityRepository {
  private readonly prepared

  constructor(private readonly db: Database) {
    const read = db.read
    this.prepared = {
      byId: prepare(read, 1, (id: string) => read.selectFrom('amenities').selectAll().where('id', '=', id)),
      first: prepare(read, 1, (limit: number) =>
        read.selectFrom('amenities').selectAll().orderBy('id').limit(limit),
      ),
      after: prepare(read, 2, (after: string, limit: number) =>
        read.selectFrom('amenities').selectAll().where('id', '>', after).orderBy('id').limit(limit),
      ),
      count: prepare(read, 0, () =>
        read.selectFrom('amenities').select((eb) => eb.fn.countAll<number>().as('n')),
      ),
    }
  }

  findById(id: string): Promise<AmenityRow | undefined> {
    return this.prepared.byId.first(id)
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
    return page.after
      ? this.prepared.after.all(page.after, page.limit + 1)
      : this.prepared.first.all(page.limit + 1)
  }

  async count(): Promise<number> {
    return Number((await this.prepared.count.first())?.n ?? 0)
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
