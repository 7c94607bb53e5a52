// The files of a first visit's download in the built app (web/dist): the entry script and the
// chunks index.html preloads.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const DIST = fileURLToPath(new URL('../dist/', import.meta.url))

/** The initial JavaScript files, relative to DIST; fails saying what to do when the app is not built. */
export function initialScripts(): string[] {
  const index = join(DIST, 'index.html')
  if (!existsSync(index)) {
    throw new Error('the web client is not built: run `npm run build` (npm ci does it) and test again')
  }
  const html = readFileSync(index, 'utf8')
  const scripts = [...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g)].map((m) => m[1] as string)
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+\.js)"/g)].map(
    (m) => m[1] as string,
  )
  return [...new Set([...scripts, ...preloads])]
}
