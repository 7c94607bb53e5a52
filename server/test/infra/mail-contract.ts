// The contract every mail driver passes: what is sent arrives once, with its parts and headers.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { MailSender } from '../../src/infra/mail/port.js'

export interface MailHarness {
  sender: MailSender
  /** Raw RFC 5322 messages received so far. */
  received(): Promise<string[]>
  close(): Promise<void>
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

export function mailContract(start: () => Promise<MailHarness>) {
  let harness: MailHarness
  beforeAll(async () => {
    harness = await start()
  })
  afterAll(async () => {
    await harness?.close()
  })

  it('delivers a message once with its recipient, subject, text and HTML parts and dedupe key', async () => {
    await harness.sender.send({
      to: 'guest@example.com',
      subject: 'Your booking is confirmed',
      text: 'Hello guest, see you soon.',
      html: '<p>Hello <b>guest</b>, see you soon.</p>',
      dedupeKey: 'booking:1:confirmed:guest',
    })
    const all = await waitFor(async () => {
      const messages = await harness.received()
      return messages.some((m) => m.includes('booking:1:confirmed:guest')) ? messages : undefined
    }, 'the message')
    const mine = all.filter((m) => m.includes('booking:1:confirmed:guest'))
    expect(mine).toHaveLength(1)
    const raw = mine[0]!
    expect(raw).toMatch(/^To: guest@example\.com$/m)
    expect(raw).toMatch(/^Subject: Your booking is confirmed$/m)
    expect(raw).toMatch(/^From: .*no-reply@hbnb\.test/m)
    expect(raw).toMatch(/^X-HBNB-Dedupe-Key: booking:1:confirmed:guest$/im)
    expect(raw).toContain('multipart/alternative')
    expect(raw).toMatch(/Content-Type: text\/plain[\s\S]*Hello guest, see you soon\./)
    expect(raw).toMatch(/Content-Type: text\/html[\s\S]*<p>Hello <b>guest<\/b>, see you soon\.<\/p>/)
  })

  it('keeps separate messages separate', async () => {
    for (const n of [1, 2, 3]) {
      await harness.sender.send({
        to: `p${n}@example.com`,
        subject: `Note ${n}`,
        text: `n${n}`,
        html: `<p>n${n}</p>`,
      })
    }
    const all = await waitFor(async () => {
      const messages = await harness.received()
      return messages.filter((m) => /^Subject: Note \d$/m.test(m)).length >= 3 ? messages : undefined
    }, 'three messages')
    const notes = all.filter((m) => /^Subject: Note \d$/m.test(m))
    expect(notes.map((m) => /^To: (.*)$/m.exec(m)?.[1]).sort()).toEqual([
      'p1@example.com',
      'p2@example.com',
      'p3@example.com',
    ])
  })
}
