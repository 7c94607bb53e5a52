import type { Database } from '../../db/database.js'
import { idOrder, preparedCount, preparedKeysetRows } from '../../db/keyset.js'
import { prepare } from '../../db/prepared.js'
import type { AmenityRow } from '../../db/schema.js'

export class AmenityRepository {
  private readonly byId
  readonly listPage
  readonly count

  constructor(private readonly db: Database) {
    const read = db.read
    const all = () => read.selectFrom('amenities')
    this.byId = prepare(read, 1, (id: string) => all().selectAll().where('id', '=', id))
    this.listPage = preparedKeysetRows(read, 0, () => all().selectAll(), idOrder('id'))
    this.count = preparedCount(read, 0, all)
  }

  findById(id: string): Promise<AmenityRow | undefined> {
    return this.byId.first(id)
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
