// A local HTTP server speaking the Twilio Messages API: checks basic auth, records the messages it
// accepts, and can fail on demand. The SMS driver's tests and the notification tests send to it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ReceivedSms } from '../infra/sms-contract.js'

export class FakeSmsApi {
  readonly messages: ReceivedSms[] = []
  readonly requests: { path: string; authorized: boolean; idempotency?: string; traceparent?: string }[] = []
  failWith: number | undefined
  private server: Server | undefined

  constructor(
    readonly accountSid = 'AC0123456789abcdef',
    readonly authToken = 'secret-token-never-logged',
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()))
    const { port } = this.server.address() as AddressInfo
    return `http://127.0.0.1:${port}`
  }

  /** Messages sent to a number so far. */
  to(phone: string): ReceivedSms[] {
    return this.messages.filter((m) => m.to === phone)
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`
    const authorized = req.headers.authorization === expected
    const idempotency = req.headers['i-twilio-idempotency-token'] as string | undefined
    const traceparent = req.headers.traceparent as string | undefined
    this.requests.push({ path: req.url ?? '', authorized, idempotency, traceparent })
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${this.accountSid}/Messages.json`) {
      return answer(404, { code: 20404, message: 'The requested resource was not found', status: 404 })
    }
    if (!authorized) return answer(401, { code: 20003, message: 'Authenticate', status: 401 })
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') {
      return answer(415, { message: 'expected a form', status: 415 })
    }
    if (this.failWith) {
      const message = this.failWith === 429 ? 'Too Many Requests' : 'Internal Server Error'
      return answer(this.failWith, {
        code: this.failWith === 429 ? 20429 : 20500,
        message,
        status: this.failWith,
      })
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
    const message = { to: form.get('To') ?? '', from: form.get('From') ?? '', body: form.get('Body') ?? '' }
    this.messages.push(message)
    answer(201, { sid: `SM${this.messages.length}`, status: 'queued', ...message })
  }

  async close() {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()))
  }
}
