// The service worker keeps a member's reads (src/sw/user-data.ts) only in the cache noted as theirs:
// an answer that arrives while they log out, or while someone else signs in, is not kept for the
// next person, and does not bring back a cache the client deleted.
import { describe, expect, it } from 'vitest'
import { keepForMember, OWNER_PATH, tokenSubject, USER_DATA } from '../src/sw/user-data'
import { MemoryStorage, ORIGIN } from './memory-caches'

const base64url = (value: object) =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const tokenOf = (sub: string) => `${base64url({ alg: 'HS256' })}.${base64url({ sub, exp: 2e9 })}.c2ln`
const TRIPS = `${ORIGIN}/api/v1/bookings?role=guest`

function readBy(sub: string) {
  return new Request(TRIPS, { headers: { Authorization: `Bearer ${tokenOf(sub)}` } })
}

async function signedIn(storage: MemoryStorage, id: string) {
  const cache = await storage.open(USER_DATA)
  await cache.put(new Request(`${ORIGIN}${OWNER_PATH}`), new Response(JSON.stringify({ id })))
}

/** Saves the trips answer; `meanwhile` runs as the save happens (what the client does at that time). */
const saving =
  (meanwhile: () => Promise<void> = async () => {}) =>
  async (cache: Cache) => {
    await meanwhile()
    await cache.put(TRIPS, new Response('["trip"]'))
  }

const kept = async (storage: MemoryStorage) =>
  (await storage.match(TRIPS, { cacheName: USER_DATA })) !== undefined

describe('a signed-in read kept for offline use', () => {
  it('reads the member from the token', () => {
    expect(tokenSubject(`Bearer ${tokenOf('user-1')}`)).toBe('user-1')
    expect(tokenSubject(null)).toBeUndefined()
    expect(tokenSubject('Bearer not-a-token')).toBeUndefined()
  })

  it('is kept in the cache noted as its member’s', async () => {
    const storage = new MemoryStorage()
    await signedIn(storage, 'user-1')
    expect(await keepForMember(storage as unknown as CacheStorage, readBy('user-1'), saving())).toBe(true)
    expect(await kept(storage)).toBe(true)
  })

  it('is not kept, nor the cache made again, once its member logged out', async () => {
    const storage = new MemoryStorage()
    expect(await keepForMember(storage as unknown as CacheStorage, readBy('user-1'), saving())).toBe(false)
    expect(await storage.has(USER_DATA)).toBe(false)
  })

  it('is removed with the cache when the member logs out while it is saved', async () => {
    const storage = new MemoryStorage()
    await signedIn(storage, 'user-1')
    const logOut = async () => {
      await storage.delete(USER_DATA)
    }
    expect(await keepForMember(storage as unknown as CacheStorage, readBy('user-1'), saving(logOut))).toBe(
      false,
    )
    expect(await storage.has(USER_DATA)).toBe(false)
  })

  it('is not kept in the cache of someone else who signed in, before or while it is saved', async () => {
    const storage = new MemoryStorage()
    await signedIn(storage, 'user-2')
    expect(await keepForMember(storage as unknown as CacheStorage, readBy('user-1'), saving())).toBe(false)
    expect(await kept(storage)).toBe(false)

    await storage.delete(USER_DATA)
    await signedIn(storage, 'user-1')
    const switchUser = async () => {
      await storage.delete(USER_DATA)
      await signedIn(storage, 'user-2')
    }
    expect(
      await keepForMember(storage as unknown as CacheStorage, readBy('user-1'), saving(switchUser)),
    ).toBe(false)
    expect(await kept(storage)).toBe(false)
    expect(await storage.match(`${ORIGIN}${OWNER_PATH}`, { cacheName: USER_DATA })).toBeDefined()
  })
})
