// A real SMTP server on loopback (smtp-server) that keeps every message it accepts, parsed into what
// tests check (recipient, subject, plain text and HTML parts, dedupe key), and whose answers a test
// controls: accept every message (the default), reject every one, or hold them (no reply to DATA)
// until released. Only messages it accepted count as delivered; a held one whose client went away
// (a killed worker) never is.
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export type SmtpMode = 'accept' | 'reject' | 'hold'

export interface CapturedMail {
  /** The message as received. */
  raw: string
  to: string
  subject: string
  text: string
  html: string
  /** The X-HBNB-Dedupe-Key header. */
  dedupeKey: string
}

export function decodeQuotedPrintable(raw: string): string {
  const bytes = raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
  return Buffer.from(bytes, 'latin1').toString('utf8')
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`) of a header. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?(.*?)\?=/gi, (_m, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    )
}

function split(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.indexOf('\n\n')
  const head = raw.slice(0, at).replace(/\n[ \t]+/g, ' ')
  const headers: Record<string, string> = {}
  for (const line of head.split('\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { headers, body: raw.slice(at + 2) }
}

function decodeBody(headers: Record<string, string>, body: string): string {
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase()
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body)
  return body
}

/** Parses a message of one text part or a multipart/alternative of text and HTML. */
export function parseMail(source: string): CapturedMail {
  const raw = source.replace(/\r\n/g, '\n')
  const { headers, body } = split(raw)
  const parts: Record<string, string> = {}
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1]
  if (boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break
      const part = split(chunk.replace(/^\n/, ''))
      const type = (part.headers['content-type'] ?? '').split(';')[0]!.trim()
      parts[type] = decodeBody(part.headers, part.body).replace(/\n$/, '')
    }
  } else {
    parts[(headers['content-type'] ?? 'text/plain').split(';')[0]!.trim()] = decodeBody(headers, body)
  }
  return {
    raw: source,
    to: headers.to ?? '',
    subject: decodeHeader(headers.subject ?? ''),
    text: parts['text/plain'] ?? '',
    html: parts['text/html'] ?? '',
    dedupeKey: headers['x-hbnb-dedupe-key'] ?? '',
  }
}

export async function startSmtpServer() {
  const messages: CapturedMail[] = []
  const held: { session: string; message: CapturedMail; reply: (error?: Error) => void }[] = []
  let mode: SmtpMode = 'accept'
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // No reverse DNS lookup of each client (slow, and pointless on loopback).
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const message = parseMail(Buffer.concat(chunks).toString('utf8'))
        if (mode === 'reject') {
          const error = Object.assign(new Error('mailbox unavailable (test server rejects every message)'), {
            responseCode: 550,
          })
          return callback(error)
        }
        if (mode === 'accept') {
          messages.push(message)
          return callback()
        }
        held.push({ session: session.id, message, reply: callback })
      })
    },
    onClose(session) {
      // The client went away before its reply: a held message was never accepted.
      for (let at = held.length - 1; at >= 0; at--) if (held[at]!.session === session.id) held.splice(at, 1)
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    /** Messages accepted so far. */
    messages,
    /** Messages received and waiting for their reply (mode `hold`). */
    get held() {
      return held.length
    },
    /** Sets how further messages are answered; leaving `hold` accepts the held ones. */
    setMode(next: SmtpMode) {
      mode = next
      if (next !== 'hold') {
        for (const entry of held.splice(0)) {
          messages.push(entry.message)
          entry.reply()
        }
      }
    },
    /** Accepted messages whose dedupe key contains `text`. */
    about(text: string) {
      return messages.filter((m) => m.dedupeKey.includes(text))
    },
    /** Accepted messages for an address. */
    to(address: string) {
      return messages.filter((m) => m.to === address)
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type SmtpTestServer = Awaited<ReturnType<typeof startSmtpServer>>
