// A search copy fed from a test app's MariaDB (HBNB_SEARCH_COPY), as `hbnb serve` feeds it.
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, beforeAll } from 'vitest'
import type { Database } from '../../src/db/database.js'
import type { Logger } from '../../src/logger.js'
import { SearchCopyFeeder } from '../../src/modules/search/copy-feeder.js'
import { readAppliedThrough, statePath } from '../../src/modules/search/copy-state.js'
import { capturedLogger } from './captured-logger.js'
import type { TestApp } from './test-app.js'

export interface FedCopy {
  feeder: SearchCopyFeeder
  /** Waits until the copy has every change committed before the call. */
  caughtUp(timeoutMs?: number): Promise<void>
  /** The copy's own rows, read from its file. */
  rows(sqlText: string, ...parameters: unknown[]): Record<string, unknown>[]
  lines: string[]
  stop(): Promise<void>
}

/** Starts a feeder of the copy at `path` from `source` and waits for its first load. */
export async function feedCopy(
  source: Database,
  path: string,
  pollMs = 5,
  logger?: Logger,
): Promise<FedCopy> {
  const captured = capturedLogger()
  const feeder = new SearchCopyFeeder({ source, path, pollMs, logger: logger ?? captured.logger })
  feeder.start()
  const copy: FedCopy = {
    feeder,
    lines: captured.lines,
    caughtUp: (timeoutMs = 30_000) => caughtUp(path, Date.now(), timeoutMs),
    rows: (sqlText, ...parameters) => {
      const file = new BetterSqlite3(path, { readonly: true, fileMustExist: true })
      try {
        return file.prepare(sqlText).all(...parameters) as Record<string, unknown>[]
      } finally {
        file.close()
      }
    },
    stop: () => feeder.stop(),
  }
  await copy.caughtUp(60_000)
  return copy
}

/** The instant before which every change is in the copy at `path`, or undefined while it has none. */
export function appliedThrough(path: string): number | undefined {
  const inode = statSync(path, { throwIfNoEntry: false })?.ino
  if (inode === undefined) return undefined
  let fd: number
  try {
    fd = openSync(statePath(path), 'r')
  } catch {
    return undefined
  }
  try {
    const state = readAppliedThrough(fd)
    return state?.inode === inode ? state.instant : undefined
  } finally {
    closeSync(fd)
  }
}

async function caughtUp(path: string, since: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if ((appliedThrough(path) ?? 0) >= since) return
    if (Date.now() > deadline)
      throw new Error(`the search copy at ${path} did not catch up in ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/**
 * The suite's app, started by `start` with a search copy in a directory of its own and a feeder of
 * it from the app's MariaDB (a test that replaces the feeder sets `copy`); both stop after the suite.
 */
export function appWithCopy(start: (env: Record<string, string>) => Promise<TestApp>, maxLagMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'hbnb-search-copy-'))
  const suite = { path: join(dir, 'copy.sqlite') } as { path: string; t: TestApp; copy: FedCopy }
  beforeAll(async () => {
    suite.t = await start({ HBNB_SEARCH_COPY: suite.path, HBNB_SEARCH_COPY_MAX_LAG_MS: String(maxLagMs) })
    suite.copy = await feedCopy(suite.t.app.database, suite.path)
  })
  afterAll(async () => {
    await suite.copy?.stop()
    await suite.t?.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return suite
}
