// What the HTML of a listing or a search asks the browser for at once, beside the client's entry
// script: the page's own code (its lazily loaded chunks, named by the build's manifest,
// web/dist/.vite/manifest.json) and the rest of the English messages. Without these hints they are
// only requested once the entry script has run, one round trip after another.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

interface ManifestChunk {
  file: string
  isEntry?: boolean
  imports?: string[]
}
type BuildManifest = Record<string, ManifestChunk>

/** The client's source modules each page loads lazily before it shows anything. */
const PAGE_SOURCES = {
  listing: ['src/pages/Place.tsx'],
  search: ['src/pages/Search.tsx'],
} as const
/** Every message of English, which a page other than the home page waits for (web/src/i18n). */
const ENGLISH_MESSAGES = 'src/i18n/en.ts'

export type PreloadedPage = keyof typeof PAGE_SOURCES

export interface PageModules {
  /** Chunks of the page's code that index.html does not already preload, as absolute paths. */
  code: Record<PreloadedPage, string[]>
  /** The chunk of the whole English catalogue, when the build has one. */
  english: string[]
}

function readManifest(root: string): BuildManifest | undefined {
  const path = join(root, '.vite', 'manifest.json')
  if (!existsSync(path)) return undefined
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as BuildManifest
  } catch {
    return undefined
  }
}

/** The manifest keys of `keys` and of every chunk they import, statically, at any depth. */
function withImports(manifest: BuildManifest, keys: readonly string[]): Set<string> {
  const seen = new Set<string>()
  const visit = (key: string) => {
    if (seen.has(key) || !manifest[key]) return
    seen.add(key)
    for (const imported of manifest[key].imports ?? []) visit(imported)
  }
  for (const key of keys) visit(key)
  return seen
}

/** The files of `sources`' chunks that the entry (already in index.html) does not bring. */
function chunksBeyondEntry(manifest: BuildManifest, sources: readonly string[]): string[] {
  const entry = withImports(
    manifest,
    Object.keys(manifest).filter((key) => manifest[key]?.isEntry),
  )
  return [...withImports(manifest, sources)]
    .filter((key) => !entry.has(key))
    .map((key) => `/${manifest[key]?.file}`)
}

/** The chunks to preload per page, from the build in `root`; none when it has no manifest. */
export function pageModules(root: string): PageModules {
  const manifest = readManifest(root)
  if (!manifest) return { code: { listing: [], search: [] }, english: [] }
  return {
    code: {
      listing: chunksBeyondEntry(manifest, PAGE_SOURCES.listing),
      search: chunksBeyondEntry(manifest, PAGE_SOURCES.search),
    },
    english: chunksBeyondEntry(manifest, [ENGLISH_MESSAGES]),
  }
}

/**
 * Whether the reader will likely see the client in English: the first of English and French in their
 * Accept-Language (what the client picks from the browser's languages, unless a choice was saved).
 */
export function readsEnglish(acceptLanguage: string | undefined): boolean {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const base = part.split(';')[0]?.trim().toLowerCase().split('-')[0]
    if (base === 'en') return true
    if (base === 'fr') return false
  }
  return true
}

/**
 * The searches the home page (its best rated places) and a bare /search show first, as the client
 * asks for them (web/src/api/queries/search.ts): a preload serves only a request for the very same
 * URL. Their answers do not depend on who asks. The web end-to-end tests check that they are used.
 */
export const HOME_RESULTS = '/api/v1/search?sort=rating&limit=24'
export const ALL_RESULTS = '/api/v1/search?limit=24'
