import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import react from '@vitejs/plugin-react'
import { build, defineConfig, type Plugin } from 'vite'

/**
 * Emits sw.js: the service worker of src/sw/sw.ts, bundled into one classic script, with the build's
 * version and the files to precache (index.html and every built file) filled in, so the app opens
 * offline and installs as a PWA. It also keeps the last API reads and the photos pages showed, for
 * offline use (see src/sw/).
 */
function serviceWorker(): Plugin {
  let root = ''
  return {
    name: 'hbnb-service-worker',
    apply: 'build',
    configResolved(config) {
      root = config.root
    },
    async generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((name) => !name.endsWith('.map') && name !== 'sw.js')
        .map((name) => `/${name}`)
      const precache = ['/', '/manifest.webmanifest', '/icon.svg', '/icon-192.png', '/icon-512.png', ...files]
      const version = createHash('sha256').update(files.sort().join('\n')).digest('hex').slice(0, 12)
      const built = await build({
        configFile: false,
        root,
        logLevel: 'warn',
        publicDir: false,
        define: {
          __HBNB_SW_VERSION__: JSON.stringify(version),
          __HBNB_SW_PRECACHE__: JSON.stringify([...new Set(precache)]),
        },
        build: {
          write: false,
          target: 'es2022',
          minify: true,
          lib: { entry: join(root, 'src/sw/sw.ts'), formats: ['iife'], name: 'hbnbServiceWorker' },
        },
      })
      const output = (Array.isArray(built) ? built : [built]).flatMap((result) =>
        'output' in result ? result.output : [],
      )
      const chunk = output.find((file) => file.type === 'chunk')
      if (chunk?.type !== 'chunk') throw new Error('the service worker was not built')
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: chunk.code })
    },
  }
}

/** Files worth compressing, and the size under which compression does not pay. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest|txt|xml)$/
const SMALLEST_COMPRESSED = 1024

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/**
 * Writes `<file>.br` and `<file>.gz` beside every compressible built file (public ones included), at
 * the highest levels once, so the server sends them as they are (Content-Encoding from Accept-Encoding).
 */
function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'hbnb-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir)
    },
    closeBundle() {
      for (const path of filesUnder(outDir).filter((file) => COMPRESSIBLE.test(file))) {
        const source = readFileSync(path)
        if (source.length < SMALLEST_COMPRESSED) continue
        const brotli = brotliCompressSync(source, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
          },
        })
        const gzip = gzipSync(source, { level: 9 })
        if (brotli.length < source.length) writeFileSync(`${path}.br`, brotli)
        if (gzip.length < source.length) writeFileSync(`${path}.gz`, gzip)
      }
    },
  }
}

export default defineConfig({
  plugins: [react(), serviceWorker(), precompress()],
  build: {
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      output: {
        // The libraries every page runs in one file: it compresses better than the many small
        // shared chunks automatic splitting makes of them (each gzipped on its own).
        codeSplitting: {
          groups: [
            {
              name: 'vendor',
              test: /node_modules[\\/](react|react-dom|scheduler|@tanstack|openapi-fetch)[\\/]/,
            },
            // The app's own code the first page runs, in one file too: each file more is one more
            // request before anything shows (a round trip on a slow phone network).
            { name: 'app', tags: ['$initial'] },
            // The app's small modules several pages share (a listing's gallery, its price lines, the
            // avatar...), in one file rather than one each: a listing's code came in 11 requests.
            // Not the modules of the map, which import Leaflet (150 kB, loaded only with a map).
            {
              name: 'pages',
              test: /[\\/]src[\\/](?!components[\\/](map-tiles|MapView|PinPicker)\.)/,
              minShareCount: 2,
              maxModuleSize: 12_000,
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: process.env.HBNB_API_URL ?? 'http://localhost:8080', ws: true },
      '/healthz': process.env.HBNB_API_URL ?? 'http://localhost:8080',
    },
  },
})
