// Starts the real HBNB server (built server + built web app) on a free port with a fresh data
// directory and demo data, and drives Debian's chromium through playwright-core. Never downloads
// a browser: CHROMIUM_PATH or /usr/bin/chromium must exist.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BrowserContext, chromium, type Page } from 'playwright-core'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const SCREENSHOTS = join(ROOT, 'web/test-results/screenshots')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** The built server to run: this repository's, or another build of it (HBNB_E2E_SERVER_DIR). */
export const SERVER_DIR = process.env.HBNB_E2E_SERVER_DIR ?? join(ROOT, 'server')
export const DEMO_PASSWORD = 'hbnb-demo-1234'

export interface Device {
  name: 'desktop' | 'phone'
  viewport: { width: number; height: number }
  mobile: boolean
}

export const DEVICES: Device[] = [
  { name: 'desktop', viewport: { width: 1280, height: 800 }, mobile: false },
  { name: 'phone', viewport: { width: 375, height: 812 }, mobile: true },
]

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export interface RunningServer {
  url: string
  /** The server's data directory: its file mail driver writes each email to `<dataDir>/mail/*.eml`. */
  dataDir: string
  stop: () => Promise<void>
  logs: () => string
}

/** `env`: more settings of the server (e.g. `HBNB_S3_*`). */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  if (!existsSync(join(SERVER_DIR, 'dist/main.js')) || !existsSync(join(ROOT, 'web/dist/index.html'))) {
    throw new Error('Build first: `npm run build` (server and web) before the end-to-end tests')
  }
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'hbnb-e2e-'))
  let output = ''
  const child: ChildProcess = spawn(process.execPath, [join(SERVER_DIR, 'bin/hbnb.js'), 'all'], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dataDir,
      HBNB_ENV: 'development',
      HBNB_HOST: '127.0.0.1',
      HBNB_PORT: String(port),
      HBNB_DATA_DIR: dataDir,
      HBNB_SEED_DEMO: 'true',
      HBNB_AUTH_RATE_LIMIT: '1000',
      HBNB_RATE_LIMIT_ACCOUNT: '1000',
      HBNB_LOG_LEVEL: 'warn',
      HBNB_LOG_FORMAT: 'json',
      HBNB_WEB_DIR: join(ROOT, 'web/dist'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`)
    try {
      const response = await fetch(`${url}/readyz`)
      if (response.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not get ready in 60 s:\n${output}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    url,
    dataDir,
    logs: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export interface RunningBrowser {
  context: BrowserContext
  page: Page
  errors: string[]
  /** Content-Security-Policy and Permissions-Policy violations reported by any page. */
  violations: string[]
  close: () => Promise<void>
}

export async function startBrowser(device: Device): Promise<RunningBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium)`)
  }
  const profile = mkdtempSync(join(tmpdir(), 'hbnb-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: device.viewport,
    isMobile: device.mobile,
    hasTouch: device.mobile,
    deviceScaleFactor: 1,
    locale: 'en-GB',
    timezoneId: 'Europe/Paris',
    reducedMotion: 'reduce',
  })
  context.setDefaultTimeout(15_000)
  // No network here: map tiles from the internet fail fast instead of hanging.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort())
  const page = context.pages()[0] ?? (await context.newPage())
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(String(error)))
  // Every page reports what its policies blocked (the event), and Chromium logs it (the console).
  const violations: string[] = []
  await context.exposeBinding('__hbnbPolicyViolation', (_source, text: string) => {
    violations.push(text)
  })
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __hbnbPolicyViolation: (text: string) => void })
        .__hbnbPolicyViolation
      report(`${location.pathname}: ${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}`)
    })
  })
  page.on('console', (message) => {
    if (/Content Security Policy|Permissions.Policy/i.test(message.text())) violations.push(message.text())
  })
  return {
    context,
    page,
    errors,
    violations,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

export async function screenshot(page: Page, device: Device, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.evaluate(() => document.fonts?.ready)
  await page.screenshot({ path: join(SCREENSHOTS, `${device.name}-${name}.png`), fullPage: false })
}

/** Calls the API directly (test set-up and checks), as an optional user. */
export async function apiCall<T = any>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`)
  return (text ? JSON.parse(text) : undefined) as T
}

export async function apiLogin(base: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const body = await apiCall<{ access_token: string }>(base, 'POST', '/api/v1/auth/login', {
    body: { email, password },
  })
  return body.access_token
}

/** YYYY-MM-DD, `days` from today (UTC). */
/** A demo listing as the API lists it (the fields the end-to-end tests read). */
export interface DemoPlace {
  id: string
  title: string
  status: string
  city: string
  currency: string
  instant_book: boolean
  min_nights: number
  max_guests: number
  advance_notice_days: number
  owner_id: string
}

/** A demo listing whose host answers requests (no instant booking), bookable for three nights by two. */
export async function requestToBookListing(base: string): Promise<{ place: DemoPlace; hostEmail: string }> {
  const places = await apiCall<DemoPlace[]>(base, 'GET', '/api/v1/places/?limit=1000')
  const place = places.find(
    (p) => !p.instant_book && p.min_nights <= 3 && p.max_guests >= 2 && p.advance_notice_days < 30,
  )
  if (!place) throw new Error('the demo data has no request-to-book listing')
  const detail = await apiCall<{ owner: { email: string } }>(base, 'GET', `/api/v1/places/${place.id}`)
  return { place, hostEmail: detail.owner.email }
}

export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
}

export interface Mail {
  file: string
  to: string
  subject: string
  /** The text/plain part, decoded. */
  text: string
}

function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r?\n/g, '')
  const bytes: number[] = []
  for (let i = 0; i < joined.length; i++) {
    const hex = joined[i] === '=' ? joined.slice(i + 1, i + 3) : ''
    if (/^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(joined[i] as string, 'utf8'))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

function decodeBody(body: string, encoding: string): string {
  if (/quoted-printable/i.test(encoding)) return decodeQuotedPrintable(body)
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  return body
}

/** An RFC 2047 header (`=?UTF-8?Q?...?=` / `=?UTF-8?B?...?=`), decoded. */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_all, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    )
}

/** Reads an .eml the server's file mail driver wrote (nodemailer's MIME): recipient, subject, text. */
export function parseMail(file: string): Mail {
  const raw = readFileSync(file, 'utf8').replace(/\r\n/g, '\n')
  const split = raw.indexOf('\n\n')
  const headers = raw.slice(0, split).replace(/\n[ \t]+/g, ' ')
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(headers)?.[1]?.trim() ?? ''
  const body = raw.slice(split + 2)
  let text = body
  const part =
    /Content-Type: text\/plain[^\n]*\n(?:[^\n]+\n)*?Content-Transfer-Encoding: ([^\n]+)\n(?:[^\n]+\n)*\n([\s\S]*?)\n--/i.exec(
      body,
    )
  if (part) text = decodeBody(part[2] as string, part[1] as string)
  else if (!/^Content-Type: multipart/im.test(headers))
    text = decodeBody(body, header('Content-Transfer-Encoding'))
  return { file, to: header('To'), subject: decodeHeader(header('Subject')), text }
}

/** Waits for an email to `to` (the newest matching one that is not in `seen`), as the server writes it. */
export async function waitForMail(
  server: RunningServer,
  to: string,
  options: { subject?: RegExp; seen?: Set<string>; timeoutMs?: number } = {},
): Promise<Mail> {
  const dir = join(server.dataDir, 'mail')
  const deadline = Date.now() + (options.timeoutMs ?? 15_000)
  for (;;) {
    const files = existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => name.endsWith('.eml'))
          .sort()
          .reverse()
      : []
    for (const name of files) {
      const file = join(dir, name)
      if (options.seen?.has(file)) continue
      const mail = parseMail(file)
      if (!mail.to.toLowerCase().includes(to.toLowerCase())) continue
      if (options.subject && !options.subject.test(mail.subject)) continue
      options.seen?.add(file)
      return mail
    }
    if (Date.now() > deadline)
      throw new Error(`no email to ${to} in ${dir} after ${options.timeoutMs ?? 15_000} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** The path and query of the link to `path` in an email (its origin is the server's public URL). */
export function linkIn(mail: Mail, path: string): string {
  const match = new RegExp(`https?://\\S+${path.replace(/[/?]/g, '\\$&')}\\?token=[\\w-]+`).exec(mail.text)
  if (!match) throw new Error(`no ${path} link in the email "${mail.subject}":\n${mail.text}`)
  const url = new URL(match[0])
  return `${url.pathname}${url.search}`
}

export interface Sms {
  file: string
  to: string
  body: string
}

/**
 * Waits for a text message to `to` (the newest one not in `seen`), as the server's embedded SMS
 * driver writes it: one JSON file per message in `<dataDir>/sms/`.
 */
export async function waitForSms(
  server: RunningServer,
  to: string,
  options: { seen?: Set<string>; timeoutMs?: number } = {},
): Promise<Sms> {
  const dir = join(server.dataDir, 'sms')
  const deadline = Date.now() + (options.timeoutMs ?? 15_000)
  for (;;) {
    const files = existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
          .sort()
          .reverse()
      : []
    for (const name of files) {
      const file = join(dir, name)
      if (options.seen?.has(file)) continue
      const message = JSON.parse(readFileSync(file, 'utf8')) as { to: string; body: string }
      if (message.to !== to) continue
      options.seen?.add(file)
      return { file, to: message.to, body: message.body }
    }
    if (Date.now() > deadline)
      throw new Error(`no text message to ${to} in ${dir} after ${options.timeoutMs ?? 15_000} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** The 6-digit verification code in a text message. */
export function codeIn(sms: Sms): string {
  const match = /\b(\d{6})\b/.exec(sms.body)
  if (!match?.[1]) throw new Error(`no code in the text message: ${sms.body}`)
  return match[1]
}
