import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { FileObjectStorage } from '../../src/infra/storage/file.js'
import { createObjectStorage } from '../../src/infra/storage/index.js'
import { S3ObjectStorage } from '../../src/infra/storage/s3.js'
import { S3TestServer } from '../helpers/s3-server.js'
import { storageContract } from './storage-contract.js'

describe('Object storage: file driver', () => {
  let dir: string
  storageContract(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hbnb-storage-'))
    return {
      storage: new FileObjectStorage(join(dir, 'storage')),
      directUploads: false,
      close: () => rm(dir, { recursive: true, force: true }),
    }
  })

  it('leaves no partial file behind', async () => {
    expect(await readdir(join(dir, 'storage', '.partial'))).toEqual([])
  })
})

describe('Object storage: S3 driver (s3rver on loopback)', () => {
  storageContract(async () => {
    const server = await new S3TestServer().start()
    const storage = new S3ObjectStorage(server.options())
    return {
      storage,
      directUploads: true,
      async close() {
        await storage.close()
        await server.close()
      },
    }
  })
})

describe('Object storage: choosing and failing', () => {
  const server = new S3TestServer(['media'])
  beforeAll(async () => {
    await server.start()
  })
  afterAll(async () => {
    await server.close()
  })

  it('uses S3 when a bucket is set, files otherwise', () => {
    const base = { HBNB_ENV: 'test', HBNB_DATA_DIR: '/tmp/hbnb-x' }
    expect(createObjectStorage(loadConfig(base, false)).kind).toBe('file')
    const s3 = loadConfig({ ...base, HBNB_S3_BUCKET: 'media', HBNB_S3_ENDPOINT: server.endpoint }, false)
    expect(createObjectStorage(s3).kind).toBe('s3')
    expect(() => loadConfig({ ...base, HBNB_S3_ACCESS_KEY_ID: 'only-one' }, false)).toThrow(
      /set both or neither/,
    )
    expect(() => loadConfig({ ...base, HBNB_S3_BUCKET: 'Not_A_Bucket' }, false)).toThrow(/HBNB_S3_BUCKET/)
  })

  it('reports wrong credentials and a missing bucket as errors, not as missing objects', async () => {
    const wrongKey = new S3ObjectStorage({
      ...server.options(),
      credentials: { accessKeyId: 'nobody', secretAccessKey: 'x' },
    })
    await expect(wrongKey.put('a.txt', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toThrow()
    await wrongKey.close()
    const noBucket = new S3ObjectStorage(server.options('no-such-bucket'))
    await expect(noBucket.put('a.txt', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toThrow()
    await noBucket.close()
  })

  it('reports an unreachable server as an error', async () => {
    const away = new S3ObjectStorage({ ...server.options(), endpoint: 'http://127.0.0.1:9' })
    await expect(away.head('a.txt')).rejects.toThrow()
    await away.close()
  })
})
