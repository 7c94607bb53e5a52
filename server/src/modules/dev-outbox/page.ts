// HTML of the development outbox pages: plain, self-contained, every value escaped.
import type { MailSummary } from '../../infra/mail/file.js'
import { escapeHtml as e } from '../notifications/templates/format.js'
import type { TextMessage } from './service.js'

/** The pages' one stylesheet (inline: the routes allow it by its hash). */
export const OUTBOX_STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
a{color:#c13515}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem;border-radius:4px}
iframe{width:100%;height:32rem;border:1px solid #ddd;border-radius:4px}.muted{color:#666}`

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(title)}</title>
<style>${OUTBOX_STYLE}</style></head><body>${body}</body></html>`
}

export function outboxPage(
  emails: Array<MailSummary & { id: string }>,
  texts: Array<TextMessage & { id: string }>,
) {
  const emailRows = emails
    .map(
      (m) =>
        `<tr><td class="muted">${e(m.sentAt)}</td><td>${e(m.to)}</td><td><a href="/dev/outbox/mail/${e(m.id)}">${e(m.subject)}</a></td></tr>`,
    )
    .join('')
  const textRows = texts
    .map((t) => `<tr><td class="muted">${e(t.sentAt)}</td><td>${e(t.to)}</td><td>${e(t.body)}</td></tr>`)
    .join('')
  return page(
    'HBNB development outbox',
    `<h1>Development outbox</h1>
<p class="muted">What HBNB would have sent: emails (no <code>HBNB_SMTP_URL</code>) and text messages (no
<code>HBNB_SMS_API_URL</code>), newest first. This page exists outside production only.</p>
<h2>Emails (${emails.length})</h2>
${emails.length ? `<table><tr><th>Sent</th><th>To</th><th>Subject</th></tr>${emailRows}</table>` : '<p>No email yet.</p>'}
<h2>Text messages (${texts.length})</h2>
${texts.length ? `<table><tr><th>Sent</th><th>To</th><th>Message</th></tr>${textRows}</table>` : '<p>No text message yet.</p>'}`,
  )
}

export function emailPage(id: string, mail: MailSummary) {
  return page(
    mail.subject,
    `<p><a href="/dev/outbox">&larr; Development outbox</a></p>
<h1>${e(mail.subject)}</h1>
<table><tr><th>From</th><td>${e(mail.from)}</td></tr><tr><th>To</th><td>${e(mail.to)}</td></tr>
<tr><th>Sent</th><td>${e(mail.sentAt)}</td></tr>
<tr><th>Message</th><td><a href="/dev/outbox/mail/${e(id)}/raw">Download the .eml</a></td></tr></table>
<h2>HTML</h2><iframe sandbox title="HTML part" srcdoc="${e(mail.html)}"></iframe>
<h2>Text</h2><pre>${e(mail.text)}</pre>`,
  )
}
