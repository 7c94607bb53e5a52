// Embedded SMS driver: each message is a JSON file under <data dir>/sms, browsable in development.
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { uuidv7 } from '../../ids.js'
import type { SmsMessage, SmsSender } from './port.js'

export class FileSmsSender implements SmsSender {
  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const name = `${uuidv7()}.json`
    const record = {
      from: this.from,
      to: message.to,
      body: message.body,
      ...(message.dedupeKey ? { dedupeKey: message.dedupeKey } : {}),
      sentAt: new Date().toISOString(),
    }
    // Written under a temporary name first, so a reader never sees half a message.
    const temporary = join(this.dir, `.${name}.tmp`)
    await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`)
    await rename(temporary, join(this.dir, name))
  }

  async close(): Promise<void> {}
}
