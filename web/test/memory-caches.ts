// CacheStorage and Cache in memory, for the service worker's modules (src/sw) in unit tests.

export const ORIGIN = 'https://hbnb.test'

/** A Cache that holds bodies in memory, in the order they were put (as browsers list them). */
export class MemoryCache {
  readonly entries = new Map<string, { body: ArrayBuffer; headers: [string, string][] }>()

  async match(request: RequestInfo | URL): Promise<Response | undefined> {
    const kept = this.entries.get(urlOf(request))
    return kept ? new Response(kept.body.slice(0), { headers: kept.headers }) : undefined
  }

  async put(request: RequestInfo | URL, response: Response): Promise<void> {
    const url = urlOf(request)
    const body = await response.arrayBuffer()
    this.entries.delete(url)
    const headers: [string, string][] = []
    response.headers.forEach((value, name) => {
      headers.push([name, value])
    })
    this.entries.set(url, { body, headers })
  }

  async delete(request: RequestInfo | URL): Promise<boolean> {
    return this.entries.delete(urlOf(request))
  }

  async keys(): Promise<Request[]> {
    return [...this.entries.keys()].map((url) => new Request(url))
  }
}

function urlOf(request: RequestInfo | URL): string {
  if (request instanceof Request) return request.url
  return new URL(String(request), ORIGIN).href
}

export class MemoryStorage {
  readonly caches = new Map<string, MemoryCache>()

  async open(name: string): Promise<MemoryCache> {
    let cache = this.caches.get(name)
    if (!cache) {
      cache = new MemoryCache()
      this.caches.set(name, cache)
    }
    return cache
  }

  async delete(name: string): Promise<boolean> {
    return this.caches.delete(name)
  }

  async has(name: string): Promise<boolean> {
    return this.caches.has(name)
  }

  /** As CacheStorage.match: never creates the cache it is asked to look in. */
  async match(request: RequestInfo | URL, options?: { cacheName?: string }): Promise<Response | undefined> {
    const names = options?.cacheName ? [options.cacheName] : [...this.caches.keys()]
    for (const name of names) {
      const hit = await this.caches.get(name)?.match(request)
      if (hit) return hit
    }
    return undefined
  }
}
