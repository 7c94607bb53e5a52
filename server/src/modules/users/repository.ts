import type { Database } from '../../db/database.js'
import { idOrder, preparedCount, preparedKeysetRows } from '../../db/keyset.js'
import { prepare } from '../../db/prepared.js'
import type { NewUser, UserRow, UserUpdate } from '../../db/schema.js'

export class UserRepository {
  private readonly byId
  readonly listPage
  readonly count

  constructor(private readonly db: Database) {
    const read = db.read
    const all = () => read.selectFrom('users')
    this.byId = prepare(read, 1, (id: string) => all().selectAll().where('id', '=', id))
    this.listPage = preparedKeysetRows(read, 0, () => all().selectAll(), idOrder('id'))
    this.count = preparedCount(read, 0, all)
  }

  findById(id: string): Promise<UserRow | undefined> {
    return this.byId.first(id)
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.write
      .selectFrom('users')
      .selectAll()
      .where('email_key', '=', email.toLowerCase())
      .executeTakeFirst()
  }

  async exists(id: string): Promise<boolean> {
    const row = await this.db.read.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()
    return row !== undefined
  }

  async insert(user: NewUser): Promise<void> {
    await this.db.write.insertInto('users').values(user).execute()
  }

  async update(id: string, changes: UserUpdate): Promise<void> {
    await this.db.write.updateTable('users').set(changes).where('id', '=', id).execute()
  }
}
