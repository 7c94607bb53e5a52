// The service worker's photo cache: copies of the photos (`/media/` variants, public and named by
// their content, so a copy never goes stale) that pages actually loaded, which is the responsive
// variant the browser chose, so that a listing or a search opened before shows its photos offline.
// It stays within a budget of bytes and of photos, evicting the least recently shown first. Its
// index (size and last use of each photo) is kept beside the photos, in the same cache, so that the
// order survives the worker being stopped and started again. Nothing private is ever kept here.
//
// This file runs in the service worker and in the unit tests (web/test/photo-cache.test.ts): it uses
// only what both have (CacheStorage, Request, Response, Blob).

export interface PhotoBudget {
  /** The most bytes of photos kept. */
  bytes: number
  /** The most photos kept. */
  entries: number
}

/** What a device keeps unless told otherwise: 50 MB and 1,000 photos (each is 2 to 200 kB). */
export const DEFAULT_PHOTO_BUDGET: PhotoBudget = { bytes: 50 * 1024 * 1024, entries: 1000 }

/** The share of the site's storage quota the photos may take at most (small devices). */
export const QUOTA_SHARE = 0.1

export const PHOTO_CACHE = 'hbnb-photos'

/** Where the index is kept, inside the photo cache (no request ever goes there). */
export const PHOTO_INDEX_PATH = '/offline/photos-index.json'

/** What a client may post to the worker: a budget for this device, or null for the default. */
export interface PhotoBudgetMessage {
  type: 'hbnb:photo-budget'
  budget: Partial<PhotoBudget> | null
}

export interface PhotoUsage {
  bytes: number
  entries: number
  budget: PhotoBudget
}

interface Entry {
  size: number
  /** When it was last kept or shown, on the cache's own clock (a counter: no ties). */
  used: number
}

interface IndexFile {
  version: 1
  clock: number
  /** A budget set for this device (PhotoBudgetMessage), else the default. */
  budget: Partial<PhotoBudget> | null
  entries: Record<string, Entry>
}

interface State {
  clock: number
  budget: Partial<PhotoBudget> | null
  entries: Map<string, Entry>
  /** The site's storage quota in bytes, when the browser says. */
  quota: number | undefined
}

export interface PhotoCacheOptions {
  /** The site's storage quota (navigator.storage.estimate()), to stay well within on small devices. */
  quota?: () => Promise<number | undefined>
  defaultBudget?: PhotoBudget
}

/** Bytes and entries of a budget, with what was not set taken from `fallback`; at least 1 photo. */
function complete(budget: Partial<PhotoBudget> | null, fallback: PhotoBudget): PhotoBudget {
  const positive = (value: unknown, otherwise: number) =>
    typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : otherwise
  return {
    bytes: positive(budget?.bytes, fallback.bytes),
    entries: Math.max(1, positive(budget?.entries, fallback.entries)),
  }
}

export class PhotoCache {
  private state: Promise<State> | undefined
  /** Changes to the cache and its index run one after the other. */
  private chain: Promise<unknown> = Promise.resolve()
  private pendingSave: Promise<void> | undefined
  private readonly indexUrl: string

  /** `origin`: the site's origin, which the index's URL is made on. */
  constructor(
    private readonly storage: CacheStorage,
    origin: string,
    private readonly options: PhotoCacheOptions = {},
  ) {
    this.indexUrl = new URL(PHOTO_INDEX_PATH, origin).href
  }

  /** The kept copy of a photo, now the most recently used; undefined when none is kept. */
  async match(url: string): Promise<{ response: Response | undefined; saved: Promise<void> }> {
    const state = await this.load()
    const cache = await this.storage.open(PHOTO_CACHE)
    const response = await cache.match(url, { ignoreVary: true })
    const entry = state.entries.get(url)
    if (!response) {
      // Deleted from outside (the browser cleared site data): forget it.
      if (entry) state.entries.delete(url)
      return { response: undefined, saved: Promise.resolve() }
    }
    if (entry) entry.used = ++state.clock
    return { response, saved: this.save() }
  }

  /** Keeps a copy of a photo a page loaded; the least recently used go while over the budget. */
  async keep(url: string, response: Response): Promise<void> {
    if (response.status !== 200 || (response.type !== 'basic' && response.type !== 'default')) return
    const blob = await response.blob()
    const headers = new Headers(response.headers)
    headers.set('Content-Length', String(blob.size))
    await this.run(async (state) => {
      const budget = this.budgetOf(state)
      // A photo bigger than the whole budget is never kept (it would push out all the others).
      if (blob.size > budget.bytes) return
      const cache = await this.storage.open(PHOTO_CACHE)
      await cache.put(url, new Response(blob, { status: 200, statusText: 'OK', headers }))
      state.entries.set(url, { size: blob.size, used: ++state.clock })
      await this.evict(state, cache, url)
      await this.writeIndex(state, cache)
    })
  }

  /** Sets this device's budget (null: the default) and evicts what is now over it. */
  async setBudget(budget: Partial<PhotoBudget> | null): Promise<PhotoUsage> {
    return this.run(async (state) => {
      state.budget = budget ? complete(budget, this.defaultBudget()) : null
      const cache = await this.storage.open(PHOTO_CACHE)
      await this.evict(state, cache)
      await this.writeIndex(state, cache)
      return this.usageOf(state)
    })
  }

  /** How much is kept, and the budget it stays within. */
  async usage(): Promise<PhotoUsage> {
    return this.run(async (state) => this.usageOf(state))
  }

  private usageOf(state: State): PhotoUsage {
    let bytes = 0
    for (const entry of state.entries.values()) bytes += entry.size
    return { bytes, entries: state.entries.size, budget: this.budgetOf(state) }
  }

  private defaultBudget(): PhotoBudget {
    return this.options.defaultBudget ?? DEFAULT_PHOTO_BUDGET
  }

  /** The budget in force: this device's or the default, and never over a tenth of the quota. */
  private budgetOf(state: State): PhotoBudget {
    const budget = complete(state.budget, this.defaultBudget())
    if (state.quota && state.quota > 0) {
      budget.bytes = Math.min(budget.bytes, Math.floor(state.quota * QUOTA_SHARE))
    }
    return budget
  }

  /** Deletes the least recently used photos (never `keep`) until the cache is within its budget. */
  private async evict(state: State, cache: Cache, keep?: string) {
    const budget = this.budgetOf(state)
    let bytes = 0
    for (const entry of state.entries.values()) bytes += entry.size
    const oldestFirst = [...state.entries].sort(([, a], [, b]) => a.used - b.used)
    for (const [url, entry] of oldestFirst) {
      if (bytes <= budget.bytes && state.entries.size <= budget.entries) break
      if (url === keep) continue
      await cache.delete(url, { ignoreVary: true })
      state.entries.delete(url)
      bytes -= entry.size
    }
  }

  private run<T>(change: (state: State) => Promise<T>): Promise<T> {
    const next = this.chain.then(async () => change(await this.load()))
    this.chain = next.catch(() => undefined)
    return next
  }

  /** Writes the index once for all the uses noted meanwhile. */
  private save(): Promise<void> {
    if (!this.pendingSave) {
      this.pendingSave = this.run(async (state) => {
        this.pendingSave = undefined
        await this.writeIndex(state, await this.storage.open(PHOTO_CACHE))
      })
    }
    return this.pendingSave
  }

  private async writeIndex(state: State, cache: Cache) {
    const file: IndexFile = {
      version: 1,
      clock: state.clock,
      budget: state.budget,
      entries: Object.fromEntries(state.entries),
    }
    await cache.put(
      this.indexUrl,
      new Response(JSON.stringify(file), { headers: { 'Content-Type': 'application/json' } }),
    )
  }

  private load(): Promise<State> {
    this.state ??= this.read().catch((error) => {
      this.state = undefined
      throw error
    })
    return this.state
  }

  /** The index as kept, made to agree with the photos the cache holds. */
  private async read(): Promise<State> {
    const cache = await this.storage.open(PHOTO_CACHE)
    const kept = await cache.match(this.indexUrl)
    const file = kept ? ((await kept.json().catch(() => null)) as IndexFile | null) : null
    const known = file?.version === 1 ? file : null
    const state: State = {
      clock: known?.clock ?? 0,
      budget: known?.budget ?? null,
      entries: new Map(),
      quota: await this.options.quota?.().catch(() => undefined),
    }
    for (const request of await cache.keys()) {
      if (request.url === this.indexUrl) continue
      const entry = known?.entries[request.url]
      if (entry) {
        state.entries.set(request.url, entry)
        continue
      }
      // Kept but not in the index (the worker stopped in between): sized now, the oldest of all.
      const response = await cache.match(request)
      const size = response ? (await response.blob()).size : 0
      state.entries.set(request.url, { size, used: 0 })
    }
    return state
  }
}
