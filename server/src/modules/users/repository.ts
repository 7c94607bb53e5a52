import type { Database } from '../../db/database.js'
import type { NewUser, UserRow, UserUpdate } from '../../db/schema.js'
import type { PageRequest } from '../../http/pagination.js'

export class UserRepository {
  constructor(private readonly db: Database) {}

  findById(id: string): Promise<UserRow | undefined> {
    return this.db.read.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
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

  listPage(page: PageRequest): Promise<UserRow[]> {
    let query = this.db.read
      .selectFrom('users')
      .selectAll()
      .orderBy('id')
      .limit(page.limit + 1)
    if (page.after) query = query.where('id', '>', page.after)
    return query.execute()
  }

  async count(): Promise<number> {
    const row = await this.db.read
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  async insert(user: NewUser): Promise<void> {
    await this.db.write.insertInto('users').values(user).execute()
  }

  async update(id: string, changes: UserUpdate): Promise<void> {
    await this.db.write.updateTable('users').set(changes).where('id', '=', id).execute()
  }
}
