// The security headers of every response: routes, errors, the cache's early answers and the HTTP
// parser's own errors all send `securityHeaders`. API answers are data, never pages: their policy
// lets nothing load, run or frame them. Pages (the web client, the API docs) get their own policy.
import { createHash } from 'node:crypto'

/** JSON and other data: no page may be built from it, nor framed. */
export const DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/**
 * Powerful features no page of ours uses are off for us and anything we might embed; the web
 * client asks for geolocation (the listing editor's "use my location"), from its own origin only.
 * Only features Chromium knows are named: unknown ones print console errors.
 */
const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'geolocation=(self)',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'publickey-credentials-get=()',
  'screen-wake-lock=()',
  'serial=()',
  'usb=()',
  'xr-spatial-tracking=()',
].join(', ')

export interface SecurityHeaderOptions {
  /** `Strict-Transport-Security` max-age; 0: no header (HTTP only, or a proxy sets it). */
  hstsMaxAgeSeconds: number
}

/** The headers every response carries, named as both Fastify and the early answers send them. */
export function securityHeaders(options: SecurityHeaderOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {
    'content-security-policy': DATA_POLICY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // The map tile servers ask for a Referer (OpenStreetMap's tile policy): the origin, never the path.
    'referrer-policy': 'strict-origin-when-cross-origin',
    'permissions-policy': PERMISSIONS_POLICY,
  }
  if (options.hstsMaxAgeSeconds > 0) {
    headers['strict-transport-security'] = `max-age=${options.hstsMaxAgeSeconds}`
  }
  return Object.freeze(headers)
}

/** `'sha256-…'` of a script or style element's text, as a CSP source. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
}

/** The hashes of the inline `<script>` elements (no `src`) of an HTML page. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = []
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const [, attributes = '', body = ''] = match
    if (!/\bsrc\s*=/i.test(attributes)) hashes.push(cspHash(body))
  }
  return hashes
}

/**
 * The CSP source of the host of a tile URL template (`https://{s}.tile.example.org/{z}/{x}/{y}.png`
 * → `https://*.tile.example.org`); undefined for a path on our own origin.
 */
export function tileSource(template: string): string | undefined {
  const match = /^((?:https?:)?\/\/)([^/?#]+)/i.exec(template)
  if (!match) return undefined
  const [, scheme = '', host = ''] = match
  const wildcard = host.replace(/\{s\}/g, '*')
  if (/[{}]/.test(wildcard)) return scheme.startsWith('//') ? '*' : scheme.replace('//', '')
  return `${scheme.startsWith('//') ? '' : scheme}${wildcard}`
}

function policy(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ')
}

/**
 * The web client's policy: its own scripts (and the hashes of any inline one), its own styles
 * (React and Leaflet set styles through the DOM, which CSP allows), the API on the same origin,
 * and the map tiles.
 */
export function webClientPolicy(options: {
  mapTilesUrl: string
  inlineScripts: string[]
  /** Where photos come from when not from the API (a CDN, the bucket). */
  mediaOrigin?: string | undefined
  /** Where direct uploads go (the S3 bucket). */
  uploadOrigin?: string | undefined
}): string {
  const tiles = tileSource(options.mapTilesUrl)
  const withTiles = (sources: string[]) => (tiles ? [...sources, tiles] : sources)
  const and = (origin: string | undefined) => (origin ? [origin] : [])
  return policy({
    'default-src': ["'self'"],
    'script-src': ["'self'", ...options.inlineScripts],
    'style-src': ["'self'"],
    'img-src': withTiles(["'self'", 'data:', ...and(options.mediaOrigin)]),
    'connect-src': withTiles(["'self'", ...and(options.uploadOrigin)]),
    'font-src': ["'self'"],
    'manifest-src': ["'self'"],
    'worker-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  })
}

/**
 * The one inline stylesheet of Swagger UI, inside the logo SVG of its top bar (`<defs><style>`). A
 * new version of swagger-ui that changes it makes the web end-to-end suite report the violation.
 */
const SWAGGER_LOGO_STYLE = '.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}'

/** Swagger UI: its own scripts and styles (and its logo's), the OpenAPI document, data: icons. */
export const DOCS_POLICY = policy({
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", cspHash(SWAGGER_LOGO_STYLE)],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
})

/**
 * A server-made page with one inline stylesheet and no script at all (the landing page, the
 * development outbox). `inlineStyleAttributes`: any inline style is allowed, for pages showing
 * HTML made elsewhere (emails) in a sandboxed `srcdoc` frame, which inherits this policy.
 */
export function plainPagePolicy(style: string, options: { inlineStyleAttributes?: boolean } = {}): string {
  return policy({
    'default-src': ["'none'"],
    'style-src': options.inlineStyleAttributes ? ["'unsafe-inline'"] : [cspHash(style)],
    'img-src': ["'self'", 'data:'],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  })
}
