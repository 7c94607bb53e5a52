// Lists answered from items serialized once per version. A list's rows cost most where the database
// driver turns their text columns into strings and the serializer turns them back into JSON
// (docs/benchmarks.md); when each row carries a version that changes with it, the list reads only the
// ids and versions of its page, reuses the bytes made for those versions, and reads and serializes
// only the rows it has not seen in that version. The memo is this process's: it never answers
// without the database saying which versions are current, so it needs no invalidation.
import { hash } from 'node:crypto'
import { Lru } from './memory.js'
import type { CachedResponse } from './response-cache.js'

/** One item of a list: its JSON as UTF-8, and the SHA-1 of those bytes. */
export interface ItemBytes {
  json: Buffer
  digest: Buffer
}

/** Serializes one item of a list (a route's compiled serializer of its item schema). */
export type SerializeItem = (item: unknown) => string

export function itemBytesOf(item: unknown, serialize: SerializeItem): ItemBytes {
  const json = Buffer.from(serialize(item))
  return { json, digest: hash('sha1', json, 'buffer') }
}

const OPEN = Buffer.from('[')
const COMMA = Buffer.from(',')
const CLOSE = Buffer.from(']')

/**
 * A strong ETag for a list of items: the SHA-1 of their digests (a change to any byte of an item
 * changes its digest, so changes the ETag) instead of hashing the whole body again.
 */
function etagOfItems(items: readonly ItemBytes[]): string {
  return `"l${hash('sha1', Buffer.concat(items.map((item) => item.digest)), 'base64url')}"`
}

function bodyOf(items: readonly ItemBytes[]): Buffer {
  const parts: Buffer[] = [OPEN]
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(COMMA)
    parts.push(items[i]!.json)
  }
  parts.push(CLOSE)
  return Buffer.concat(parts)
}

function withPage(response: { body: Buffer; etag: string }, page: { total?: number; next?: string }) {
  return {
    body: response.body,
    etag: response.etag,
    ...(page.total !== undefined ? { total: page.total } : {}),
    ...(page.next !== undefined ? { next: page.next } : {}),
  }
}

/** The items as one JSON array, with their ETag. */
export function listResponseOf(
  items: readonly ItemBytes[],
  page: { total?: number; next?: string } = {},
): CachedResponse {
  return withPage({ body: bodyOf(items), etag: etagOfItems(items) }, page)
}

/** Pages whose bodies are kept, and the largest body kept: at most 16 MB in all. */
const MAX_PAGES = 8
const MAX_PAGE_BYTES = 2 * 1024 * 1024

/** Items kept at most: about 10 MB for listings of 1 kB. */
const MAX_ITEMS = 10_000

/** A memo of items' bytes by `id@version`, for one serializer. */
export class VersionedItems {
  private readonly items = new Lru<ItemBytes>(MAX_ITEMS)
  private readonly pages = new Lru<{ body: Buffer; etag: string }>(MAX_PAGES)

  /**
   * `items` as the response of the page `key` (its request): the body made for the page last time
   * when its items are the same, so a page that did not change costs no new buffer of its size.
   */
  pageResponseOf(
    key: string,
    items: readonly ItemBytes[],
    page: { total?: number; next?: string },
  ): CachedResponse {
    const etag = etagOfItems(items)
    const last = this.pages.get(key)
    if (last?.etag === etag) return withPage(last, page)
    const made = { body: bodyOf(items), etag }
    if (made.body.length <= MAX_PAGE_BYTES) this.pages.set(key, made)
    return withPage(made, page)
  }

  /**
   * The bytes of each of `versions`, in their order: those made before are reused; the rest are read
   * with `load` (rows by id with their current version, any order), turned into items by `view` and
   * serialized. A row deleted between the two reads is left out, as if deleted just before.
   */
  async bytesOf<Row extends { id: string; version: string }>(
    versions: readonly { id: string; version: string }[],
    load: (ids: string[]) => Promise<Row[]>,
    view: (row: NoInfer<Row>) => unknown,
    serialize: SerializeItem,
  ): Promise<ItemBytes[]> {
    const found = versions.map(({ id, version }) => this.items.get(`${id}@${version}`))
    const missing = versions.filter((_, i) => found[i] === undefined).map(({ id }) => id)
    if (missing.length === 0) return found as ItemBytes[]
    const rows = new Map((await load(missing)).map((row) => [row.id, row]))
    const items: ItemBytes[] = []
    for (let i = 0; i < versions.length; i++) {
      let item = found[i]
      if (!item) {
        const row = rows.get(versions[i]!.id)
        if (!row) continue
        item = itemBytesOf(view(row), serialize)
        // Under the version read with the row: it may be newer than the page's if it changed meanwhile.
        this.items.set(`${row.id}@${row.version}`, item)
      }
      items.push(item)
    }
    return items
  }
}
