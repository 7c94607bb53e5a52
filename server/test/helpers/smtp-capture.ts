// A real SMTP server (the `smtp-server` package) on loopback that keeps every message it receives,
// parsed into what tests check: recipient, subject, plain text and HTML parts, dedupe key.
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface CapturedMail {
  to: string
  subject: string
  text: string
  html: string
  dedupeKey: string
}

function decodeQuotedPrintable(raw: string): string {
  const bytes = raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
  return Buffer.from(bytes, 'latin1').toString('utf8')
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`) of a header. */
function decodeHeader(value: string): string {
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
    to: headers.to ?? '',
    subject: decodeHeader(headers.subject ?? ''),
    text: parts['text/plain'] ?? '',
    html: parts['text/html'] ?? '',
    dedupeKey: headers['x-hbnb-dedupe-key'] ?? '',
  }
}

export class SmtpCapture {
  readonly mails: CapturedMail[] = []
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // No reverse DNS lookup of each client (slow, and pointless on loopback).
    disableReverseLookup: true,
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        this.mails.push(parseMail(Buffer.concat(chunks).toString('utf8')))
        callback()
      })
    },
  })

  /** Starts listening; returns the `smtp://` URL to send to. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()))
    const { port } = this.server.server.address() as AddressInfo
    return `smtp://127.0.0.1:${port}`
  }

  /** Messages received so far for an address. */
  to(address: string): CapturedMail[] {
    return this.mails.filter((m) => m.to === address)
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
