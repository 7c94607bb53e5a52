// Production mail driver: nodemailer over SMTP.
import nodemailer, { type Transporter } from 'nodemailer'
import { headersOf, type MailMessage, type MailSender } from './port.js'

export class SmtpMailSender implements MailSender {
  private readonly transport: Transporter

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url)
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      headers: headersOf(message),
    })
  }

  async close(): Promise<void> {
    this.transport.close()
  }
}
