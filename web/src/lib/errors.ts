import { ApiError, NetworkError } from '../api/client'
import type { MessageKey, Translate } from '../i18n'

/** No answer because the browser is offline (rather than the server being down). */
export function isOffline(error: unknown): boolean {
  return error instanceof NetworkError && typeof navigator !== 'undefined' && navigator.onLine === false
}

/**
 * What went wrong and what to do next, in the reader's language. `action`: the error of something
 * the user did (a change), rather than of a read.
 */
export function errorMessage(
  t: Translate,
  error: unknown,
  options: { action?: boolean | undefined } = {},
): string {
  if (isOffline(error)) return options.action ? t('offline.action') : t('offline.unavailable')
  if (error instanceof NetworkError) return t('error.network')
  if (!(error instanceof ApiError)) return t('error.unexpected')
  if (error.status === 429) {
    return error.retryAfter ? t('error.rateLimitedIn', { seconds: error.retryAfter }) : t('error.rateLimited')
  }
  const known = `error.code.${error.code}` as MessageKey
  const message = t(known)
  if (message !== known) return message
  if (error.status === 401) return t('error.code.session_expired')
  if (error.status === 403) return t('error.forbidden')
  if (error.status === 404) return t('error.notFound')
  if (error.status >= 500) return t('error.server')
  return error.message
}

/** Field messages of a validation error, by field name. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {}
  const fields: Record<string, string> = {}
  if (!error.details) {
    // Service rules name the field first: "title must not be empty".
    const match = /^([a-z_]+) (.+)$/.exec(error.message)
    if (error.code === 'validation_failed' && match) fields[match[1] as string] = error.message
    return fields
  }
  for (const detail of error.details) {
    if (detail && typeof detail.field === 'string') fields[detail.field] ??= detail.message
  }
  return fields
}
