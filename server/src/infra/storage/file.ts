// Objects as files under a directory (the embedded default): `<dir>/<key>`, with what the file
// system cannot hold (content type, cache control) beside it in `<dir>/.meta/<key>.json`. Writes go
// to `<dir>/.partial/` first and are renamed into place, so a reader never sees half an object.
import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  checkObjectKey,
  checkObjectPrefix,
  type ListedObject,
  type ObjectInfo,
  type ObjectStorage,
  type PutOptions,
} from './port.js'

const META_DIR = '.meta'
const PARTIAL_DIR = '.partial'

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT'
}

export class FileObjectStorage implements ObjectStorage {
  readonly kind = 'file'

  constructor(private readonly dir: string) {}

  private pathOf(key: string): string {
    return join(this.dir, checkObjectKey(key))
  }

  private metaPathOf(key: string): string {
    return join(this.dir, META_DIR, `${checkObjectKey(key)}.json`)
  }

  /** Writes a file through a partial file renamed into place. */
  /** `body`, or a copy of the local file `{ file }` (made by the kernel: no bytes pass through here). */
  private async writeAtomically(
    path: string,
    body: Buffer | string | Readable | { file: string },
  ): Promise<void> {
    const partial = join(this.dir, PARTIAL_DIR, randomUUID())
    await mkdir(dirname(partial), { recursive: true })
    try {
      if (typeof body === 'string' || Buffer.isBuffer(body)) await writeFile(partial, body)
      else if ('file' in body) await copyFile(body.file, partial)
      else await pipeline(body, createWriteStream(partial))
      await mkdir(dirname(path), { recursive: true })
      await rename(partial, path)
    } catch (error) {
      await rm(partial, { force: true })
      throw error
    }
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions): Promise<void> {
    await this.store(key, body, options)
  }

  async putFile(key: string, path: string, options: PutOptions): Promise<void> {
    await this.store(key, { file: path }, options)
  }

  private async store(key: string, body: Buffer | Readable | { file: string }, options: PutOptions) {
    const path = this.pathOf(key)
    const meta = { contentType: options.contentType, cacheControl: options.cacheControl }
    await this.writeAtomically(path, body)
    await this.writeAtomically(this.metaPathOf(key), JSON.stringify(meta))
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const path = this.pathOf(key)
    try {
      const [stats, meta] = await Promise.all([stat(path), this.metaOf(key)])
      if (!stats.isFile()) return undefined
      return {
        key,
        size: stats.size,
        contentType: meta.contentType ?? 'application/octet-stream',
        ...(meta.cacheControl ? { cacheControl: meta.cacheControl } : {}),
        lastModified: stats.mtime,
      }
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  private async metaOf(key: string): Promise<{ contentType?: string; cacheControl?: string }> {
    try {
      return JSON.parse(await readFile(this.metaPathOf(key), 'utf8'))
    } catch (error) {
      if (isMissing(error)) return {}
      throw error
    }
  }

  async get(key: string): Promise<{ body: Readable; info: ObjectInfo } | undefined> {
    const info = await this.head(key)
    if (!info) return undefined
    return { body: createReadStream(this.pathOf(key)), info }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true })
    await rm(this.metaPathOf(key), { force: true })
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    checkObjectPrefix(prefix)
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : ''
    const keys: string[] = []
    await this.collectKeys(base, keys)
    const matching = keys.filter((key) => key.startsWith(prefix)).sort()
    for (const key of matching) {
      const stats = await stat(join(this.dir, key)).catch((error) => {
        if (isMissing(error)) return undefined
        throw error
      })
      if (stats) yield { key, size: stats.size, lastModified: stats.mtime }
    }
  }

  private async collectKeys(relative: string, keys: string[]): Promise<void> {
    const entries = await readdir(join(this.dir, relative), { withFileTypes: true }).catch((error) => {
      if (isMissing(error)) return []
      throw error
    })
    for (const entry of entries) {
      if (relative === '' && (entry.name === META_DIR || entry.name === PARTIAL_DIR)) continue
      const key = relative === '' ? entry.name : `${relative}/${entry.name}`
      if (entry.isDirectory()) await this.collectKeys(key, keys)
      else if (entry.isFile()) keys.push(key)
    }
  }

  async directUpload(key: string): Promise<undefined> {
    checkObjectKey(key)
    return undefined
  }

  async close(): Promise<void> {}
}
