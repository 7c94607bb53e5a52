// The contract every session-store driver passes: states are recorded, a revocation always wins,
// entries expire, and what one handle records another handle of the same store sees.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { SessionStore } from '../../src/infra/sessions/port.js'

export interface SessionStoreHarness {
  store: SessionStore
  /** Another handle on the same store (another API process, for a shared driver). */
  peer: SessionStore
  close(): Promise<void>
}

const MINUTE = 60_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function sessionStoreContract(start: () => Promise<SessionStoreHarness>) {
  let harness: SessionStoreHarness
  beforeAll(async () => {
    harness = await start()
  })
  afterAll(async () => {
    await harness?.close()
  })

  it('knows nothing of a session it was never told about', async () => {
    expect(await harness.store.state(randomUUID())).toBeUndefined()
  })

  it('remembers an active session, and a revocation replaces it', async () => {
    const id = randomUUID()
    await harness.store.rememberActive(id, MINUTE)
    expect(await harness.store.state(id)).toBe('active')
    await harness.store.revoke([id], MINUTE)
    expect(await harness.store.state(id)).toBe('revoked')
  })

  it('never lets a late "active" overwrite a revocation', async () => {
    const id = randomUUID()
    await harness.store.revoke([id], MINUTE)
    await harness.store.rememberActive(id, MINUTE)
    expect(await harness.store.state(id)).toBe('revoked')
  })

  it('revokes several sessions at once, and none for an empty list', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()]
    await harness.store.revoke([], MINUTE)
    await harness.store.revoke(ids, MINUTE)
    for (const id of ids) expect(await harness.store.state(id)).toBe('revoked')
  })

  it('forgets entries once their time is up', async () => {
    const active = randomUUID()
    const revoked = randomUUID()
    await harness.store.rememberActive(active, 150)
    await harness.store.revoke([revoked], 150)
    await sleep(400)
    expect(await harness.store.state(active)).toBeUndefined()
    expect(await harness.store.state(revoked)).toBeUndefined()
  })

  it('shows what one handle records to the other at once', async () => {
    const id = randomUUID()
    await harness.store.rememberActive(id, MINUTE)
    expect(await harness.peer.state(id)).toBe('active')
    await harness.peer.revoke([id], MINUTE)
    expect(await harness.store.state(id)).toBe('revoked')
  })
}
