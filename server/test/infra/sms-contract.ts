// The contract every SMS driver passes: what is sent arrives once, with its recipient, sender and body.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { SmsSender } from '../../src/infra/sms/port.js'
import { waitFor } from './mail-contract.js'

export interface ReceivedSms {
  to: string
  from: string
  body: string
}

export interface SmsHarness {
  sender: SmsSender
  /** Messages received so far. */
  received(): Promise<ReceivedSms[]>
  close(): Promise<void>
}

export function smsContract(start: () => Promise<SmsHarness>) {
  let harness: SmsHarness
  beforeAll(async () => {
    harness = await start()
  })
  afterAll(async () => {
    await harness?.close()
  })

  it('delivers a message once with its recipient, sender and body (unicode included)', async () => {
    const body = 'Réservation confirmée : à bientôt ! booking-1'
    await harness.sender.send({ to: '+33612345678', body, dedupeKey: 'booking:1:confirmed:sms' })
    const all = await waitFor(async () => {
      const messages = await harness.received()
      return messages.some((m) => m.body === body) ? messages : undefined
    }, 'the message')
    const mine = all.filter((m) => m.body === body)
    expect(mine).toEqual([{ to: '+33612345678', from: '+15005550006', body }])
  })

  it('keeps separate messages separate', async () => {
    for (const n of [1, 2, 3]) await harness.sender.send({ to: `+3361234560${n}`, body: `note ${n}` })
    const all = await waitFor(async () => {
      const messages = await harness.received()
      return messages.filter((m) => /^note \d$/.test(m.body)).length >= 3 ? messages : undefined
    }, 'three messages')
    const notes = all.filter((m) => /^note \d$/.test(m.body))
    expect(notes.map((m) => `${m.to} ${m.body}`).sort()).toEqual([
      '+33612345601 note 1',
      '+33612345602 note 2',
      '+33612345603 note 3',
    ])
  })
}
