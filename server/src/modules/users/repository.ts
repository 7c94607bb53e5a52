import type { Database } from '../../db/database.js'
import { prepare } from '../../db/prepared.js'
import type { NewUser, UserRow, UserUpdate } from '../../db/schema.js'
import type { PageRequest } from '../../domain/pages.js'

export class UserRepository {
  private readonly prepared

  constructor(private readonly db: Database) {
    const read = db.read
    this.prepared = {
      byId: prepare(read, 1, (id: string) => read.selectFrom('users').selectAll().where('id', '=', id)),
      first: prepare(read, 1, (limit: number) =>
        read.selectFrom('users').selectAll().orderBy('id').limit(limit),
      ),
      after: prepare(read, 2, (after: string, limit: number) =>
        read.selectFrom('users').selectAll().where('id', '>', after).orderBy('id').limit(limit),
      ),
      count: prepare(read, 0, () =>
        read.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')),
      ),
    }
  }

  findById(id: string): Promise<UserRow | undefined> {
    return this.prepared.byId.first(id)
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
    return page.after
      ? this.prepared.after.all(page.after, page.limit + 1)
      : this.prepared.first.all(page.limit + 1)
  }

  async count(): Promise<number> {
    return Number((await this.prepared.count.first())?.n ?? 0)
  }

  async insert(user: NewUser): Promise<void> {
    await this.db.write.insertInto('users').values(user).execute()
  }

  async update(id: string, changes: UserUpdate): Promise<void> {
    await this.db.write.updateTable('users').set(changes).where('id', '=', id).execute()
  }
}
