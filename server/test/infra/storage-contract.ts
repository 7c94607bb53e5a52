// The contract every object storage driver passes: what is put is read back byte for byte with its
// description; listing, replacing and deleting behave as S3 does; keys cannot leave their store.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { InvalidObjectKeyError, type ObjectStorage } from '../../src/infra/storage/port.js'

export interface StorageHarness {
  storage: ObjectStorage
  /** Whether browsers can upload straight to this store (S3: presigned requests). */
  directUploads: boolean
  close(): Promise<void>
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks)
}

async function keysOf(storage: ObjectStorage, prefix: string): Promise<string[]> {
  const keys: string[] = []
  for await (const object of storage.list(prefix)) keys.push(object.key)
  return keys
}

export function storageContract(start: () => Promise<StorageHarness>) {
  let harness: StorageHarness
  let storage: ObjectStorage
  beforeAll(async () => {
    harness = await start()
    storage = harness.storage
  })
  afterAll(async () => {
    await harness?.close()
  })

  it('reads back what was put, byte for byte, with its type, cache control and size', async () => {
    const body = Buffer.from([0, 255, 1, 254, ...Buffer.from('é photo')])
    await storage.put('media/a/photo.jpg', body, {
      contentType: 'image/jpeg',
      cacheControl: 'public, max-age=31536000, immutable',
    })
    const found = await storage.get('media/a/photo.jpg')
    expect(found).toBeDefined()
    expect(await bytesOf(found!.body)).toEqual(body)
    expect(found!.info).toMatchObject({
      key: 'media/a/photo.jpg',
      size: body.length,
      contentType: 'image/jpeg',
      cacheControl: 'public, max-age=31536000, immutable',
    })
    const head = await storage.head('media/a/photo.jpg')
    expect(head).toMatchObject({ size: body.length, contentType: 'image/jpeg' })
    expect(head!.lastModified.getTime()).toBeGreaterThan(Date.now() - 10 * 60_000)
  })

  it('writes a stream as it arrives', async () => {
    const parts = Array.from({ length: 50 }, (_, n) => Buffer.alloc(20_000, n))
    await storage.put('media/stream.bin', Readable.from(parts), { contentType: 'application/octet-stream' })
    const found = await storage.get('media/stream.bin')
    expect(await bytesOf(found!.body)).toEqual(Buffer.concat(parts))
    expect(found!.info.size).toBe(1_000_000)
  })

  it('stores a copy of a local file, which stays where it was', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hbnb-storage-file-'))
    try {
      const path = join(dir, 'photo.jpg')
      const bytes = Buffer.concat(Array.from({ length: 30 }, (_, n) => Buffer.alloc(10_000, n)))
      await writeFile(path, bytes)
      await storage.putFile('originals/copied.jpg', path, { contentType: 'image/jpeg' })
      const found = await storage.get('originals/copied.jpg')
      expect((await bytesOf(found!.body)).equals(bytes)).toBe(true)
      expect(found!.info).toMatchObject({ size: bytes.length, contentType: 'image/jpeg' })
      expect((await readFile(path)).equals(bytes)).toBe(true)
      await expect(storage.putFile('../outside', path, { contentType: 'image/jpeg' })).rejects.toThrow(
        InvalidObjectKeyError,
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('replaces an object put again under the same key', async () => {
    await storage.put('media/replace.txt', Buffer.from('first'), { contentType: 'text/plain' })
    await storage.put('media/replace.txt', Buffer.from('second, longer'), { contentType: 'text/markdown' })
    const found = await storage.get('media/replace.txt')
    expect(await text(found!.body)).toBe('second, longer')
    expect(found!.info.contentType).toBe('text/markdown')
    expect(found!.info.cacheControl).toBeUndefined()
  })

  it('answers undefined for a missing object, and deleting one twice is not an error', async () => {
    expect(await storage.get('media/none.jpg')).toBeUndefined()
    expect(await storage.head('media/none.jpg')).toBeUndefined()
    await storage.put('media/gone.txt', Buffer.from('x'), { contentType: 'text/plain' })
    await storage.delete('media/gone.txt')
    await storage.delete('media/gone.txt')
    expect(await storage.head('media/gone.txt')).toBeUndefined()
    expect(await keysOf(storage, 'media/gone')).toEqual([])
  })

  it('lists by prefix, with sizes', async () => {
    const keys = ['list/b/2.txt', 'list/a-z.txt', 'list/a/1.txt', 'list/a/0.txt', 'listing/x.txt']
    for (const key of keys) await storage.put(key, Buffer.from(key), { contentType: 'text/plain' })
    expect((await keysOf(storage, 'list/')).sort()).toEqual([
      'list/a-z.txt',
      'list/a/0.txt',
      'list/a/1.txt',
      'list/b/2.txt',
    ])
    expect((await keysOf(storage, 'list/a')).sort()).toEqual(['list/a-z.txt', 'list/a/0.txt', 'list/a/1.txt'])
    expect(await keysOf(storage, 'list')).toContain('listing/x.txt')
    expect(await keysOf(storage, 'nothing/')).toEqual([])
    const listed = []
    for await (const object of storage.list('list/b/')) listed.push(object)
    expect(listed).toEqual([{ key: 'list/b/2.txt', size: 12, lastModified: expect.any(Date) }])
  })

  it('lists more objects than one page of S3 holds (1,000)', async () => {
    const keys = Array.from({ length: 1005 }, (_, n) => `many/${String(n).padStart(4, '0')}`)
    for (const key of keys) await storage.put(key, Buffer.from('.'), { contentType: 'text/plain' })
    expect((await keysOf(storage, 'many/')).sort()).toEqual(keys)
  }, 120_000)

  it('gives a direct upload of one size and type, or says it has none', async () => {
    const body = Buffer.from('direct upload body')
    const upload = await storage.directUpload('uploads/direct.txt', {
      contentType: 'text/plain',
      size: body.length,
      expiresInSeconds: 60,
    })
    if (!harness.directUploads) {
      expect(upload).toBeUndefined()
      return
    }
    expect(upload!.expiresAt.getTime()).toBeGreaterThan(Date.now())
    // The length and type are signed (X-Amz-SignedHeaders): AWS refuses other ones. s3rver does not
    // check SigV4 signatures, so that refusal is not tested here; the photo service checks what
    // arrived anyway (photos.test.ts).
    expect(new URL(upload!.url).searchParams.get('X-Amz-SignedHeaders')).toBe(
      'content-length;content-type;host',
    )
    expect(await storage.head('uploads/direct.txt')).toBeUndefined()
    const sent = await fetch(upload!.url, { method: upload!.method, headers: upload!.headers, body })
    expect(sent.status).toBe(200)
    const found = await storage.get('uploads/direct.txt')
    expect(await text(found!.body)).toBe('direct upload body')
    expect(found!.info.contentType).toBe('text/plain')
  })

  it('refuses a direct upload after it expired', async () => {
    if (!harness.directUploads) return
    const body = Buffer.from('late')
    const upload = await storage.directUpload('uploads/late.txt', {
      contentType: 'text/plain',
      size: body.length,
      expiresInSeconds: 1,
    })
    await new Promise((resolve) => setTimeout(resolve, 2100))
    const late = await fetch(upload!.url, { method: upload!.method, headers: upload!.headers, body })
    expect(late.status).toBe(403)
    expect(await storage.head('uploads/late.txt')).toBeUndefined()
  })

  it('refuses keys that could leave the store or mean another object', async () => {
    for (const key of [
      '',
      '../escape',
      'a/../../escape',
      '/absolute',
      'a//b',
      'a/./b',
      '.meta/x',
      'a\\b',
      'spa ce',
    ]) {
      await expect(storage.put(key, Buffer.from('x'), { contentType: 'text/plain' }), key).rejects.toThrow(
        /invalid object key/,
      )
      await expect(storage.get(key), key).rejects.toThrow(/invalid object key/)
    }
    await expect(keysOf(storage, '../')).rejects.toThrow(/invalid object key/)
  })
}
