// The web client: its settings at GET /api/v1/client-config, and in embedded mode its built files
// (web/dist) at `/`, with index.html for every other page a browser asks for (the SPA's routes).
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join, normalize, sep } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { AppError } from '../errors.js'
import { directUploadOrigin } from '../infra/storage/index.js'
import * as Type from '../json-schema.js'
import type { HttpContext } from './context.js'
import { listingHead, robotsTxt, searchHead, sitemapXml, withHead, withPreloads } from './page-meta.js'
import { ALL_RESULTS, HOME_RESULTS } from './page-preloads.js'
import { publicBase } from './pagination.js'
import { inlineScriptHashes, webClientPolicy } from './security-headers.js'

const ClientConfig = Type.Object({
  map: Type.Object({
    tiles_url: Type.String({ description: 'Tile URL template: `{z}`, `{x}`, `{y}` and optional `{s}`' }),
    attribution: Type.String({ description: 'Attribution to show on the map' }),
  }),
  signup: Type.Boolean({ description: 'Whether self sign-up is open' }),
  photos: Type.Object({
    direct_uploads: Type.Boolean({
      description: 'Whether photos go straight to the S3 bucket (`.../photos/uploads`), else through the API',
    }),
  }),
})

/** Paths that belong to the API and the operators: never answered with the web client. */
const NOT_THE_CLIENT = /^\/(api|healthz|readyz|metrics)(\/|$|\?)/

const IMMUTABLE = 'public, max-age=31536000, immutable'
const REVALIDATE = 'no-cache'

/** The directory of a built web client, or undefined when there is none to serve. */
export function webClientDir(dir: string): string | undefined {
  return dir && existsSync(join(dir, 'index.html')) ? dir : undefined
}

function acceptsHtml(request: FastifyRequest) {
  return String(request.headers.accept ?? '').includes('text/html')
}

/** A file of the build the URL names, relative to the root, or undefined. */
function builtFile(root: string, url: string): string | undefined {
  let path: string
  try {
    path = decodeURIComponent(url.split('?')[0] ?? '/')
  } catch {
    return undefined
  }
  const relative = normalize(path).replace(/^([/\\])+/, '')
  if (!relative || relative.startsWith('..') || relative.includes(`${sep}..`) || relative.includes('\0')) {
    return undefined
  }
  const full = join(root, relative)
  try {
    return statSync(full).isFile() ? relative : undefined
  } catch {
    return undefined
  }
}

/**
 * The client's files are the same for every origin: no CORS headers and no `Vary: Origin`, which
 * would make the service worker's precached copies miss (a blank app offline).
 */
function withoutCors(reply: FastifyReply) {
  for (const name of Object.keys(reply.getHeaders())) {
    if (name === 'vary' || name.startsWith('access-control-')) reply.removeHeader(name)
  }
}

function sendShell(reply: FastifyReply) {
  reply.header('Cache-Control', REVALIDATE)
  return reply.type('text/html; charset=utf-8').sendFile('index.html')
}

/**
 * The policy of the client's pages and files (the service worker's included): hashes of whatever
 * inline script the build put in index.html, so the policy follows the build without a rebuild.
 */
function clientPolicy(root: string, config: Config) {
  const shell = readFileSync(join(root, 'index.html'), 'utf8')
  return webClientPolicy({
    mapTilesUrl: config.mapTilesUrl,
    inlineScripts: inlineScriptHashes(shell),
    ...photoOrigins(config),
  })
}

/** Where the client's photos come from (a CDN, the bucket) and go to (direct uploads), beside its own origin. */
export function photoOrigins(config: Config) {
  const media =
    config.mediaUrl && /^https?:\/\//i.test(config.mediaUrl) ? new URL(config.mediaUrl) : undefined
  return { mediaOrigin: media?.origin, uploadOrigin: directUploadOrigin(config) }
}

/**
 * Registers GET /api/v1/client-config, and the web client when `config.webDir` holds a build.
 * Returns whether the client is served (then it owns `/`).
 */
export async function registerWebClient({ app, config, services }: HttpContext): Promise<boolean> {
  app.get(
    '/api/v1/client-config',
    {
      schema: {
        tags: ['System'],
        summary: 'Settings of the web client (map tiles, sign-up)',
        response: { 200: ClientConfig },
      },
    },
    async () => ({
      map: { tiles_url: config.mapTilesUrl, attribution: config.mapAttribution },
      signup: config.allowSignup,
      photos: { direct_uploads: config.s3Bucket !== undefined },
    }),
  )

  const root = webClientDir(config.webDir)
  if (!root) return false
  const policy = clientPolicy(root, config)
  await app.register(fastifyStatic, {
    root,
    serve: false,
    cacheControl: false,
    // The build writes `.br` and `.gz` beside its files: sent as they are, by Accept-Encoding.
    preCompressed: true,
    setHeaders: (reply, path) => {
      withoutCors(reply)
      reply.header('content-security-policy', policy)
      const name = (path.split(sep).pop() ?? '').replace(/\.(br|gz)$/, '')
      const hashed = path.includes(`${sep}assets${sep}`)
      reply.header('Cache-Control', hashed ? IMMUTABLE : REVALIDATE)
      if (name === 'sw.js') reply.header('Service-Worker-Allowed', '/')
    },
  })

  // Pages search engines index: the shell with their own head (title, description, JSON-LD), and
  // the first data of the page the client will show.
  const shell = readFileSync(join(root, 'index.html'), 'utf8')
  const homePage = withPreloads(shell, { preloadData: [HOME_RESULTS] })
  const sendHtml = (reply: FastifyReply, html: string) => {
    withoutCors(reply)
    reply.header('content-security-policy', policy)
    reply.header('Cache-Control', REVALIDATE)
    return reply.type('text/html; charset=utf-8').send(html)
  }
  const sendPage = (reply: FastifyReply, head: Parameters<typeof withHead>[1]) =>
    sendHtml(reply, withHead(shell, head))
  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendHtml(reply, homePage))
  app.get<{ Params: { id: string } }>('/places/:id', { schema: { hide: true } }, async (request, reply) => {
    if (!acceptsHtml(request)) return reply.callNotFound()
    const base = publicBase(request, config.publicUrl)
    try {
      const place = await services.places.detail(request.params.id, null)
      const cover = (await services.photos.coversOf([place.id])).get(place.id)
      const canonical = `${base}/places/${encodeURIComponent(place.id)}`
      const head = listingHead(
        { ...place, ...(cover ? { image: new URL(cover.src, `${base}/`).toString() } : {}) },
        canonical,
      )
      // The gallery's first picture (the page's largest) as the client shows it: its `sizes` are those
      // of web/src/components/PhotoGallery.tsx, its format the first <source> a browser can take.
      const formats = cover?.srcset
      const [type, srcset] = formats?.avif
        ? ['image/avif', formats.avif]
        : formats?.webp
          ? ['image/webp', formats.webp]
          : ['image/jpeg', formats?.jpeg]
      return sendPage(reply, {
        ...head,
        ...(srcset ? { preloadImage: { srcset, sizes: '(max-width: 900px) 100vw, 60vw', type } } : {}),
        // The detail a published listing shows is the same to everyone, signed in or not.
        preloadData: [`/api/v1/places/${encodeURIComponent(place.id)}`],
      })
    } catch (error) {
      // Not (or no longer) public: the client shows its own "not found", and engines see it gone.
      if (error instanceof AppError && error.status === 404) return sendShell(reply.code(404))
      throw error
    }
  })
  app.get('/search', { schema: { hide: true } }, async (request, reply) => {
    if (!acceptsHtml(request)) return reply.callNotFound()
    const query = new URLSearchParams(request.url.split('?')[1] ?? '')
    return sendPage(reply, {
      ...searchHead(publicBase(request, config.publicUrl), query),
      preloadData: query.size === 0 ? [ALL_RESULTS] : [],
    })
  })
  app.get('/robots.txt', { schema: { hide: true } }, async (request, reply) => {
    withoutCors(reply)
    reply.header('Cache-Control', 'public, max-age=3600')
    return reply.type('text/plain; charset=utf-8').send(robotsTxt(publicBase(request, config.publicUrl)))
  })
  app.get('/sitemap.xml', { schema: { hide: true } }, async (request, reply) => {
    withoutCors(reply)
    reply.header('Cache-Control', REVALIDATE)
    const pages = await services.places.sitemapPages()
    return reply
      .type('application/xml; charset=utf-8')
      .send(sitemapXml(publicBase(request, config.publicUrl), pages))
  })
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    if (NOT_THE_CLIENT.test(request.url)) return reply.callNotFound()
    const file = builtFile(root, request.url)
    if (file) return reply.sendFile(file)
    // A page of the client (its router decides): a browser navigation gets the shell.
    if (acceptsHtml(request) && !/\.\w{1,8}$/.test(request.url.split('?')[0] ?? '')) return sendShell(reply)
    return reply.callNotFound()
  })
  return true
}
