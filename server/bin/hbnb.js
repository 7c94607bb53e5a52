#!/usr/bin/env node
// Entry point of the `hbnb` command: runs the compiled CLI (built by `npm ci` / `npm run build`).
import { existsSync } from 'node:fs'

const main = new URL('../dist/main.js', import.meta.url)
if (!existsSync(main)) {
  console.error('hbnb: the server is not built yet. Run `npm run build` in the repository root first.')
  process.exit(1)
}
await import(main.href)
