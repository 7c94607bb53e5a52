// Message catalogs (English and French), chosen from the browser and switchable, and the
// formatters for money and dates every page uses.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import type { MessageKey } from './en'
import { enShell } from './en-shell'

export const LOCALES = { en: 'English', fr: 'Français' } as const
export type Locale = keyof typeof LOCALES
type Catalog = Partial<Record<MessageKey, string>>
/**
 * The messages of each language loaded so far. Only the English messages of the app shell and the
 * home page are built in (en-shell.ts); the rest of English (en.ts) comes with the first other page,
 * and French (fr.ts, whole) when it is first chosen, before anything shows in it.
 */
const CATALOGS: Partial<Record<Locale, Catalog>> = {}
/** The English messages loaded so far: the reference every other catalog falls back to. */
let english: Catalog = enShell
/** Languages whose whole catalog is loaded. */
const complete = new Set<Locale>()
/** The language shown now (the provider's), whose whole catalog the pages wait for. */
let shown: Locale = 'en'

async function loadEnglish(): Promise<void> {
  if (complete.has('en')) return
  english = (await import('./en')).en
  CATALOGS.en = english
  complete.add('en')
}

/** Makes `locale`'s messages available to show its first page; resolves once they are. */
export async function loadLocale(locale: Locale): Promise<void> {
  if (locale === 'fr' && !complete.has('fr')) {
    CATALOGS.fr = (await import('./fr')).fr
    complete.add('fr')
  }
}

/** Every message of the language shown: what a page other than the home page waits for. */
export function loadAllMessages(locale: Locale = shown): Promise<void> {
  return locale === 'en' ? loadEnglish() : loadLocale(locale)
}

const STORAGE_KEY = 'hbnb.locale'

export function detectLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved && saved in LOCALES) return saved as Locale
  } catch {
    // no storage
  }
  for (const language of navigator.languages ?? [navigator.language]) {
    const base = language.toLowerCase().split('-')[0]
    if (base && base in LOCALES) return base as Locale
  }
  return 'en'
}

export type Vars = Record<string, string | number>
/** Base keys of plural messages: `search.count` for `search.count_one` / `search.count_other`. */
type PluralKey = { [K in MessageKey]: K extends `${infer Base}_other` ? Base : never }[MessageKey]
export type Translate = (key: MessageKey | PluralKey, vars?: Vars) => string

function interpolate(message: string, vars?: Vars) {
  if (!vars) return message
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    vars[name] === undefined ? whole : String(vars[name]),
  )
}

export function translator(locale: Locale): Translate {
  const rules = new Intl.PluralRules(locale)
  return (key, vars) => {
    // Read at each call: a catalog not loaded yet (see loadLocale) falls back to English.
    const catalog = CATALOGS[locale] ?? english
    // Plurals: `key_one` / `key_other` chosen by {count}.
    if (vars && typeof vars.count === 'number') {
      const plural = `${key}_${rules.select(vars.count)}` as MessageKey
      const other = `${key}_other` as MessageKey
      const message = catalog[plural] ?? catalog[other] ?? english[other]
      if (message) return interpolate(message, vars)
    }
    return interpolate(catalog[key as MessageKey] ?? english[key as MessageKey] ?? key, vars)
  }
}

const digitsCache = new Map<string, number>()
/** Minor units per major unit of a currency (2 for EUR, 0 for JPY). */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency)
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits as number
    } catch {
      digits = 2
    }
    digitsCache.set(currency, digits)
  }
  return digits
}

export interface Formatters {
  locale: Locale
  t: Translate
  /** An amount in major units, in its currency. */
  money: (amount: number, currency: string, options?: { whole?: boolean }) => string
  /** An amount in minor units (cents), in its currency. */
  moneyMinor: (minor: number, currency: string) => string
  /** A calendar date (YYYY-MM-DD, a local date of the listing), as written in the locale. */
  date: (ymd: string, style?: 'short' | 'long') => string
  /** An instant, in the listing's time zone, with the zone's name. */
  dateTime: (iso: string, timeZone: string) => string
  /** A count with the locale's digits. */
  number: (value: number, digits?: number) => string
  /** An amenity's name (the API's, in English) in the locale, when it is a known one. */
  amenity: (name: string) => string
  setLocale: (locale: Locale) => void
}

function makeFormatters(locale: Locale, setLocale: (locale: Locale) => void): Formatters {
  const t = translator(locale)
  const tag = locale === 'fr' ? 'fr-FR' : 'en-GB'
  return {
    locale,
    t,
    setLocale,
    money: (amount, currency, options) => {
      try {
        return new Intl.NumberFormat(tag, {
          style: 'currency',
          currency,
          ...(options?.whole ? { maximumFractionDigits: 0, minimumFractionDigits: 0 } : {}),
        }).format(amount)
      } catch {
        return `${amount} ${currency}`
      }
    },
    moneyMinor: (minor, currency) => {
      const digits = currencyDigits(currency)
      try {
        return new Intl.NumberFormat(tag, { style: 'currency', currency }).format(minor / 10 ** digits)
      } catch {
        return `${minor / 10 ** digits} ${currency}`
      }
    },
    date: (ymd, style = 'short') => {
      const [y, m, d] = ymd.split('-').map(Number)
      if (!y || !m || !d) return ymd
      return new Intl.DateTimeFormat(tag, {
        timeZone: 'UTC',
        ...(style === 'long'
          ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }
          : { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }),
      }).format(Date.UTC(y, m - 1, d))
    },
    dateTime: (iso, timeZone) => {
      try {
        const when = new Intl.DateTimeFormat(tag, { timeZone, dateStyle: 'medium', timeStyle: 'short' })
        return `${when.format(new Date(iso))} (${zoneName(tag, timeZone, iso)})`
      } catch {
        return iso
      }
    },
    amenity: (name) => {
      const key = `amenity.${name}` as MessageKey
      const translated = t(key)
      return translated === key ? name : translated
    },
    number: (value, digits = 0) =>
      new Intl.NumberFormat(tag, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
        value,
      ),
  }
}

function zoneName(tag: string, timeZone: string, iso: string) {
  const part = new Intl.DateTimeFormat(tag, { timeZone, timeZoneName: 'short' })
    .formatToParts(new Date(iso))
    .find((p) => p.type === 'timeZoneName')
  return part?.value ?? timeZone
}

const I18nContext = createContext<Formatters | null>(null)

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => initial ?? detectLocale())
  // Bumped when the rest of the catalog arrives, so that anything shown meanwhile is translated again.
  const [loaded, setLoaded] = useState(() => complete.has(locale))
  shown = locale
  const setLocale = useCallback((next: Locale) => {
    try {
      localStorage.setItem(STORAGE_KEY, next)
    } catch {
      // no storage
    }
    void loadAllMessages(next).then(() => setLocaleState(next))
  }, [])
  useEffect(() => {
    document.documentElement.lang = locale
  }, [locale])
  // After the first page shows, the rest of its language's messages load without holding it up.
  useEffect(() => {
    if (complete.has(locale)) return
    let live = true
    void loadAllMessages(locale)
      .then(() => live && setLoaded(true))
      .catch(() => undefined)
    return () => {
      live = false
    }
  }, [locale])
  // biome-ignore lint/correctness/useExhaustiveDependencies: `loaded` changes what the catalogs hold
  const value = useMemo(() => makeFormatters(locale, setLocale), [locale, setLocale, loaded])
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): Formatters {
  const value = useContext(I18nContext)
  if (!value) throw new Error('useI18n outside I18nProvider')
  return value
}

export type { MessageKey }
