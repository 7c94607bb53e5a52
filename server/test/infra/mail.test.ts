import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'
import { describe } from 'vitest'
import { FileMailSender } from '../../src/infra/mail/file.js'
import { SmtpMailSender } from '../../src/infra/mail/smtp.js'
import { mailContract } from './mail-contract.js'

const FROM = 'HBNB <no-reply@hbnb.test>'

describe('mail port: file driver', () => {
  mailContract(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hbnb-mail-'))
    const sender = new FileMailSender(join(dir, 'mail'), FROM)
    return {
      sender,
      async received() {
        const names = await readdir(join(dir, 'mail')).catch(() => [] as string[])
        const files = names.filter((n) => n.endsWith('.eml'))
        return Promise.all(files.map((n) => readFile(join(dir, 'mail', n), 'utf8')))
      },
      async close() {
        await sender.close()
        await rm(dir, { recursive: true, force: true })
      },
    }
  })
})

describe('mail port: SMTP driver (real SMTP server on loopback)', () => {
  mailContract(async () => {
    const messages: string[] = []
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          messages.push(Buffer.concat(chunks).toString('utf8').replace(/\r\n/g, '\n'))
          callback()
        })
      },
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    const { port } = server.server.address() as AddressInfo
    const sender = new SmtpMailSender(`smtp://127.0.0.1:${port}`, FROM)
    return {
      sender,
      received: async () => [...messages],
      async close() {
        await sender.close()
        await new Promise<void>((resolve) => server.close(() => resolve()))
      },
    }
  })
})
