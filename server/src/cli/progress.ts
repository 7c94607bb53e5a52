// A small progress bar for long CLI jobs: percent, count, rate and time left. On a terminal it redraws
// one line with \r; elsewhere (a log file, CI) it writes a plain line now and then.

export interface ProgressStream {
  write(text: string): unknown
  isTTY?: boolean
}

export interface Progress {
  /** Adds `count` finished units. */
  tick(count: number): void
  /** Draws the final state and ends the line. */
  done(): void
}

const BAR_WIDTH = 24
const REDRAW_MS = 100
const LINE_EVERY_MS = 10_000

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?'
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = String(s % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`
}

const count = (n: number) => Math.round(n).toLocaleString('en-US')

export function createProgress(
  label: string,
  total: number,
  unit: string,
  stream: ProgressStream = process.stderr,
  clock: () => number = Date.now,
): Progress {
  const tty = Boolean(stream.isTTY)
  const started = clock()
  let done = 0
  let lastDraw = 0
  let lastLine = started
  let lastTenth = 0
  let lastPrinted = -1

  const render = () => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1
    const elapsed = (clock() - started) / 1000
    const rate = elapsed > 0 ? done / elapsed : 0
    const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY
    const filled = Math.round(fraction * BAR_WIDTH)
    const bar = tty ? ` [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]` : ''
    const percent = `${(fraction * 100).toFixed(fraction < 1 ? 1 : 0)}%`.padStart(6)
    return (
      `${label}${bar} ${percent} ${count(done)}/${count(total)} ${unit}, ${count(rate)}/s, ` +
      (done >= total ? `took ${duration(elapsed)}` : `ETA ${duration(eta)}`)
    )
  }

  const draw = (final: boolean) => {
    const now = clock()
    if (tty) {
      if (!final && now - lastDraw < REDRAW_MS) return
      lastDraw = now
      stream.write(`\r${render()}\x1b[K${final ? '\n' : ''}`)
      return
    }
    const tenth = total > 0 ? Math.floor((done / total) * 10) : 10
    if ((final && lastPrinted !== done) || tenth > lastTenth || now - lastLine >= LINE_EVERY_MS) {
      lastTenth = tenth
      lastLine = now
      lastPrinted = done
      stream.write(`${render()}\n`)
    }
  }

  return {
    tick(n: number) {
      done += n
      draw(false)
    },
    done() {
      draw(true)
    },
  }
}
