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

const main = new URL('../dist/main.js', import.meta.url)
if (!existsSync(main)) {
  console.error('hbnb: the server is not built yet. Run `npm run build` in the repository root first.')
  process.exit(1)
}
await import(main.href)
