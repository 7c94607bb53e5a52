// Per-request read routing: which client is reading, and reads that must go to the primary.
import { AsyncLocalStorage } from 'node:async_hooks'

/** The client an API request acts for, as far as read-your-writes is concerned. */
export interface ReadClient {
  /** The caller's network address (X-Forwarded-For behind a trusted proxy). */
  address: string
  /** The authenticated user, once the request's token has been verified. */
  userId?: string
  /** Set by a write on the primary: this request's later reads go to the primary too. */
  wrote: boolean
  /** The client's last recorded write position, looked up once per request (and per identity). */
  lastWrite?: Promise<string | undefined>
  /** Replicas found to have applied `lastWrite` during this request. */
  caughtUp: Set<string>
}

export interface ReadContext {
  /** Every read in this scope goes to the primary (for example, reads that fill a shared cache). */
  primaryOnly: boolean
  /** Set for API requests only: reads without a client (jobs, CLI commands) go to the primary. */
  client?: ReadClient
}

const storage = new AsyncLocalStorage<ReadContext>()

export function currentReadContext(): ReadContext | undefined {
  return storage.getStore()
}

/** Runs `work` with all its reads on the primary, so that it never sees a lagging replica. */
export function readFromPrimary<T>(work: () => Promise<T>): Promise<T> {
  const context = storage.getStore()
  // Without a client (no read scope: no replicas, or outside requests) every read goes to the
  // primary already. Not entering a scope then keeps AsyncLocalStorage, whose first `run` installs
  // promise hooks that slow down every promise of the process, out of single-database servers.
  if (!context?.client || context.primaryOnly) return work()
  return storage.run({ ...context, primaryOnly: true }, work)
}

/** The read context of one API request from `address`. */
export function requestReadContext(address: string): ReadContext {
  return { primaryOnly: false, client: { address, wrote: false, caughtUp: new Set() } }
}

export function runInReadContext<T>(context: ReadContext, work: () => T): T {
  return storage.run(context, work)
}

/** Records who the current request acts for, so that reads see that user's own recent writes. */
export function identifyReader(userId: string) {
  const client = storage.getStore()?.client
  if (!client || client.userId === userId) return
  client.userId = userId
  client.lastWrite = undefined
  client.caughtUp.clear()
}

/** The keys a client's writes are recorded under: the user when known, and the address. */
export function clientKeys(client: ReadClient): string[] {
  const address = `ip:${client.address}`
  return client.userId ? [`user:${client.userId}`, address] : [address]
}
