#!/usr/bin/env node
// Entry point of the `hbnb` command: runs the compiled CLI (built by `npm ci` / `npm run build`).
import { existsSync } from 'node:fs'

const [major] = process.versions.node.split('.').map(Number)
if (major < 22) {
  console.error(
    `hbnb: Node.js ${process.versions.node} is too old: HBNB needs Node 22 or 24. In the repository, \`. scripts/node24.sh\` fetches Node 24 from the npm registry for this shell.`,
  )
  process.exit(1)
}

// V8's defaults favour throughput over memory on a server. Node 24 lets the young generation grow to
// about 50 MB by start-up alone, and under load V8 lets the old generation grow to three or four
// times what is live before it collects: a process serving 12,000 details a second reached 400 MB
// though 50 MB were live. Capped at 4 MB per semi-space, and with the old generation collected once
// it grew by 20 % of what was live, the same load peaks near 200 MB for no more CPU per request
// (docs/benchmarks.md). The process replaces itself (same pid, same arguments) with these flags,
// unless the caller chose either of them.
// It also caps glibc's malloc arenas at 2 (unless MALLOC_ARENA_MAX is set): the image library's
// threads otherwise each grow an arena of their own, and 20 photos made into variants peaked at
// 600 MB instead of 340 (docs/benchmarks.md, "Photos").
const HEAP_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=20']
const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]
const chosen = given.some((option) => HEAP_FLAGS.some((flag) => option.startsWith(flag.split('=')[0])))
if (!chosen && typeof process.execve === 'function') {
  try {
    process.execve(
      process.execPath,
      [process.execPath, ...process.execArgv, ...HEAP_FLAGS, ...process.argv.slice(1)],
      { MALLOC_ARENA_MAX: '2', ...process.env },
    )
  } catch {
    // Could not replace the process: run as it is, with V8's default heap sizing.
  }
}

const main = new URL('../dist/main.js', import.meta.url)
if (!existsSync(main)) {
  console.error('hbnb: the server is not built yet. Run `npm run build` in the repository root first.')
  process.exit(1)
}
await import(main.href)
