// Per-request read routing: which client is reading, and reads that must go to the primary.
import { AsyncLocalStorage } from 'node:async_hooks'

export interface ReadContext {
  /** Every read in this scope goes to the primary (for example, reads that fill a shared cache). */
  primaryOnly: boolean
}

const storage = new AsyncLocalStorage<ReadContext>()

export function currentReadContext(): ReadContext | undefined {
  return storage.getStore()
}

/** Runs `work` with all its reads on the primary, so that it never sees a lagging replica. */
export function readFromPrimary<T>(work: () => Promise<T>): Promise<T> {
  return storage.run({ ...storage.getStore(), primaryOnly: true }, work)
}
