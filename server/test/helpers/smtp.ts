// A real SMTP server on loopback (smtp-server) whose answers a test controls: accept every message
// (the default), reject every one, or hold them (no reply to DATA) until released. Only messages
// it accepted count as delivered; a held one whose client went away (a killed worker) never is.
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export type SmtpMode = 'accept' | 'reject' | 'hold'

export interface Delivered {
  raw: string
  /** The X-HBNB-Dedupe-Key header. */
  key: string
  to: string
}

function delivered(raw: string): Delivered {
  const unfolded = raw.replace(/\r?\n[ \t]+/g, ' ')
  return {
    raw,
    key: /^X-HBNB-Dedupe-Key: (.*)$/im.exec(unfolded)?.[1]?.trim() ?? '',
    to: /^To: (.*)$/im.exec(unfolded)?.[1]?.trim() ?? '',
  }
}

export async function startSmtpServer() {
  const messages: Delivered[] = []
  const held: { session: string; message: Delivered; reply: (error?: Error) => void }[] = []
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
        const message = delivered(Buffer.concat(chunks).toString('utf8'))
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
      return messages.filter((m) => m.key.includes(text))
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type SmtpTestServer = Awaited<ReturnType<typeof startSmtpServer>>
