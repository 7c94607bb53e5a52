// Rewrites the README's configuration table from the settings in server/src/config.ts
// (run after `npm run build --workspace server`); `server/test/unit/readme.test.ts` checks they agree.
import { readFileSync, writeFileSync } from 'node:fs'
import { settingsTable } from '../server/dist/config.js'

const README = new URL('../README.md', import.meta.url)
const HEADER = '| Variable | Default | What it does |'
const readme = readFileSync(README, 'utf8')
const start = readme.indexOf(HEADER)
if (start < 0) throw new Error(`README.md has no line starting with ${HEADER}`)
const lines = readme.slice(start).split('\n')
const rows = lines.findIndex((line) => !line.startsWith('|'))
const end = start + lines.slice(0, rows).join('\n').length
writeFileSync(README, readme.slice(0, start) + settingsTable() + readme.slice(end))
console.log(`README.md: ${rows} table lines replaced by ${settingsTable().split('\n').length}`)
