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

// Node 24 lets V8's young generation grow to about 50 MB of memory by start-up alone; capped at 8 MB
// per semi-space it costs a little more garbage collection and far less memory (docs/benchmarks.md).
// The process replaces itself (same pid, same arguments) with the flag, unless the caller chose a size.
// It also caps glibc's malloc arenas at 2 (unless MALLOC_ARENA_MAX is set): the image library's
// threads otherwise each grow an arena of their own, and 20 photos made into variants peaked at
// 600 MB instead of 340 (docs/benchmarks.md, "Photos").
const SEMI_SPACE = '--max-semi-space-size'
const chosen = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((option) =>
  option.startsWith(SEMI_SPACE),
)
if (!chosen && typeof process.execve === 'function') {
  try {
    process.execve(
      process.execPath,
      [process.execPath, ...process.execArgv, `${SEMI_SPACE}=8`, ...process.argv.slice(1)],
      { MALLOC_ARENA_MAX: '2', ...process.env },
    )
  } catch {
    // Could not replace the process: run as it is, with V8's default young generation.
  }
}

const main = new URL('../dist/main.js', import.meta.url)
if (!existsSync(main)) {
  console.error('hbnb: the server is not built yet. Run `npm run build` in the repository root first.')
  process.exit(1)
}
await import(main.href)
