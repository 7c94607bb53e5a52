// `npm start` runs this first: it builds the server and the web client only when a source file is
// newer than the last build (`npm ci` builds both, so a fresh clone starts without building again).
import { execFileSync } from 'node:child_process'
import { readdirSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname

const parts = [
  {
    workspace: 'server',
    built: 'server/dist/.tsbuildinfo',
    sources: ['server/src', 'server/tsconfig.json', 'server/tsconfig.build.json', 'server/package.json'],
  },
  {
    workspace: 'web',
    built: 'web/dist/index.html',
    sources: ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'web/package.json'],
  },
]

/** The newest modification time under a file or directory (0 when it does not exist). */
function newest(path) {
  let stats
  try {
    stats = statSync(path)
  } catch {
    return 0
  }
  if (!stats.isDirectory()) return stats.mtimeMs
  let latest = stats.mtimeMs
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)))
  return latest
}

for (const part of parts) {
  const built = newest(join(root, part.built))
  const changed = Math.max(...part.sources.map((source) => newest(join(root, source))))
  if (built > 0 && built >= changed) continue
  console.error(
    `== ${built ? 'sources changed since the last build' : 'not built yet'}: building ${part.workspace}`,
  )
  execFileSync('npm', ['run', 'build', '--silent', '--workspace', part.workspace], {
    cwd: root,
    stdio: 'inherit',
  })
  // An incremental build that changes nothing leaves its output untouched: mark it as up to date.
  const now = new Date()
  utimesSync(join(root, part.built), now, now)
}
