// The mail port: business code sends messages; the driver decides where they go.

export interface MailMessage {
  to: string
  subject: string
  text: string
  html: string
  /** Stable key of this message (sent as `X-HBNB-Dedupe-Key`), so duplicates can be recognised. */
  dedupeKey?: string
}

export interface MailSender {
  send(message: MailMessage): Promise<void>
  close(): Promise<void>
}

export const DEDUPE_HEADER = 'X-HBNB-Dedupe-Key'

/** The message as nodemailer sends it, from `from`, its dedupe key as a header. */
export function envelopeOf(message: MailMessage, from: string) {
  const { to, subject, text, html, dedupeKey } = message
  return { from, to, subject, text, html, headers: dedupeKey ? { [DEDUPE_HEADER]: dedupeKey } : {} }
}
