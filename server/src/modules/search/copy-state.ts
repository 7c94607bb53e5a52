// How far the search copy has got, in a small file next to it (`<copy>.applied`) rather than in the
// copy itself: a write to the copy makes every reading connection drop its page cache, and the feeder
// says how far it has got at every poll (50 times a second), whether or not anything changed.
// The file holds the inode of the copy it describes (a load writes a new copy) and the instant
// before which every change is in that copy.
import { closeSync, openSync, readSync, writeSync } from 'node:fs'

const BYTES = 48
/** The readers' buffer (reads are synchronous: one is enough for the process). */
const readBuffer = Buffer.alloc(BYTES)

export interface AppliedThrough {
  /** The inode of the copy's file. */
  inode: number
  /** Every change committed before this instant (ms since the epoch) is in the copy. */
  instant: number
}

export function statePath(copyPath: string): string {
  return `${copyPath}.applied`
}

/** The feeder's side: writes the state in place (one small write at the start of the file). */
export class AppliedThroughWriter {
  private readonly fd: number

  constructor(copyPath: string) {
    this.fd = openSync(statePath(copyPath), 'w')
  }

  write(state: AppliedThrough) {
    writeSync(this.fd, Buffer.from(`${state.inode} ${state.instant}`.padEnd(BYTES)), 0, BYTES, 0)
  }

  close() {
    closeSync(this.fd)
  }
}

/** The state as last written, or undefined while there is none. */
export function readAppliedThrough(fd: number): AppliedThrough | undefined {
  const read = readSync(fd, readBuffer, 0, BYTES, 0)
  const match = /^(\d+) (\d+)/.exec(readBuffer.toString('latin1', 0, read))
  return match ? { inode: Number(match[1]), instant: Number(match[2]) } : undefined
}
