// What every message template shares: HTML escaping, the email layout, and dates and money in
// the reader's language.
import type { UserLocale } from '../../../db/schema.js'
import { toMajorUnits } from '../../places/money.js'

export type Locale = UserLocale

export interface RenderedEmail {
  subject: string
  text: string
  html: string
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )
}

/** An email made of plain paragraphs: the text part as written, the HTML part escaped. */
export function paragraphsEmail(subject: string, paragraphs: string[]): RenderedEmail {
  const kept = paragraphs.filter((p) => p !== '')
  return {
    subject,
    text: `${kept.join('\n\n')}\n`,
    html: `<!doctype html><html><body>${kept.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</body></html>`,
  }
}

/** Any stored locale value as a supported locale (English unless French). */
export function localeOf(value: string | null | undefined): Locale {
  return value === 'fr' ? 'fr' : 'en'
}

// Building an Intl formatter costs far more than using one: keep one per locale and options.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>()

function numberFormat(locale: Locale, currency: string): Intl.NumberFormat {
  const key = `n:${locale}:${currency}`
  let format = formatters.get(key) as Intl.NumberFormat | undefined
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency })
    formatters.set(key, format)
  }
  return format
}

function dateFormat(locale: Locale, style: 'full' | 'short'): Intl.DateTimeFormat {
  const key = `d:${locale}:${style}`
  let format = formatters.get(key) as Intl.DateTimeFormat | undefined
  if (!format) {
    format = new Intl.DateTimeFormat(
      locale,
      style === 'full'
        ? { dateStyle: 'full', timeZone: 'UTC' }
        : { day: 'numeric', month: 'short', timeZone: 'UTC' },
    )
    formatters.set(key, format)
  }
  return format
}

/** An amount in minor units, with its currency, as the reader writes it (`€1,234.50`, `1 234,50 €`). */
export function formatMoney(minor: number, currency: string, locale: Locale): string {
  return numberFormat(locale, currency).format(toMajorUnits(minor, currency))
}

/**
 * A calendar date (`YYYY-MM-DD`, already local to the listing) in words: `Friday, March 20, 2030`,
 * `vendredi 20 mars 2030`. Formatted as a UTC date so no time-zone shift can move it.
 */
export function formatDate(date: string, locale: Locale): string {
  return dateFormat(locale, 'full').format(new Date(`${date}T00:00:00Z`))
}

/** A short calendar date for text messages: `Mar 20`, `20 mars`. */
export function formatShortDate(date: string, locale: Locale): string {
  return dateFormat(locale, 'short').format(new Date(`${date}T00:00:00Z`))
}
