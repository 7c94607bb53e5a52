// The service worker's photo cache (src/sw/photos.ts) on an in-memory CacheStorage: it keeps what
// pages loaded, stays within its budget of bytes and of photos by evicting the least recently shown,
// and keeps that order when the worker starts again.
import { describe, expect, it } from 'vitest'
import { PHOTO_CACHE, PHOTO_INDEX_PATH, PhotoCache } from '../src/sw/photos'
import { MemoryStorage, ORIGIN } from './memory-caches'

const photoUrl = (name: string) => `${ORIGIN}/media/${name}.webp`

function image(bytes: number): Response {
  return new Response(new Uint8Array(bytes), { headers: { 'Content-Type': 'image/webp' } })
}

function setUp(budget = { bytes: 1000, entries: 10 }, quota?: number) {
  const storage = new MemoryStorage()
  const open = () =>
    new PhotoCache(storage as unknown as CacheStorage, ORIGIN, {
      defaultBudget: budget,
      quota: async () => quota,
    })
  return { storage, open }
}

async function keptPhotos(storage: MemoryStorage): Promise<string[]> {
  const cache = await storage.open(PHOTO_CACHE)
  return [...cache.entries.keys()].filter((url) => !url.endsWith(PHOTO_INDEX_PATH)).sort()
}

describe('the photo cache', () => {
  it('keeps a photo and answers with it, headers and all', async () => {
    const { open } = setUp()
    const photos = open()
    expect((await photos.match(photoUrl('a'))).response).toBeUndefined()
    await photos.keep(photoUrl('a'), image(300))
    const { response } = await photos.match(photoUrl('a'))
    expect(response?.headers.get('Content-Type')).toBe('image/webp')
    expect((await response?.arrayBuffer())?.byteLength).toBe(300)
    expect(await photos.usage()).toMatchObject({ bytes: 300, entries: 1 })
  })

  it('evicts the least recently shown photos to stay within its bytes', async () => {
    const { storage, open } = setUp({ bytes: 1000, entries: 10 })
    const photos = open()
    await photos.keep(photoUrl('a'), image(400))
    await photos.keep(photoUrl('b'), image(400))
    // "a" is shown again: "b" is now the least recently used.
    await (await photos.match(photoUrl('a'))).saved
    await photos.keep(photoUrl('c'), image(400))
    expect(await keptPhotos(storage)).toEqual([photoUrl('a'), photoUrl('c')])
    expect(await photos.usage()).toMatchObject({ bytes: 800, entries: 2 })
  })

  it('evicts to stay within its number of photos, and never keeps one bigger than the budget', async () => {
    const { storage, open } = setUp({ bytes: 1000, entries: 2 })
    const photos = open()
    for (const name of ['a', 'b', 'c']) await photos.keep(photoUrl(name), image(10))
    expect(await keptPhotos(storage)).toEqual([photoUrl('b'), photoUrl('c')])
    await photos.keep(photoUrl('huge'), image(1001))
    expect(await keptPhotos(storage)).toEqual([photoUrl('b'), photoUrl('c')])
  })

  it('remembers the order of use when the worker starts again', async () => {
    const { storage, open } = setUp({ bytes: 1000, entries: 3 })
    const first = open()
    for (const name of ['a', 'b', 'c']) await first.keep(photoUrl(name), image(10))
    await (await first.match(photoUrl('a'))).saved
    // A new worker: its order comes from the index kept in the cache.
    const second = open()
    await second.keep(photoUrl('d'), image(10))
    expect(await keptPhotos(storage)).toEqual([photoUrl('a'), photoUrl('c'), photoUrl('d')])
  })

  it('takes a device budget, evicting at once, and goes back to the default', async () => {
    const { storage, open } = setUp({ bytes: 1000, entries: 10 })
    const photos = open()
    for (const name of ['a', 'b', 'c', 'd']) await photos.keep(photoUrl(name), image(200))
    const usage = await photos.setBudget({ bytes: 450 })
    expect(usage).toEqual({ bytes: 400, entries: 2, budget: { bytes: 450, entries: 10 } })
    expect(await keptPhotos(storage)).toEqual([photoUrl('c'), photoUrl('d')])
    // Kept across a restart, until set back to the default.
    expect((await open().usage()).budget).toEqual({ bytes: 450, entries: 10 })
    expect((await photos.setBudget(null)).budget).toEqual({ bytes: 1000, entries: 10 })
  })

  it('takes at most a tenth of a small storage quota', async () => {
    const { open } = setUp({ bytes: 1000, entries: 10 }, 5000)
    expect((await open().usage()).budget.bytes).toBe(500)
  })

  it('sizes photos the index lost, and forgets photos deleted from outside', async () => {
    const { storage, open } = setUp({ bytes: 1000, entries: 10 })
    const cache = await storage.open(PHOTO_CACHE)
    await cache.put(photoUrl('orphan'), image(123))
    const photos = open()
    expect(await photos.usage()).toMatchObject({ bytes: 123, entries: 1 })
    await cache.delete(photoUrl('orphan'))
    expect((await photos.match(photoUrl('orphan'))).response).toBeUndefined()
    expect(await photos.usage()).toMatchObject({ bytes: 0, entries: 0 })
  })

  it('keeps only whole answers from its own origin', async () => {
    const { storage, open } = setUp()
    const photos = open()
    await photos.keep(photoUrl('partial'), new Response(new Uint8Array(10), { status: 206 }))
    await photos.keep(photoUrl('missing'), new Response('not found', { status: 404 }))
    expect(await keptPhotos(storage)).toEqual([])
  })
})
