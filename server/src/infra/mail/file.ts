// Embedded mail driver: each message is an .eml file under <data dir>/mail, browsable in development.
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import { uuidv7 } from '../../ids.js'
import { headersOf, type MailMessage, type MailSender } from './port.js'

export class FileMailSender implements MailSender {
  private readonly composer = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  })

  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const info = await this.composer.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      headers: headersOf(message),
    })
    await mkdir(this.dir, { recursive: true })
    const name = `${uuidv7()}.eml`
    // Written under a temporary name first, so a reader never sees half a message.
    const temporary = join(this.dir, `.${name}.tmp`)
    await writeFile(temporary, info.message as Buffer)
    await rename(temporary, join(this.dir, name))
  }

  async close(): Promise<void> {
    this.composer.close()
  }
}
