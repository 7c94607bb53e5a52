// Production SMS driver: a Twilio-shaped HTTP API (form-encoded POST, HTTP basic auth).
import { clientSpan, withTraceHeaders } from '../../tracing.js'
import { SmsDeliveryError, type SmsMessage, type SmsSender } from './port.js'

export interface HttpSmsOptions {
  /** Base URL of the API, e.g. `https://api.twilio.com`. */
  apiUrl: string
  accountSid: string
  authToken: string
  from: string
  timeoutMs?: number
}

export class HttpSmsSender implements SmsSender {
  private readonly endpoint: string
  private readonly authorization: string

  constructor(private readonly options: HttpSmsOptions) {
    const base = options.apiUrl.replace(/\/+$/, '')
    this.endpoint = `${base}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`
    this.authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`
  }

  async send(message: SmsMessage): Promise<void> {
    const form = new URLSearchParams({ To: message.to, From: this.options.from, Body: message.body })
    const headers: Record<string, string> = {
      authorization: this.authorization,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    }
    // Twilio-style idempotency header: a retried send with the same key is not delivered twice.
    if (message.dedupeKey) headers['i-twilio-idempotency-token'] = message.dedupeKey
    let response: Response
    try {
      response = await clientSpan(
        'POST',
        { 'http.request.method': 'POST', 'server.address': new URL(this.endpoint).hostname },
        () =>
          fetch(this.endpoint, {
            method: 'POST',
            headers: withTraceHeaders(headers),
            body: form.toString(),
            signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
          }),
      )
    } catch (error) {
      // The token is never part of the message: only the endpoint (which holds the account SID).
      throw new SmsDeliveryError(
        `SMS API unreachable at ${this.endpoint}: ${(error as Error).message}`,
        undefined,
        true,
      )
    }
    if (response.ok) {
      await response.body?.cancel()
      return
    }
    const detail = await providerMessage(response)
    const retryable = response.status === 429 || response.status >= 500
    throw new SmsDeliveryError(
      `SMS API answered ${response.status}${detail ? `: ${detail}` : ''}`,
      response.status,
      retryable,
    )
  }

  async close(): Promise<void> {}
}

async function providerMessage(response: Response): Promise<string> {
  const raw = await response.text().catch(() => '')
  try {
    const parsed = JSON.parse(raw) as { message?: unknown }
    if (typeof parsed.message === 'string') return parsed.message.slice(0, 200)
  } catch {
    // not JSON: fall through
  }
  return raw.slice(0, 200)
}
