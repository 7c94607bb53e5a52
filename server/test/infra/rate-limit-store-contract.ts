// The contract every rate-limit store driver passes: counts per key in a window that opens at the
// first request, starts again once it ends, and is shared by every handle of the same store.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RateLimitStore } from '../../src/infra/rate-limit/port.js'

export interface RateLimitStoreHarness {
  store: RateLimitStore
  /** Another handle on the same store (another API process, for a shared driver). */
  peer: RateLimitStore
  close(): Promise<void>
}

const MINUTE = 60_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function rateLimitStoreContract(start: () => Promise<RateLimitStoreHarness>) {
  let harness: RateLimitStoreHarness
  beforeAll(async () => {
    harness = await start()
  })
  afterAll(async () => {
    await harness?.close()
  })

  it('counts each request of a key, with the time left in the window', async () => {
    const key = randomUUID()
    const first = await harness.store.hit(key, MINUTE)
    expect(first.count).toBe(1)
    expect(first.resetMs).toBeGreaterThan(MINUTE - 5000)
    expect(first.resetMs).toBeLessThanOrEqual(MINUTE)
    const second = await harness.store.hit(key, MINUTE)
    expect(second.count).toBe(2)
    expect(second.resetMs).toBeLessThanOrEqual(first.resetMs)
  })

  it('keeps keys apart', async () => {
    const [a, b] = [randomUUID(), randomUUID()]
    await harness.store.hit(a, MINUTE)
    await harness.store.hit(a, MINUTE)
    expect((await harness.store.hit(b, MINUTE)).count).toBe(1)
    expect((await harness.store.hit(a, MINUTE)).count).toBe(3)
  })

  it('counts concurrent requests exactly', async () => {
    const key = randomUUID()
    const hits = await Promise.all(Array.from({ length: 20 }, () => harness.store.hit(key, MINUTE)))
    expect(hits.map((hit) => hit.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    )
  })

  it('starts counting again once the window has ended', async () => {
    const key = randomUUID()
    await harness.store.hit(key, 150)
    expect((await harness.store.hit(key, 150)).count).toBe(2)
    await sleep(400)
    const fresh = await harness.store.hit(key, 150)
    expect(fresh.count).toBe(1)
    expect(fresh.resetMs).toBeGreaterThan(0)
  })

  it('counts what every handle of the store counts', async () => {
    const key = randomUUID()
    await harness.store.hit(key, MINUTE)
    await harness.peer.hit(key, MINUTE)
    await harness.store.hit(key, MINUTE)
    expect((await harness.peer.hit(key, MINUTE)).count).toBe(4)
  })
}
