// Embedded mail driver: each message is an .eml file under <data dir>/mail, with a JSON summary
// beside it for the development outbox page (/dev/outbox).
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Transporter } from 'nodemailer'
import { uuidv7 } from '../../ids.js'
import { envelopeOf, type MailMessage, type MailSender } from './port.js'

/** What the JSON file beside each .eml holds. */
export interface MailSummary extends MailMessage {
  from: string
  sentAt: string
}

export class FileMailSender implements MailSender {
  /** nodemailer is loaded with the first email: a process that sends none never holds it. */
  private composer?: Promise<Transporter>

  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    this.composer ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }),
    )
    const info = await (await this.composer).sendMail(envelopeOf(message, this.from))
    await mkdir(this.dir, { recursive: true })
    const id = uuidv7()
    const summary: MailSummary = { ...message, from: this.from, sentAt: new Date().toISOString() }
    await this.writeWhole(`${id}.json`, `${JSON.stringify(summary, null, 2)}\n`)
    await this.writeWhole(`${id}.eml`, info.message as Buffer)
  }

  /** Written under a temporary name first, so a reader never sees half a file. */
  private async writeWhole(name: string, content: string | Buffer) {
    const temporary = join(this.dir, `.${name}.tmp`)
    await writeFile(temporary, content)
    await rename(temporary, join(this.dir, name))
  }

  async close(): Promise<void> {
    if (this.composer) (await this.composer).close()
  }
}
