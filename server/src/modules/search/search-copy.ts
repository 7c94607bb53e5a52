// The search copy as the API processes read it: the SQLite file the feeder keeps (copy-feeder.ts),
// searched with SQLite's statements while it is current. A copy that lags, is being loaded or is
// missing answers nothing: MariaDB does.
import { closeSync, openSync, statSync } from 'node:fs'
import type { Database } from '../../db/database.js'
import { createSqliteDatabase } from '../../db/sqlite.js'
import type { Logger } from '../../logger.js'
import { readAppliedThrough, statePath } from './copy-state.js'
import { SearchRepository } from './repository.js'

/** How often the file is looked at again (the feeder replaces it after each load). */
const REOPEN_CHECK_MS = 500
const CATCH_UP_POLL_MS = 2
const RETIRE_AFTER_MS = 60_000

interface Opened {
  database: Database
  inode: number
  repository: SearchRepository
}

export interface SearchCopyOptions {
  path: string
  maxLagMs: number
  logger: Logger
}

export class SearchCopy {
  private opened: Opened | undefined
  /** The state file (copy-state.ts), opened once it exists. */
  private stateFd: number | undefined
  /** Copies replaced by a new load, closed once the searches that were reading them are done. */
  private readonly retiring = new Set<Database>()
  private checkedAt = Number.NEGATIVE_INFINITY

  constructor(private readonly options: SearchCopyOptions) {}

  /** The copy's search repository while the copy has every change up to `maxLagMs` ago; else undefined. */
  current(): SearchRepository | undefined {
    const applied = this.appliedThrough()
    return applied && Date.now() - applied.instant <= this.options.maxLagMs ? applied.repository : undefined
  }

  /**
   * The copy's search repository once it has every change committed before now (for an answer
   * cached for everyone, which must not be older than the write that emptied the cache); undefined
   * when that takes longer than `maxWaitMs`.
   */
  async caughtUp(maxWaitMs: number): Promise<SearchRepository | undefined> {
    const since = Date.now()
    for (;;) {
      const applied = this.appliedThrough()
      if (applied && applied.instant >= since) return applied.repository
      if (Date.now() - since >= maxWaitMs) return undefined
      await new Promise((resolve) => setTimeout(resolve, CATCH_UP_POLL_MS))
    }
  }

  async close() {
    await this.opened?.database.close()
    this.opened = undefined
    for (const database of this.retiring) await database.close()
    this.retiring.clear()
    if (this.stateFd !== undefined) closeSync(this.stateFd)
    this.stateFd = undefined
  }

  /** How far the open copy has got, when the state describes it (a new copy is opened at once). */
  private appliedThrough(): { instant: number; repository: SearchRepository } | undefined {
    let opened = this.open()
    if (this.stateFd === undefined) return undefined
    const state = readAppliedThrough(this.stateFd)
    if (!state) return undefined
    if (state.inode !== opened?.inode) {
      this.checkedAt = Number.NEGATIVE_INFINITY
      opened = this.open()
      if (state.inode !== opened?.inode) return undefined
    }
    return { instant: state.instant, repository: opened.repository }
  }

  /** Closes a replaced copy later: a search that began on it may still have statements to run. */
  private retire(database: Database) {
    this.retiring.add(database)
    setTimeout(() => {
      if (this.retiring.delete(database)) void database.close()
    }, RETIRE_AFTER_MS).unref()
  }

  /** The copy, opened again when the feeder has replaced the file since. */
  private open(): Opened | undefined {
    const now = Date.now()
    if (now - this.checkedAt < REOPEN_CHECK_MS) return this.opened
    this.checkedAt = now
    if (this.stateFd === undefined) {
      try {
        this.stateFd = openSync(statePath(this.options.path), 'r')
      } catch {
        return undefined
      }
    }
    const inode = statSync(this.options.path, { throwIfNoEntry: false })?.ino
    if (this.opened && this.opened.inode === inode) return this.opened
    if (this.opened) this.retire(this.opened.database)
    this.opened = undefined
    if (inode === undefined) return undefined
    try {
      const database = createSqliteDatabase(this.options.path)
      this.opened = { database, inode, repository: new SearchRepository(database, { copy: true }) }
      this.options.logger.info({ path: this.options.path }, 'search copy: opened')
    } catch (error) {
      this.options.logger.warn({ err: error, path: this.options.path }, 'search copy: cannot open it yet')
    }
    return this.opened
  }
}
