// The development outbox: the emails and text messages the file drivers wrote, newest first.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { notFound } from '../../errors.js'
import type { MailSummary } from '../../infra/mail/file.js'

export interface TextMessage {
  from: string
  to: string
  body: string
  sentAt: string
}

const MESSAGE_ID = /^[0-9a-f-]{36}$/

export interface DevOutboxServiceDeps {
  mailDir: string
  smsDir: string
}

export class DevOutboxService {
  constructor(private readonly deps: DevOutboxServiceDeps) {}

  async list(limit = 100) {
    const [emails, texts] = await Promise.all([
      this.newest<MailSummary>(this.deps.mailDir, limit),
      this.newest<TextMessage>(this.deps.smsDir, limit),
    ])
    return { emails, texts }
  }

  async email(id: string): Promise<MailSummary> {
    return JSON.parse(await readFile(this.path(id, '.json'), 'utf8').catch(() => this.missing()))
  }

  async rawEmail(id: string): Promise<Buffer> {
    return readFile(this.path(id, '.eml')).catch(() => this.missing())
  }

  private path(id: string, extension: string): string {
    if (!MESSAGE_ID.test(id)) this.missing()
    return join(this.deps.mailDir, `${id}${extension}`)
  }

  private missing(): never {
    throw notFound('No such message in the development outbox')
  }

  /** The newest JSON records of a folder (ids are UUIDv7, so names sort by time). */
  private async newest<T>(dir: string, limit: number): Promise<Array<T & { id: string }>> {
    const names = (await readdir(dir).catch(() => [] as string[]))
      .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
      .sort()
      .reverse()
      .slice(0, limit)
    const records = await Promise.all(
      names.map(async (name) => {
        const record = JSON.parse(await readFile(join(dir, name), 'utf8')) as T
        return { ...record, id: name.slice(0, -'.json'.length) }
      }),
    )
    return records
  }
}
