#!/usr/bin/env node
// Fills deploy/nginx/hbnb.conf.template: `node scripts/render-nginx.mjs settings.json > nginx.conf`.
// deploy/nginx/nginx.conf (compose.yaml's) is this rendering of deploy/nginx/compose.json:
// `node scripts/render-nginx.mjs deploy/nginx/compose.json > deploy/nginx/nginx.conf` after a change.
// The settings (JSON) name the ports, paths and certificate; see docs/operations.md, "NGINX in front".
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const TEMPLATE = fileURLToPath(new URL('../deploy/nginx/hbnb.conf.template', import.meta.url))

/** Debian's libnginx-mod-http-brotli-static: the default when it is installed where the config is made. */
const BROTLI_STATIC = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so'

const DEFAULTS = {
  serverName: '_',
  mimeTypes: '/etc/nginx/mime.types',
  opsAllow: ['127.0.0.1', '::1'],
  authRate: '10r/m',
  authBurst: 10,
  apiRate: '50r/s',
  apiBurst: 100,
  // Open live-update connections per client address across every API process (each process also
  // holds HBNB_REALTIME_MAX_CONNECTIONS_PER_ADDRESS of its own).
  wsPerAddress: 20,
  bodyLimit: '12m',
}
const REQUIRED = [
  'runDir',
  'httpListen',
  'httpsListen',
  'tlsCert',
  'tlsKey',
  'upstreams',
  'webRoot',
  'storageDir',
]
// Values go into NGINX directives: no quotes, semicolons, braces or line breaks.
const PLAIN = /^[\w./:[\]@*,-]+$/

function plain(name, value) {
  const text = String(value)
  if (!PLAIN.test(text)) throw new Error(`nginx setting ${name} has characters NGINX would misread: ${text}`)
  return text
}

/** The configuration for `settings` (see DEFAULTS and REQUIRED). */
export function renderNginxConfig(given) {
  const settings = {
    ...DEFAULTS,
    brotliStaticModule: existsSync(BROTLI_STATIC) ? BROTLI_STATIC : '',
    ...given,
  }
  const brotli = settings.brotliStaticModule ? plain('brotliStaticModule', settings.brotliStaticModule) : ''
  const missing = REQUIRED.filter((name) => settings[name] === undefined)
  if (missing.length > 0) throw new Error(`nginx settings missing: ${missing.join(', ')}`)
  if (!Array.isArray(settings.upstreams) || settings.upstreams.length === 0) {
    throw new Error('nginx setting upstreams: at least one host:port of `hbnb serve`')
  }
  const httpsPort = /:(\d+)$/.exec(String(settings.httpsListen))?.[1] ?? String(settings.httpsListen)
  const values = {
    RUN_DIR: plain('runDir', settings.runDir),
    ERROR_LOG: plain('errorLog', settings.errorLog ?? `${settings.runDir}/error.log`),
    ACCESS_LOG: plain('accessLog', settings.accessLog ?? `${settings.runDir}/access.log`),
    MIME_TYPES: plain('mimeTypes', settings.mimeTypes),
    HTTP_LISTEN: plain('httpListen', settings.httpListen),
    HTTPS_LISTEN: plain('httpsListen', settings.httpsListen),
    HTTPS_PORT_SUFFIX: httpsPort === '443' ? '' : `:${plain('httpsListen', httpsPort)}`,
    SERVER_NAME: plain('serverName', settings.serverName),
    TLS_CERT: plain('tlsCert', settings.tlsCert),
    TLS_KEY: plain('tlsKey', settings.tlsKey),
    WEB_ROOT: plain('webRoot', settings.webRoot),
    STORAGE_DIR: plain('storageDir', settings.storageDir),
    AUTH_RATE: plain('authRate', settings.authRate),
    AUTH_BURST: plain('authBurst', settings.authBurst),
    API_RATE: plain('apiRate', settings.apiRate),
    API_BURST: plain('apiBurst', settings.apiBurst),
    WS_PER_ADDRESS: plain('wsPerAddress', settings.wsPerAddress),
    BODY_LIMIT: plain('bodyLimit', settings.bodyLimit),
    UPSTREAM_SERVERS: settings.upstreams
      .map((server) => `    server ${plain('upstreams', server)} max_fails=3 fail_timeout=10s;`)
      .join('\n'),
    LOAD_MODULES: brotli ? `load_module ${brotli};` : '# (no brotli_static module: .gz files only)',
    BROTLI_STATIC: brotli ? '      brotli_static on;' : '',
    OPS_ALLOW: settings.opsAllow.map((address) => `      allow ${plain('opsAllow', address)};`).join('\n'),
  }
  return readFileSync(TEMPLATE, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, name) => {
    if (!(name in values)) throw new Error(`template placeholder {{${name}}} has no value`)
    return values[name]
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2]
  if (!file) {
    console.error('usage: node scripts/render-nginx.mjs <settings.json>')
    process.exit(2)
  }
  try {
    process.stdout.write(renderNginxConfig(JSON.parse(readFileSync(file, 'utf8'))))
  } catch (error) {
    console.error(error.message)
    process.exit(1)
  }
}
