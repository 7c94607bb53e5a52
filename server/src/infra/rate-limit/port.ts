// The rate-limit store port: counters of requests per key in fixed windows, shared by every API
// process when the driver is shared (Redis).

export interface RateLimitHit {
  /** Requests counted in the current window, this one included. */
  count: number
  /** Milliseconds until the window ends and the count starts again from zero. */
  resetMs: number
}

export interface RateLimitStore {
  /** Counts one request for the key; a window opens at the first request and lasts `windowMs`. */
  hit(key: string, windowMs: number): Promise<RateLimitHit>
}
