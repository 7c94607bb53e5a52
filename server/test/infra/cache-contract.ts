// The contract every cache driver passes: entries live under the versions of their tags; a bump
// hides every entry of the tag, including one a slow fill stores afterwards under the old version;
// entries expire; one rebuild lock per entry and version.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { CacheStore } from '../../src/infra/cache/port.js'

export interface CacheHarness {
  store: CacheStore
  close(): Promise<void>
}

let n = 0
/** Keys and tags of their own for each test: drivers may share a server between runs. */
const unique = (name: string) => `${name}-${Date.now().toString(36)}-${++n}`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function cacheContract(start: () => Promise<CacheHarness>) {
  let harness: CacheHarness
  let store: CacheStore
  beforeAll(async () => {
    harness = await start()
    store = harness.store
  })
  afterAll(async () => {
    await harness?.close()
  })

  it('misses an unknown key, with a version that stays the same until a tag changes', async () => {
    const [key, tag] = [unique('k'), unique('t')]
    const first = await store.read(key, [tag])
    expect(first.value).toBeUndefined()
    expect(first.version).toMatch(/\S/)
    expect((await store.read(key, [tag])).version).toBe(first.version)
  })

  it('returns what was written, byte for byte, under the version it was read at', async () => {
    const [key, tag] = [unique('k'), unique('t')]
    const { version } = await store.read(key, [tag, 'shared'])
    const bytes = Buffer.from([0, 1, 2, 10, 13, 255, 0x7b, 0x22])
    await store.write(key, version, bytes, 60_000)
    const read = await store.read(key, [tag, 'shared'])
    expect(read.version).toBe(version)
    expect(Buffer.compare(read.value!, bytes)).toBe(0)
    expect((await store.read(unique('other'), [tag, 'shared'])).value).toBeUndefined()
  })

  it('hides every entry of a bumped tag and leaves the others', async () => {
    const [a, b, tagA, tagB] = [unique('a'), unique('b'), unique('ta'), unique('tb')]
    const va = (await store.read(a, [tagA])).version
    const vb = (await store.read(b, [tagB])).version
    await store.write(a, va, Buffer.from('A'), 60_000)
    await store.write(b, vb, Buffer.from('B'), 60_000)
    await store.bump([tagA])
    const after = await store.read(a, [tagA])
    expect(after.value).toBeUndefined()
    expect(after.version).not.toBe(va)
    expect(String((await store.read(b, [tagB])).value)).toBe('B')
  })

  it('never serves what a fill that began before a bump stores after it', async () => {
    const [key, tag] = [unique('k'), unique('t')]
    const { version: old } = await store.read(key, [tag])
    await store.bump([tag])
    await store.write(key, old, Buffer.from('stale'), 60_000)
    expect((await store.read(key, [tag])).value).toBeUndefined()
  })

  it('forgets entries after their time to live', async () => {
    const [key, tag] = [unique('k'), unique('t')]
    const { version } = await store.read(key, [tag])
    await store.write(key, version, Buffer.from('short'), 50)
    await sleep(120)
    expect((await store.read(key, [tag])).value).toBeUndefined()
  })

  it('lets one holder at a time rebuild an entry, until it unlocks or the lock expires', async () => {
    const [key, tag] = [unique('k'), unique('t')]
    const { version } = await store.read(key, [tag])
    expect(await store.lock(key, version, 10_000)).toBe(true)
    expect(await store.lock(key, version, 10_000)).toBe(false)
    await store.unlock(key, version)
    expect(await store.lock(key, version, 50)).toBe(true)
    await sleep(120)
    expect(await store.lock(key, version, 10_000)).toBe(true)
  })
}
