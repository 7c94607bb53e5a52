// Production mail driver: nodemailer over SMTP.
import type { Transporter } from 'nodemailer'
import { clientSpan } from '../../tracing.js'
import { envelopeOf, type MailMessage, type MailSender } from './port.js'

/**
 * The URL asking nodemailer for a pool of reused SMTP connections (5 at most), unless it says
 * otherwise (`?pool=false`): a connection and its greeting per email cost more than the email.
 */
function pooled(url: string): string {
  const parsed = new URL(url)
  if (!parsed.searchParams.has('pool')) parsed.searchParams.set('pool', 'true')
  return parsed.toString()
}

export class SmtpMailSender implements MailSender {
  private readonly url: string
  private readonly server: { 'server.address': string; 'server.port': number }
  /** nodemailer is loaded with the first email: a process that sends none never holds it. */
  private transport?: Promise<Transporter>

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.url = pooled(url)
    const { hostname, port, protocol } = new URL(url)
    this.server = {
      'server.address': hostname,
      'server.port': Number(port) || (protocol === 'smtps:' ? 465 : 587),
    }
  }

  async send(message: MailMessage): Promise<void> {
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport(this.url),
    )
    const transport = await this.transport
    await clientSpan('smtp send', this.server, () => transport.sendMail(envelopeOf(message, this.from)))
  }

  async close(): Promise<void> {
    if (this.transport) (await this.transport).close()
  }
}
