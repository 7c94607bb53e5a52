// The contract every recent-writes driver passes (read-your-writes positions of clients).
import { randomBytes } from 'node:crypto'
import { expect, it } from 'vitest'
import type { RecentWrites } from '../../src/infra/recent-writes/port.js'

export const TTL_MS = 300

export function recentWritesContract(create: () => RecentWrites) {
  const key = () => `user:${randomBytes(4).toString('hex')}`

  it('knows nothing of a client that never wrote', async () => {
    expect(await create().lastWrite([key()])).toBeUndefined()
  })

  it('keeps the later write of each replication domain, whatever the order of recording', async () => {
    const store = create()
    const client = key()
    await store.record([client], '0-1-20')
    await store.record([client], '0-1-15')
    await store.record([client], '1-2-7')
    expect(await store.lastWrite([client])).toBe('0-1-20,1-2-7')
  })

  it('answers for any of the keys a write was recorded under, merging them', async () => {
    const store = create()
    const [user, address] = [key(), key()]
    await store.record([user, address], '0-1-30')
    await store.record([address], '0-1-31')
    expect(await store.lastWrite([address])).toBe('0-1-31')
    expect(await store.lastWrite([user])).toBe('0-1-30')
    expect(await store.lastWrite([user, address])).toBe('0-1-31')
  })

  it('forgets a write after the time to live', async () => {
    const store = create()
    const client = key()
    await store.record([client], '0-1-40')
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100))
    expect(await store.lastWrite([client])).toBeUndefined()
  })
}
