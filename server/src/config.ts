// The only reader of process.env: every setting of every process, typed and validated here.
import { existsSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { addressList } from './addresses.js'
import { entropyBits, passwordProblem } from './password-policy.js'
import { parseRedisUrl } from './redis-url.js'

export const DEMO_JWT_SECRET = 'hbnb-demo-secret-change-me-in-production-0000'
export const DEFAULT_ADMIN_PASSWORD = 'admin1234'
/** Production's least entropy of HBNB_JWT_SECRET, as `entropyBits` estimates it. */
export const MIN_SECRET_BITS = 128
const GENERATE_SECRET = '`openssl rand -base64 48`'
/** The web client's build, `web/dist` of this repository (from `server/src` and `server/dist` alike). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url))
export const DEFAULT_MAP_TILES_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
export const DEFAULT_MAP_ATTRIBUTION = '© OpenStreetMap contributors'

/** Every IPv4 and IPv6 address, as CIDRs. */
const ANY_ADDRESS = ['0.0.0.0/0', '::/0']

export type Environment = 'development' | 'production' | 'test'

export interface Config {
  env: Environment
  host: string
  port: number
  shutdownTimeoutMs: number
  dataDir: string
  databaseUrl: string
  databaseReplicaUrls: string[]
  replicaMaxLagSeconds: number
  replicaCheckIntervalMs: number
  replicaGtidWaitMs: number
  replicaQueryTimeoutMs: number
  jwtSecret: string
  accessTokenTtlSeconds: number
  refreshTokenTtlSeconds: number
  emailVerifyTtlSeconds: number
  passwordResetTtlSeconds: number
  adminEmail: string
  adminPassword: string
  allowSignup: boolean
  passwordPolicy: 'all' | 'self-service'
  seedDemoData: boolean
  corsAnyOrigin: boolean
  corsCredentialOrigins: string[]
  bodyLimitBytes: number
  headersTimeoutMs: number
  requestTimeoutMs: number
  hstsMaxAgeSeconds: number
  publicEmails: boolean
  opsAllow: string[]
  opsToken: string | undefined
  docsPublic: boolean
  pageSizeDefault: number
  pageSizeMax: number
  searchExactTotalMax: number
  searchCopyPath: string | undefined
  searchCopyMaxLagMs: number
  searchCopyPollMs: number
  collectionMax: number
  authRateLimitPerMinute: number
  rateLimitPerAddress: number
  rateLimitPerUser: number
  rateLimitPerAccount: number
  rateLimitAllow: string[]
  authRateLimitAllow: string[]
  trustProxy: boolean | string[]
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  logFormat: 'json' | 'pretty'
  publicUrl: string | undefined
  serviceFeePercent: number
  taxPercent: number
  bookingRequestTtlHours: number
  messageNotifyAfterMinutes: number
  messageRateLimitPerMinute: number
  checkoutHoldSeconds: number
  icalAllowPrivateAddresses: boolean
  webDir: string
  mapTilesUrl: string
  mapAttribution: string
  smtpUrl: string | undefined
  otlpEndpoint: string | undefined
  mailFrom: string
  smsApiUrl: string | undefined
  smsAccountSid: string | undefined
  smsAuthToken: string | undefined
  smsFrom: string
  amqpUrl: string | undefined
  redisUrl: string | undefined
  realtimePingIntervalSeconds: number
  realtimePingTimeoutSeconds: number
  realtimeMaxBufferedBytes: number
  realtimeMaxSubscriptions: number
  realtimeMaxConnectionsPerAddress: number
  realtimeReplaySize: number
  realtimeReplaySeconds: number
  cache: 'auto' | 'memory' | 'redis' | 'off'
  cacheTtlSeconds: number
  cacheSearchTtlSeconds: number
  cacheMaxEntries: number
  cacheLockWaitMs: number
  cacheLeaseMs: number
  taskMaxAttempts: number
  taskPollMs: number
  amqpQueuePrefix: string
  taskLeaseSeconds: number
  taskRetryDelayMs: number
  workerMinConcurrency: number
  workerMaxConcurrency: number
  workerScaleDownAfterSeconds: number
  workerMetricsPort: number | undefined
  backupDir: string
  backupKeep: number
  backupAt: string
  backupOffsiteKeep: number
  storageDir: string
  mediaUrl: string | undefined
  photoMaxBytes: number
  photoMaxPixels: number
  photosPerPlace: number
  s3Bucket: string | undefined
  s3Region: string
  s3Endpoint: string | undefined
  s3PathStyle: boolean
  s3AccessKeyId: string | undefined
  s3SecretAccessKey: string | undefined
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/** One documented setting. The README's configuration table is generated from this list. */
interface Setting<T> {
  name: string
  description: string
  default: string
  parse: (raw: string) => T
}

type Env = Record<string, string | undefined>

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

function integer(min: number, max: number) {
  return (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`expected an integer between ${min} and ${max}`)
    const value = Number(raw)
    if (value < min || value > max) throw new Error(`expected an integer between ${min} and ${max}`)
    return value
  }
}

function boolean(raw: string): boolean {
  const value = raw.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(value)) return true
  if (['0', 'false', 'no', 'off'].includes(value)) return false
  throw new Error('expected true or false')
}

function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string): T => {
    const value = raw.trim() as T
    if (!values.includes(value)) throw new Error(`expected one of ${values.join(', ')}`)
    return value
  }
}

function percent(raw: string): number {
  const value = Number(raw.trim())
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new Error('expected a percentage between 0 and 100')
  }
  return value
}

/** An absolute path, when set. */
function optionalPath(path: string | undefined): string | undefined {
  return path ? resolve(path) : undefined
}

function text(raw: string): string {
  return raw.trim()
}

/** A URL of `scheme` (or its TLS form, `scheme` + s); `example` shows the expected form. */
function urlOf(scheme: string, example: string) {
  const pattern = new RegExp(`^${scheme}s?://`)
  return (raw: string): string => {
    const value = raw.trim()
    if (!pattern.test(value)) throw new Error(`expected ${example}`)
    return value
  }
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
}

function databaseUrl(raw: string): string {
  const value = raw.trim()
  if (!/^(sqlite:|file:|mysql:\/\/|mariadb:\/\/)/.test(value)) {
    throw new Error('expected sqlite:<path>, sqlite::memory: or mysql://user:password@host:port/database')
  }
  return value
}

export const SETTINGS = {
  env: {
    name: 'HBNB_ENV',
    description: '`development`, `production` or `test`. Production refuses demo secrets.',
    default: 'development',
    parse: oneOf(['development', 'production', 'test'] as const),
  },
  host: {
    name: 'HBNB_HOST',
    description: 'Address to listen on.',
    default: '`127.0.0.1` (`0.0.0.0` in production)',
    parse: text,
  },
  port: {
    name: 'HBNB_PORT',
    description: 'HTTP port. `PORT` is honoured too when `HBNB_PORT` is unset.',
    default: '8080',
    parse: integer(0, 65535),
  },
  shutdownTimeoutMs: {
    name: 'HBNB_SHUTDOWN_TIMEOUT_MS',
    description:
      'On SIGTERM/SIGINT a process finishes its open requests, tasks and scheduled runs for at most this many milliseconds, then logs what is still open and exits with status 1.',
    default: '15000',
    parse: integer(100, 3_600_000),
  },
  dataDir: {
    name: 'HBNB_DATA_DIR',
    description: 'Directory for the SQLite file and other local data.',
    default: '`data`',
    parse: text,
  },
  databaseUrl: {
    name: 'HBNB_DATABASE_URL',
    description: 'Primary database: `sqlite:<file>` or `mysql://user:pass@host:3306/db` (MariaDB/MySQL).',
    default: '`sqlite:<data dir>/hbnb.sqlite`',
    parse: databaseUrl,
  },
  databaseReplicaUrls: {
    name: 'HBNB_DATABASE_REPLICA_URLS',
    description:
      "Comma-separated MariaDB/MySQL read replicas of the primary (`mysql://user:pass@replica1:3306/db,...`): plain reads of API requests go to a healthy replica, round robin; writes, transactions and reads that must see a client's own writes go to the primary. Needs a `mysql://` primary.",
    default: 'none',
    parse: (raw: string) => list(raw).map(databaseUrl),
  },
  replicaMaxLagSeconds: {
    name: 'HBNB_DATABASE_REPLICA_MAX_LAG_SECONDS',
    description: 'A replica further behind the primary than this (`Seconds_Behind_Master`) gets no reads.',
    default: '30',
    parse: integer(1, 86_400),
  },
  replicaCheckIntervalMs: {
    name: 'HBNB_DATABASE_REPLICA_CHECK_MS',
    description: "How often each replica's health and lag are checked, in milliseconds.",
    default: '2000',
    parse: integer(100, 600_000),
  },
  replicaGtidWaitMs: {
    name: 'HBNB_DATABASE_REPLICA_WAIT_MS',
    description:
      "How long a read may wait for a replica to apply the reading client's last write before it goes to the primary instead.",
    default: '50',
    parse: integer(0, 10_000),
  },
  replicaQueryTimeoutMs: {
    name: 'HBNB_DATABASE_REPLICA_QUERY_TIMEOUT_MS',
    description:
      'A read that a replica has not answered in this many milliseconds (a server that hangs, a network that drops packets) is given up, its connection closed and the read run on the primary; the replica is out of rotation until its next check passes. At least `HBNB_DATABASE_REPLICA_WAIT_MS` plus a second is used.',
    default: '5000',
    parse: integer(100, 600_000),
  },
  jwtSecret: {
    name: 'HBNB_JWT_SECRET',
    description: 'HS256 signing secret for access tokens, at least 32 characters.',
    default: 'a demo secret (refused in production)',
    parse: (raw: string) => {
      if (raw.length < 32) throw new Error('expected a secret of at least 32 characters')
      return raw
    },
  },
  accessTokenTtlSeconds: {
    name: 'HBNB_ACCESS_TOKEN_TTL',
    description: 'Access token lifetime in seconds.',
    default: '3600',
    parse: integer(30, 7 * 86400),
  },
  refreshTokenTtlSeconds: {
    name: 'HBNB_REFRESH_TOKEN_TTL',
    description: 'Refresh token lifetime in seconds.',
    default: '2592000 (30 days)',
    parse: integer(60, 365 * 86400),
  },
  emailVerifyTtlSeconds: {
    name: 'HBNB_EMAIL_VERIFY_TTL',
    description: 'Lifetime of an email verification link, in seconds.',
    default: '86400 (1 day)',
    parse: integer(60, 30 * 86400),
  },
  passwordResetTtlSeconds: {
    name: 'HBNB_PASSWORD_RESET_TTL',
    description: 'Lifetime of a password reset link, in seconds.',
    default: '3600 (1 hour)',
    parse: integer(60, 7 * 86400),
  },
  adminEmail: {
    name: 'HBNB_ADMIN_EMAIL',
    description: 'Email of the administrator created by `hbnb seed` and on first start.',
    default: '`admin@hbnb.io`',
    parse: text,
  },
  adminPassword: {
    name: 'HBNB_ADMIN_PASSWORD',
    description: 'Password of that administrator (refused in production when left at the default).',
    default: '`admin1234`',
    parse: (raw: string) => {
      if (raw.length < 8) throw new Error('expected at least 8 characters')
      return raw
    },
  },
  allowSignup: {
    name: 'HBNB_ALLOW_SIGNUP',
    description: 'Whether `POST /api/v1/auth/register` accepts self sign-up.',
    default: 'true',
    parse: boolean,
  },
  passwordPolicy: {
    name: 'HBNB_PASSWORD_POLICY',
    description:
      "Which new passwords must pass the password policy (at least 8 characters, not one of the 49k most common or leaked passwords, not containing the account's email or its name part): `all`, or `self-service` (sign-up and password reset) so that the HBnB admin endpoints `POST /api/v1/users/` and `PUT /api/v1/users/<id>` take any non-empty password, as HBnB clients and their test suites expect.",
    default: '`all` in production, else `self-service`',
    parse: oneOf(['all', 'self-service'] as const),
  },
  seedDemoData: {
    name: 'HBNB_SEED_DEMO',
    description: 'Whether `hbnb all` adds demo hosts, guests, places and reviews on first start.',
    default: 'true (false in production)',
    parse: boolean,
  },
  corsAnyOrigin: {
    name: 'HBNB_CORS_ANY_ORIGIN',
    description: 'Answer CORS requests from any origin (never with credentials).',
    default: 'true (false in production)',
    parse: boolean,
  },
  corsCredentialOrigins: {
    name: 'HBNB_CORS_ORIGINS',
    description: 'Comma-separated origins granted credentialed CORS; `*` may stand for the port.',
    default: '`http://localhost:*,http://127.0.0.1:*` (none in production)',
    parse: list,
  },
  bodyLimitBytes: {
    name: 'HBNB_BODY_LIMIT',
    description: 'Largest accepted request body, in bytes (413 above).',
    default: '1048576',
    parse: integer(1024, 100 * 1024 * 1024),
  },
  headersTimeoutMs: {
    name: 'HBNB_HEADERS_TIMEOUT_MS',
    description:
      "How long a client has to send a request's headers, in milliseconds; then it gets a 408 and the connection is closed.",
    default: '10000',
    parse: integer(100, 600_000),
  },
  requestTimeoutMs: {
    name: 'HBNB_REQUEST_TIMEOUT_MS',
    description:
      'How long a client has to send a whole request (headers and body), in milliseconds; then it gets a 408 and the connection is closed. At least `HBNB_HEADERS_TIMEOUT_MS`.',
    default: '30000',
    parse: integer(100, 3_600_000),
  },
  hstsMaxAgeSeconds: {
    name: 'HBNB_HSTS_MAX_AGE',
    description:
      '`max-age` of the `Strict-Transport-Security` header sent with every response, in seconds (serve HTTPS in front); `0`: no header.',
    default: '31536000 (1 year) in production, else 0',
    parse: integer(0, 10 * 365 * 86400),
  },
  publicEmails: {
    name: 'HBNB_PUBLIC_EMAILS',
    description:
      "Whether users' email addresses are public (the HBnB API's shape); false: only admins and the user themselves see them.",
    default: 'true (false in production)',
    parse: boolean,
  },
  opsAllow: {
    name: 'HBNB_OPS_ALLOW',
    description:
      'Comma-separated client addresses and CIDRs (or `loopback`, `private`, `any`) that may read `/metrics`, `/api/v1/stats` and, unless `HBNB_DOCS_PUBLIC`, the API documentation.',
    default: '`any` (`loopback` in production)',
    parse: (raw: string) => (raw.trim().toLowerCase() === 'any' ? ANY_ADDRESS : addressList(raw)),
  },
  opsToken: {
    name: 'HBNB_OPS_TOKEN',
    description:
      'A bearer token (at least 32 characters) that opens `/metrics`, `/api/v1/stats` and the API documentation from any address (`Authorization: Bearer <token>`).',
    default: 'none',
    parse: (raw: string) => {
      if (raw.trim().length < 32) throw new Error('expected a token of at least 32 characters')
      return raw.trim()
    },
  },
  docsPublic: {
    name: 'HBNB_DOCS_PUBLIC',
    description:
      'Whether the API documentation (Swagger UI at `/api/v1/` and `/api/v1/openapi.json`) is open to everyone; false: as `/metrics`.',
    default: 'true (false in production)',
    parse: boolean,
  },
  pageSizeDefault: {
    name: 'HBNB_PAGE_SIZE',
    description:
      'Items per page of the other list endpoints (bookings, search, messages...) when `?limit` is not given.',
    default: '100',
    parse: integer(1, 10_000),
  },
  pageSizeMax: {
    name: 'HBNB_PAGE_SIZE_MAX',
    description: 'Largest `?limit` accepted by list endpoints.',
    default: '1000',
    parse: integer(1, 10_000),
  },
  searchExactTotalMax: {
    name: 'HBNB_SEARCH_EXACT_TOTAL_MAX',
    description:
      'Search counts its matches exactly up to this many; beyond, `total` is this number with `total_is_lower_bound: true` ("1,000+") and the facets cover the first this-many matches in the requested order, so a search never checks more than this many places before answering.',
    default: '1000',
    parse: integer(1, 1_000_000),
  },
  searchCopyPath: {
    name: 'HBNB_SEARCH_COPY',
    description:
      'MariaDB only: a SQLite file on this machine where `hbnb serve` keeps a copy of the rows searches read (places, their amenities, nightly prices, covers and checkout holds), followed from MariaDB\'s `search_changes` log, and answers searches from it (docs/operations.md, "Search at scale on MariaDB"). Unset: searches read MariaDB. About 1.1 KiB a listing.',
    default: 'none',
    parse: text,
  },
  searchCopyMaxLagMs: {
    name: 'HBNB_SEARCH_COPY_MAX_LAG_MS',
    description:
      'A search copy that has not caught up with MariaDB for longer than this answers no searches (MariaDB does) until it has.',
    default: '1000',
    parse: integer(100, 600_000),
  },
  searchCopyPollMs: {
    name: 'HBNB_SEARCH_COPY_POLL_MS',
    description: "How often the search copy's feeder asks MariaDB for changes.",
    default: '20',
    parse: integer(1, 10_000),
  },
  collectionMax: {
    name: 'HBNB_COLLECTION_MAX',
    description:
      "Items of an HBnB collection (`/places/`, `/users/`, `/amenities/`, `/reviews/`, a place's reviews, `/places_search`) answered without `?limit`: the whole list up to this many, then `Link` and `X-Total-Count` to the rest.",
    default: '10000',
    parse: integer(1, 1_000_000),
  },
  authRateLimitPerMinute: {
    name: 'HBNB_AUTH_RATE_LIMIT',
    description:
      'Attempts per client address per minute at each of login, sign-up, refresh, password forgot/reset and email verification.',
    default: '20',
    parse: integer(1, 1_000_000),
  },
  rateLimitPerAccount: {
    name: 'HBNB_RATE_LIMIT_ACCOUNT',
    description:
      'Attempts per account (the email in the body) per minute at each of login, sign-up and password forgot, from any address; `0`: no limit.',
    default: '10',
    parse: integer(0, 1_000_000),
  },
  rateLimitPerAddress: {
    name: 'HBNB_RATE_LIMIT_IP',
    description: 'API requests per client address per minute, all routes together; `0`: no limit.',
    default: '1200',
    parse: integer(0, 100_000_000),
  },
  rateLimitPerUser: {
    name: 'HBNB_RATE_LIMIT_USER',
    description: 'API requests per logged-in user per minute, all routes together; `0`: no limit.',
    default: '1200',
    parse: integer(0, 100_000_000),
  },
  rateLimitAllow: {
    name: 'HBNB_RATE_LIMIT_ALLOW',
    description:
      'Comma-separated client addresses and CIDRs (or `loopback`, `private`) that no rate limit applies to.',
    default: 'none',
    parse: addressList,
  },
  authRateLimitAllow: {
    name: 'HBNB_AUTH_RATE_LIMIT_ALLOW',
    description:
      'Comma-separated client addresses and CIDRs (or `loopback`, `private`) exempt from the limits of authentication attempts (`HBNB_AUTH_RATE_LIMIT`, `HBNB_RATE_LIMIT_ACCOUNT`), so that local HBnB clients and their test suites can log in as often as they like; `none`: every client is limited.',
    default: '`loopback` in development, none in production and test',
    parse: addressList,
  },
  trustProxy: {
    name: 'HBNB_TRUST_PROXY',
    description:
      'Which proxies may set `X-Forwarded-For`: `false`, a comma-separated list of proxy addresses/CIDRs (or `loopback`, `private`), or `true` (any: only when nothing else can reach the port).',
    default: 'false',
    parse: (raw: string) =>
      /^\s*(true|false|yes|no|on|off|1|0)\s*$/i.test(raw) ? boolean(raw) : addressList(raw),
  },
  logLevel: {
    name: 'HBNB_LOG_LEVEL',
    description: 'pino log level.',
    default: '`info`',
    parse: oneOf(LOG_LEVELS),
  },
  logFormat: {
    name: 'HBNB_LOG_FORMAT',
    description: '`json` (Elastic Common Schema) or `pretty`.',
    default: '`pretty` on a terminal, else `json`',
    parse: oneOf(['json', 'pretty'] as const),
  },
  publicUrl: {
    name: 'HBNB_PUBLIC_URL',
    description: 'Public base URL, used in links such as `Link` headers behind a proxy.',
    default: 'derived from the request',
    parse: (raw: string) => {
      const url = new URL(raw.trim())
      return url.toString().replace(/\/$/, '')
    },
  },
  serviceFeePercent: {
    name: 'HBNB_SERVICE_FEE_PERCENT',
    description: 'Guest service fee, in percent of the nights and cleaning fee.',
    default: '12',
    parse: percent,
  },
  taxPercent: {
    name: 'HBNB_TAX_PERCENT',
    description: 'Taxes, in percent of the nights and cleaning fee.',
    default: '5',
    parse: percent,
  },
  bookingRequestTtlHours: {
    name: 'HBNB_BOOKING_REQUEST_TTL_HOURS',
    description: 'Hours a host has to accept a booking request before it expires.',
    default: '24',
    parse: integer(1, 24 * 30),
  },
  messageNotifyAfterMinutes: {
    name: 'HBNB_MESSAGE_NOTIFY_AFTER_MINUTES',
    description:
      'Minutes a conversation message may stay unread before its recipient is emailed (and texted, where chosen) about it: one message per unread burst, none once read.',
    default: '10',
    parse: integer(0, 7 * 24 * 60),
  },
  messageRateLimitPerMinute: {
    name: 'HBNB_MESSAGE_RATE_LIMIT',
    description:
      'Conversation messages a user may send per minute, all conversations together; `0`: no limit.',
    default: '30',
    parse: integer(0, 100_000),
  },
  checkoutHoldSeconds: {
    name: 'HBNB_CHECKOUT_HOLD_SECONDS',
    description: "Seconds a guest's checkout holds the chosen nights from everyone else.",
    default: '600',
    parse: integer(30, 3600),
  },
  icalAllowPrivateAddresses: {
    name: 'HBNB_ICAL_ALLOW_PRIVATE',
    description: 'Let iCal imports fetch loopback and private addresses (off: protects against SSRF).',
    default: 'false',
    parse: boolean,
  },
  webDir: {
    name: 'HBNB_WEB_DIR',
    description:
      'The built web client served at `/` (SPA fallback for other pages); `none` serves the API only.',
    default: "the repository's `web/dist`",
    parse: text,
  },
  mapTilesUrl: {
    name: 'HBNB_MAP_TILES_URL',
    description: 'Map tile URL template (`{z}`, `{x}`, `{y}`, optional `{s}`) used by the web client.',
    default: "OpenStreetMap's public tiles",
    parse: (raw: string) => {
      const value = raw.trim()
      if (!/^(https?:)?\/\/|^\//.test(value) || !['{z}', '{x}', '{y}'].every((p) => value.includes(p))) {
        throw new Error('expected an http(s) URL template with {z}, {x} and {y}')
      }
      return value
    },
  },
  mapAttribution: {
    name: 'HBNB_MAP_ATTRIBUTION',
    description: 'Attribution shown on the map for those tiles (plain text).',
    default: '`© OpenStreetMap contributors`',
    parse: text,
  },
  smtpUrl: {
    name: 'HBNB_SMTP_URL',
    description:
      'SMTP server for outgoing email (`smtp://user:pass@host:587`); unset: emails are written to `<data dir>/mail`.',
    default: 'none',
    parse: urlOf('smtp', 'smtp://host:port or smtps://host:port'),
  },
  otlpEndpoint: {
    name: 'HBNB_OTLP_ENDPOINT',
    description:
      'OpenTelemetry collector to send traces to, by OTLP over HTTP (`http://collector:4318`); unset: no tracing.',
    default: 'none',
    parse: urlOf('http', 'http://host:port or https://host:port'),
  },
  mailFrom: {
    name: 'HBNB_MAIL_FROM',
    description: 'Sender address of outgoing email.',
    default: '`HBNB <no-reply@hbnb.local>`',
    parse: text,
  },
  smsApiUrl: {
    name: 'HBNB_SMS_API_URL',
    description:
      'Base URL of a Twilio-compatible SMS API (`https://api.twilio.com`); unset: text messages are written to `<data dir>/sms`.',
    default: 'none',
    parse: (raw: string) => {
      const url = new URL(raw.trim())
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('expected an http(s) URL')
      return url.toString().replace(/\/$/, '')
    },
  },
  smsAccountSid: {
    name: 'HBNB_SMS_ACCOUNT_SID',
    description: 'Account SID for the SMS API (user name of its HTTP basic auth).',
    default: 'none',
    parse: text,
  },
  smsAuthToken: {
    name: 'HBNB_SMS_AUTH_TOKEN',
    description: 'Auth token for the SMS API (password of its HTTP basic auth; never logged).',
    default: 'none',
    parse: text,
  },
  smsFrom: {
    name: 'HBNB_SMS_FROM',
    description: 'Sender number (E.164) or alphanumeric sender id of outgoing text messages.',
    default: '`HBNB`',
    parse: text,
  },
  amqpUrl: {
    name: 'HBNB_AMQP_URL',
    description:
      'RabbitMQ for background tasks (`amqp://user:pass@host:5672`), consumed by `hbnb worker`; unset: tasks run in-process from the outbox table.',
    default: 'none',
    parse: urlOf('amqp', 'amqp://user:password@host:5672'),
  },
  redisUrl: {
    name: 'HBNB_REDIS_URL',
    description:
      'Redis for the cache, sessions, rate limits and live events shared by all API processes: one server (`redis://host:6379/0`), a Redis Cluster (`redis+cluster://node1:6379,node2:6379,...`) or a primary found through Redis Sentinel (`redis+sentinel://sentinel1:26379,sentinel2:26379/<primary name>`); `rediss` for TLS. Unset: in-process memory.',
    default: 'none',
    parse: (raw: string) => {
      parseRedisUrl(raw)
      return raw.trim()
    },
  },
  realtimePingIntervalSeconds: {
    name: 'HBNB_REALTIME_PING_INTERVAL_SECONDS',
    description: 'How often the WebSocket endpoint (`/api/v1/ws`) pings each connection.',
    default: '25',
    parse: integer(1, 3600),
  },
  realtimePingTimeoutSeconds: {
    name: 'HBNB_REALTIME_PING_TIMEOUT_SECONDS',
    description: 'How long a WebSocket connection may leave a ping unanswered before it is closed.',
    default: '20',
    parse: integer(1, 3600),
  },
  realtimeMaxBufferedBytes: {
    name: 'HBNB_REALTIME_MAX_BUFFERED_BYTES',
    description:
      'Bytes waiting to be sent to one WebSocket connection beyond which the client is too slow and is disconnected (it reconnects and catches up).',
    default: '1048576 (1 MiB)',
    parse: integer(1024, 1024 * 1024 * 1024),
  },
  realtimeMaxSubscriptions: {
    name: 'HBNB_REALTIME_MAX_SUBSCRIPTIONS',
    description: 'Topics (listings, conversations) one WebSocket connection may subscribe to at once.',
    default: '100',
    parse: integer(1, 100_000),
  },
  realtimeMaxConnectionsPerAddress: {
    name: 'HBNB_REALTIME_MAX_CONNECTIONS_PER_ADDRESS',
    description: 'WebSocket connections one client address may hold open on one API process.',
    default: '50',
    parse: integer(1, 10_000_000),
  },
  realtimeReplaySize: {
    name: 'HBNB_REALTIME_REPLAY_SIZE',
    description:
      'Events kept per topic for clients that reconnect with the last id they saw; a longer gap gets `resync`.',
    default: '100',
    parse: integer(1, 100_000),
  },
  realtimeReplaySeconds: {
    name: 'HBNB_REALTIME_REPLAY_SECONDS',
    description: "How long a topic's replay events are kept after its last event, in seconds.",
    default: '600',
    parse: integer(1, 7 * 86_400),
  },
  cache: {
    name: 'HBNB_CACHE',
    description:
      'Response cache of place details, listings, search pages, amenities and profiles: `auto` (Redis when `HBNB_REDIS_URL` is set, else in-process memory), `memory`, `redis` or `off`. Tests default to `off`.',
    default: '`auto`',
    parse: oneOf(['auto', 'memory', 'redis', 'off'] as const),
  },
  cacheTtlSeconds: {
    name: 'HBNB_CACHE_TTL_SECONDS',
    description:
      'Longest life of a cached place detail, listing page, amenity or profile (writes invalidate them at once; this bounds what a missed invalidation can cost).',
    default: '300',
    parse: integer(1, 86_400),
  },
  cacheSearchTtlSeconds: {
    name: 'HBNB_CACHE_SEARCH_TTL_SECONDS',
    description:
      'Longest life of a cached search page (search also depends on the clock: notice periods end at local midnights).',
    default: '60',
    parse: integer(1, 86_400),
  },
  cacheMaxEntries: {
    name: 'HBNB_CACHE_MAX_ENTRIES',
    description: 'Size bound of the in-process memory cache (least recently used entries go first).',
    default: '10000',
    parse: integer(10, 10_000_000),
  },
  cacheLockWaitMs: {
    name: 'HBNB_CACHE_LOCK_WAIT_MS',
    description:
      'How long a request waits for another process rebuilding the same cache entry before building it too.',
    default: '500',
    parse: integer(0, 60_000),
  },
  cacheLeaseMs: {
    name: 'HBNB_CACHE_LEASE_MS',
    description:
      'With the Redis cache: how long a process answers from an entry it has just found current in Redis without asking Redis again. Every write waits this long before it answers, so no answer is older than a write its client has seen. `0`: ask Redis on every hit.',
    default: '20',
    parse: integer(0, 1000),
  },
  taskMaxAttempts: {
    name: 'HBNB_TASK_MAX_ATTEMPTS',
    description: 'Tries of a background task (exponential backoff between them) before it is dead-lettered.',
    default: '5',
    parse: integer(1, 100),
  },
  taskPollMs: {
    name: 'HBNB_TASK_POLL_MS',
    description:
      'How often the outbox is polled for due tasks (in-process runner) or rows to relay to RabbitMQ.',
    default: '1000',
    parse: integer(10, 3_600_000),
  },
  amqpQueuePrefix: {
    name: 'HBNB_AMQP_QUEUE_PREFIX',
    description:
      'Prefix of every RabbitMQ queue name (`<prefix><task>`, `.retry.<ms>`, `.dead`): several HBNB installations may share one broker.',
    default: '`hbnb.`',
    parse: (raw: string) => {
      const value = raw.trim()
      if (!/^[\w.:-]{1,100}$/.test(value)) throw new Error('expected letters, digits, ".", ":", "_" or "-"')
      return value
    },
  },
  taskLeaseSeconds: {
    name: 'HBNB_TASK_LEASE_SECONDS',
    description:
      'How long a try of a task (and each message it sends) is reserved for its process: after a crash, another process takes it over once this has passed.',
    default: '300',
    parse: integer(1, 86_400),
  },
  taskRetryDelayMs: {
    name: 'HBNB_TASK_RETRY_DELAY_MS',
    description:
      'Wait before the second try of a failed task, in milliseconds; doubled before each further try.',
    default: '10000',
    parse: integer(10, 86_400_000),
  },
  workerMinConcurrency: {
    name: 'HBNB_WORKER_MIN_CONCURRENCY',
    description:
      'Fewest handlers of each task name a worker (or the in-process runner) runs at once; the autoscaler never goes below.',
    default: '1',
    parse: integer(1, 1000),
  },
  workerMaxConcurrency: {
    name: 'HBNB_WORKER_MAX_CONCURRENCY',
    description:
      'Most handlers of each task name run at once: the autoscaler grows towards it while tasks wait (it is also the RabbitMQ prefetch).',
    default: '16',
    parse: integer(1, 1000),
  },
  workerScaleDownAfterSeconds: {
    name: 'HBNB_WORKER_SCALE_DOWN_AFTER',
    description: 'Seconds with fewer waiting tasks than handlers before the autoscaler shrinks a pool.',
    default: '30',
    parse: integer(0, 86_400),
  },
  workerMetricsPort: {
    name: 'HBNB_WORKER_METRICS_PORT',
    description:
      '`hbnb worker` serves Prometheus metrics on `http://<HBNB_HOST>:<port>/metrics` (and `/healthz`); unset: no HTTP server.',
    default: 'none',
    parse: integer(0, 65535),
  },
  backupDir: {
    name: 'HBNB_BACKUP_DIR',
    description: 'Where the nightly database backups of `hbnb beat` are written.',
    default: '`<data dir>/backups`',
    parse: text,
  },
  backupKeep: {
    name: 'HBNB_BACKUP_KEEP',
    description: 'How many backups to keep: after each backup, all but the newest N are deleted.',
    default: '7',
    parse: integer(1, 10_000),
  },
  backupAt: {
    name: 'HBNB_BACKUP_AT',
    description: 'Time of day (UTC, `HH:MM`) of the nightly database backup.',
    default: '`03:00`',
    parse: (raw: string) => {
      const value = raw.trim()
      const match = /^(\d{2}):(\d{2})$/.exec(value)
      if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) throw new Error('expected HH:MM (UTC)')
      return value
    },
  },
  backupOffsiteKeep: {
    name: 'HBNB_BACKUP_OFFSITE_KEEP',
    description:
      'With `HBNB_S3_BUCKET`: how many backups to keep in the bucket (`backups/`), apart from `HBNB_BACKUP_KEEP`.',
    default: '30',
    parse: integer(1, 10_000),
  },
  storageDir: {
    name: 'HBNB_STORAGE_DIR',
    description: 'Where media files are kept when no S3 bucket is set.',
    default: '`<data dir>/storage`',
    parse: text,
  },
  mediaUrl: {
    name: 'HBNB_MEDIA_URL',
    description:
      'Base URL of the photos (the `media/` objects), e.g. a CDN or `https://<bucket>.s3.amazonaws.com/media`; unset: the API serves them at `/media/`.',
    default: 'none',
    parse: (raw: string) => {
      const url = new URL(raw.trim())
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('expected an http(s) URL')
      return url.toString().replace(/\/$/, '')
    },
  },
  photoMaxBytes: {
    name: 'HBNB_PHOTO_MAX_BYTES',
    description: 'Largest photo upload, in bytes.',
    default: '20971520 (20 MB)',
    parse: integer(1024, 1024 * 1024 * 1024),
  },
  photoMaxPixels: {
    name: 'HBNB_PHOTO_MAX_PIXELS',
    description: 'Largest photo, in pixels (width x height): larger ones are refused before decoding.',
    default: '50000000',
    parse: integer(1, 1_000_000_000),
  },
  photosPerPlace: {
    name: 'HBNB_PHOTOS_PER_PLACE',
    description: 'Photos a listing may have.',
    default: '30',
    parse: integer(1, 1000),
  },
  s3Bucket: {
    name: 'HBNB_S3_BUCKET',
    description:
      'S3 bucket for media files (and off-site copies of backups); unset: files under `HBNB_STORAGE_DIR`.',
    default: 'none',
    parse: (raw: string) => {
      const value = raw.trim()
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) throw new Error('expected an S3 bucket name')
      return value
    },
  },
  s3Region: {
    name: 'HBNB_S3_REGION',
    description: 'Region of the S3 bucket.',
    default: '`us-east-1`',
    parse: text,
  },
  s3Endpoint: {
    name: 'HBNB_S3_ENDPOINT',
    description: 'URL of an S3-compatible server (MinIO, Ceph, R2, ...); unset: AWS.',
    default: 'none',
    parse: (raw: string) => {
      const url = new URL(raw.trim())
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('expected an http(s) URL')
      return url.toString().replace(/\/$/, '')
    },
  },
  s3PathStyle: {
    name: 'HBNB_S3_PATH_STYLE',
    description: 'Address objects as `<endpoint>/<bucket>/<key>` (most S3-compatible servers need it).',
    default: 'false',
    parse: boolean,
  },
  s3AccessKeyId: {
    name: 'HBNB_S3_ACCESS_KEY_ID',
    description:
      "Access key of the S3 bucket; unset: the AWS SDK's default chain (environment, instance role).",
    default: 'none',
    parse: text,
  },
  s3SecretAccessKey: {
    name: 'HBNB_S3_SECRET_ACCESS_KEY',
    description: 'Secret key going with `HBNB_S3_ACCESS_KEY_ID` (never logged).',
    default: 'none',
    parse: text,
  },
} satisfies { [K in keyof Config]: Setting<Config[K]> }

/** Reads `.env` from the working directory when present; real environment variables win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path)
}

export function loadConfig(env: Env = process.env, isTty = Boolean(process.stdout.isTTY)): Config {
  const problems: string[] = []
  const read = <K extends keyof Config>(key: K, fallback: Config[K], raw?: string): Config[K] => {
    const setting = SETTINGS[key] as Setting<Config[K]>
    const value = raw ?? env[setting.name]
    if (value === undefined || value === '') return fallback
    try {
      return setting.parse(value)
    } catch (error) {
      const shown =
        key === 'jwtSecret' || key === 'adminPassword' || key === 'smsAuthToken' || key === 'opsToken'
          ? '(hidden)'
          : JSON.stringify(value)
      problems.push(`${setting.name}: ${(error as Error).message}, got ${shown}`)
      return fallback
    }
  }

  const mode = read('env', 'development')
  const production = mode === 'production'
  const dataDir = read('dataDir', 'data')
  const portFallback = env.HBNB_PORT ? undefined : env.PORT
  const config: Config = {
    env: mode,
    host: read('host', production ? '0.0.0.0' : '127.0.0.1'),
    port: read('port', 8080, portFallback),
    shutdownTimeoutMs: read('shutdownTimeoutMs', 15_000),
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(dataDir),
    databaseUrl: read('databaseUrl', `sqlite:${resolve(dataDir, 'hbnb.sqlite')}`),
    databaseReplicaUrls: read('databaseReplicaUrls', []),
    replicaMaxLagSeconds: read('replicaMaxLagSeconds', 30),
    replicaCheckIntervalMs: read('replicaCheckIntervalMs', 2000),
    replicaGtidWaitMs: read('replicaGtidWaitMs', 50),
    replicaQueryTimeoutMs: read('replicaQueryTimeoutMs', 5000),
    jwtSecret: read('jwtSecret', DEMO_JWT_SECRET),
    accessTokenTtlSeconds: read('accessTokenTtlSeconds', 3600),
    refreshTokenTtlSeconds: read('refreshTokenTtlSeconds', 30 * 86400),
    emailVerifyTtlSeconds: read('emailVerifyTtlSeconds', 86400),
    passwordResetTtlSeconds: read('passwordResetTtlSeconds', 3600),
    adminEmail: read('adminEmail', 'admin@hbnb.io'),
    adminPassword: read('adminPassword', DEFAULT_ADMIN_PASSWORD),
    allowSignup: read('allowSignup', true),
    passwordPolicy: read('passwordPolicy', production ? 'all' : 'self-service'),
    seedDemoData: read('seedDemoData', !production),
    corsAnyOrigin: read('corsAnyOrigin', !production),
    corsCredentialOrigins: read(
      'corsCredentialOrigins',
      production ? [] : ['http://localhost:*', 'http://127.0.0.1:*'],
    ),
    bodyLimitBytes: read('bodyLimitBytes', 1024 * 1024),
    headersTimeoutMs: read('headersTimeoutMs', 10_000),
    requestTimeoutMs: read('requestTimeoutMs', 30_000),
    hstsMaxAgeSeconds: read('hstsMaxAgeSeconds', production ? 365 * 86400 : 0),
    publicEmails: read('publicEmails', !production),
    opsAllow: read('opsAllow', production ? addressList('loopback') : ANY_ADDRESS),
    opsToken: read('opsToken', undefined),
    docsPublic: read('docsPublic', !production),
    pageSizeDefault: read('pageSizeDefault', 100),
    pageSizeMax: read('pageSizeMax', 1000),
    searchExactTotalMax: read('searchExactTotalMax', 1000),
    searchCopyPath: optionalPath(read('searchCopyPath', undefined)),
    searchCopyMaxLagMs: read('searchCopyMaxLagMs', 1000),
    searchCopyPollMs: read('searchCopyPollMs', 20),
    collectionMax: read('collectionMax', 10_000),
    authRateLimitPerMinute: read('authRateLimitPerMinute', 20),
    rateLimitPerAccount: read('rateLimitPerAccount', 10),
    rateLimitPerAddress: read('rateLimitPerAddress', 1200),
    rateLimitPerUser: read('rateLimitPerUser', 1200),
    rateLimitAllow: read('rateLimitAllow', []),
    authRateLimitAllow: read('authRateLimitAllow', mode === 'development' ? addressList('loopback') : []),
    trustProxy: read('trustProxy', false),
    logLevel: read('logLevel', mode === 'test' ? 'silent' : 'info'),
    logFormat: read('logFormat', isTty ? 'pretty' : 'json'),
    publicUrl: read('publicUrl', undefined),
    serviceFeePercent: read('serviceFeePercent', 12),
    taxPercent: read('taxPercent', 5),
    bookingRequestTtlHours: read('bookingRequestTtlHours', 24),
    messageNotifyAfterMinutes: read('messageNotifyAfterMinutes', 10),
    messageRateLimitPerMinute: read('messageRateLimitPerMinute', 30),
    checkoutHoldSeconds: read('checkoutHoldSeconds', 600),
    icalAllowPrivateAddresses: read('icalAllowPrivateAddresses', false),
    webDir: resolveWebDir(read('webDir', DEFAULT_WEB_DIR)),
    mapTilesUrl: read('mapTilesUrl', DEFAULT_MAP_TILES_URL),
    mapAttribution: read('mapAttribution', DEFAULT_MAP_ATTRIBUTION),
    smtpUrl: read('smtpUrl', undefined),
    otlpEndpoint: read('otlpEndpoint', undefined),
    mailFrom: read('mailFrom', 'HBNB <no-reply@hbnb.local>'),
    smsApiUrl: read('smsApiUrl', undefined),
    smsAccountSid: read('smsAccountSid', undefined),
    smsAuthToken: read('smsAuthToken', undefined),
    smsFrom: read('smsFrom', 'HBNB'),
    amqpUrl: read('amqpUrl', undefined),
    redisUrl: read('redisUrl', undefined),
    realtimePingIntervalSeconds: read('realtimePingIntervalSeconds', 25),
    realtimePingTimeoutSeconds: read('realtimePingTimeoutSeconds', 20),
    realtimeMaxBufferedBytes: read('realtimeMaxBufferedBytes', 1024 * 1024),
    realtimeMaxSubscriptions: read('realtimeMaxSubscriptions', 100),
    realtimeMaxConnectionsPerAddress: read('realtimeMaxConnectionsPerAddress', 50),
    realtimeReplaySize: read('realtimeReplaySize', 100),
    realtimeReplaySeconds: read('realtimeReplaySeconds', 600),
    cache: read('cache', mode === 'test' ? 'off' : 'auto'),
    cacheTtlSeconds: read('cacheTtlSeconds', 300),
    cacheSearchTtlSeconds: read('cacheSearchTtlSeconds', 60),
    cacheMaxEntries: read('cacheMaxEntries', 10_000),
    cacheLockWaitMs: read('cacheLockWaitMs', 500),
    cacheLeaseMs: read('cacheLeaseMs', 20),
    taskMaxAttempts: read('taskMaxAttempts', 5),
    taskPollMs: read('taskPollMs', 1000),
    amqpQueuePrefix: read('amqpQueuePrefix', 'hbnb.'),
    taskLeaseSeconds: read('taskLeaseSeconds', 300),
    taskRetryDelayMs: read('taskRetryDelayMs', 10_000),
    workerMinConcurrency: read('workerMinConcurrency', 1),
    workerMaxConcurrency: read('workerMaxConcurrency', 16),
    workerScaleDownAfterSeconds: read('workerScaleDownAfterSeconds', 30),
    workerMetricsPort: read('workerMetricsPort', undefined),
    backupDir: resolve(read('backupDir', join(dataDir, 'backups'))),
    backupKeep: read('backupKeep', 7),
    backupAt: read('backupAt', '03:00'),
    backupOffsiteKeep: read('backupOffsiteKeep', 30),
    storageDir: resolve(read('storageDir', join(dataDir, 'storage'))),
    mediaUrl: read('mediaUrl', undefined),
    photoMaxBytes: read('photoMaxBytes', 20 * 1024 * 1024),
    photoMaxPixels: read('photoMaxPixels', 50_000_000),
    photosPerPlace: read('photosPerPlace', 30),
    s3Bucket: read('s3Bucket', undefined),
    s3Region: read('s3Region', 'us-east-1'),
    s3Endpoint: read('s3Endpoint', undefined),
    s3PathStyle: read('s3PathStyle', false),
    s3AccessKeyId: read('s3AccessKeyId', undefined),
    s3SecretAccessKey: read('s3SecretAccessKey', undefined),
  }

  if (config.pageSizeDefault > config.pageSizeMax) {
    problems.push('HBNB_PAGE_SIZE: must not be larger than HBNB_PAGE_SIZE_MAX')
  }
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    problems.push('HBNB_HEADERS_TIMEOUT_MS: must not be larger than HBNB_REQUEST_TIMEOUT_MS')
  }
  if (config.workerMinConcurrency > config.workerMaxConcurrency) {
    problems.push('HBNB_WORKER_MIN_CONCURRENCY: must not be larger than HBNB_WORKER_MAX_CONCURRENCY')
  }
  if (config.databaseReplicaUrls.length > 0) {
    const mysql = /^(mysql|mariadb):\/\//
    if (!mysql.test(config.databaseUrl)) {
      problems.push('HBNB_DATABASE_REPLICA_URLS: replicas need a MariaDB/MySQL primary in HBNB_DATABASE_URL')
    }
    if (!config.databaseReplicaUrls.every((url) => mysql.test(url))) {
      problems.push('HBNB_DATABASE_REPLICA_URLS: every replica must be a mysql:// URL')
    }
  }
  if (config.cache === 'redis' && !config.redisUrl) {
    problems.push('HBNB_CACHE: `redis` needs HBNB_REDIS_URL')
  }
  if (config.smsApiUrl && (!config.smsAccountSid || !config.smsAuthToken)) {
    problems.push('HBNB_SMS_API_URL: needs HBNB_SMS_ACCOUNT_SID and HBNB_SMS_AUTH_TOKEN as well')
  }
  if (Boolean(config.s3AccessKeyId) !== Boolean(config.s3SecretAccessKey)) {
    problems.push('HBNB_S3_ACCESS_KEY_ID and HBNB_S3_SECRET_ACCESS_KEY: set both or neither')
  }
  if (production) {
    if (config.jwtSecret === DEMO_JWT_SECRET) {
      problems.push(`HBNB_JWT_SECRET: production needs your own secret; generate one with ${GENERATE_SECRET}`)
    } else if (entropyBits(config.jwtSecret) < MIN_SECRET_BITS) {
      problems.push(
        `HBNB_JWT_SECRET: too predictable for production (about ${Math.floor(entropyBits(config.jwtSecret))} bits of entropy, at least ${MIN_SECRET_BITS} needed); generate one with ${GENERATE_SECRET}`,
      )
    }
    if (config.adminPassword === DEFAULT_ADMIN_PASSWORD) {
      problems.push(
        `HBNB_ADMIN_PASSWORD: production refuses the default admin password; set your own, for example with ${GENERATE_SECRET}`,
      )
    } else {
      const weak = passwordProblem(config.adminPassword, { email: config.adminEmail })
      if (weak) {
        problems.push(
          `HBNB_ADMIN_PASSWORD: too weak for production (${weak.message}); set a strong one, for example with ${GENERATE_SECRET}`,
        )
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}

function resolveWebDir(dir: string): string {
  if (dir === 'none') return ''
  return isAbsolute(dir) ? dir : resolve(dir)
}

/** The README's configuration table, made from the settings themselves so the two cannot drift. */
export function settingsTable(): string {
  const rows = Object.values(SETTINGS).map((s) => `| \`${s.name}\` | ${s.default} | ${s.description} |`)
  return ['| Variable | Default | What it does |', '| --- | --- | --- |', ...rows].join('\n')
}
