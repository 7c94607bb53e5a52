import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { FileSmsSender } from '../../src/infra/sms/file.js'
import { HttpSmsSender } from '../../src/infra/sms/http.js'
import { createSmsSender } from '../../src/infra/sms/index.js'
import { SmsDeliveryError } from '../../src/infra/sms/port.js'
import { FakeSmsApi } from '../helpers/fake-sms-api.js'
import { type ReceivedSms, smsContract } from './sms-contract.js'

const FROM = '+15005550006'
const SID = 'AC0123456789abcdef'
const TOKEN = 'secret-token-never-logged'

describe('SMS port: file driver', () => {
  smsContract(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hbnb-sms-'))
    const sender = new FileSmsSender(join(dir, 'sms'), FROM)
    return {
      sender,
      async received() {
        const names = await readdir(join(dir, 'sms')).catch(() => [] as string[])
        const files = names.filter((n) => n.endsWith('.json'))
        const parsed = await Promise.all(
          files.map(async (n) => JSON.parse(await readFile(join(dir, 'sms', n), 'utf8')) as ReceivedSms),
        )
        return parsed.map(({ to, from, body }) => ({ to, from, body }))
      },
      async close() {
        await sender.close()
        await rm(dir, { recursive: true, force: true })
      },
    }
  })
})

describe('SMS port: HTTP driver (Twilio-shaped API on loopback)', () => {
  smsContract(async () => {
    const api = new FakeSmsApi()
    const apiUrl = await api.start()
    const sender = new HttpSmsSender({ apiUrl, accountSid: SID, authToken: TOKEN, from: FROM })
    return {
      sender,
      received: async () => [...api.messages],
      async close() {
        await sender.close()
        await api.close()
      },
    }
  })
})

describe('SMS HTTP driver: error reporting', () => {
  const api = new FakeSmsApi()
  let apiUrl: string
  beforeAll(async () => {
    apiUrl = await api.start()
  })
  afterAll(() => api.close())

  async function failure(sender: HttpSmsSender): Promise<SmsDeliveryError> {
    const error = await sender.send({ to: '+33612345678', body: 'hi' }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(SmsDeliveryError)
    return error as SmsDeliveryError
  }

  it('sends basic auth and the dedupe key as an idempotency token', async () => {
    api.failWith = undefined
    const sender = new HttpSmsSender({ apiUrl: `${apiUrl}/`, accountSid: SID, authToken: TOKEN, from: FROM })
    await sender.send({ to: '+33612345678', body: 'keyed', dedupeKey: 'k-1' })
    expect(api.requests.at(-1)).toEqual({
      path: `/2010-04-01/Accounts/${SID}/Messages.json`,
      authorized: true,
      idempotency: 'k-1',
    })
  })

  it('reports a server error as retryable, with status and provider message', async () => {
    api.failWith = 500
    const error = await failure(new HttpSmsSender({ apiUrl, accountSid: SID, authToken: TOKEN, from: FROM }))
    expect(error.status).toBe(500)
    expect(error.retryable).toBe(true)
    expect(error.message).toContain('Internal Server Error')
  })

  it('reports rate limiting (429) as retryable', async () => {
    api.failWith = 429
    const error = await failure(new HttpSmsSender({ apiUrl, accountSid: SID, authToken: TOKEN, from: FROM }))
    expect(error.status).toBe(429)
    expect(error.retryable).toBe(true)
    expect(error.message).toContain('Too Many Requests')
  })

  it('reports a wrong token as a permanent failure without ever showing the token', async () => {
    api.failWith = undefined
    const before = api.messages.length
    const error = await failure(
      new HttpSmsSender({ apiUrl, accountSid: SID, authToken: 'wrong-token-xyz', from: FROM }),
    )
    expect(error.status).toBe(401)
    expect(error.retryable).toBe(false)
    expect(error.message).not.toContain('wrong-token-xyz')
    expect(api.messages.length).toBe(before)
  })

  it('reports an unreachable API as retryable without showing the token', async () => {
    const closed = new FakeSmsApi()
    const url = await closed.start()
    await closed.close()
    const error = await failure(
      new HttpSmsSender({ apiUrl: url, accountSid: SID, authToken: TOKEN, from: FROM }),
    )
    expect(error.status).toBeUndefined()
    expect(error.retryable).toBe(true)
    expect(error.message).not.toContain(TOKEN)
  })
})

describe('SMS driver choice', () => {
  it('uses files without HBNB_SMS_API_URL and the HTTP API with it', () => {
    const base = { HBNB_ENV: 'test', HBNB_DATA_DIR: join(tmpdir(), 'hbnb-sms-choice') }
    expect(createSmsSender(loadConfig(base, false))).toBeInstanceOf(FileSmsSender)
    const configured = loadConfig(
      {
        ...base,
        HBNB_SMS_API_URL: 'https://sms.example.test/',
        HBNB_SMS_ACCOUNT_SID: SID,
        HBNB_SMS_AUTH_TOKEN: TOKEN,
        HBNB_SMS_FROM: FROM,
      },
      false,
    )
    expect(configured.smsApiUrl).toBe('https://sms.example.test')
    expect(createSmsSender(configured)).toBeInstanceOf(HttpSmsSender)
  })

  it('refuses an API URL without credentials', () => {
    expect(() =>
      loadConfig({ HBNB_ENV: 'test', HBNB_SMS_API_URL: 'https://sms.example.test' }, false),
    ).toThrow(/HBNB_SMS_ACCOUNT_SID/)
  })
})
