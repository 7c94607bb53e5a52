// Field rules shared by services. Each returns the clean value or throws a 400 naming the field.
import { badRequest } from '../errors.js'
import { PASSWORD_MIN_LENGTH, passwordProblem } from '../password-policy.js'

export function requiredText(field: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string') throw badRequest(`${field} is required`, 'validation_failed')
  const trimmed = value.trim()
  if (trimmed.length === 0) throw badRequest(`${field} must not be empty`, 'validation_failed')
  if (trimmed.length > maxLength) {
    throw badRequest(`${field} must be at most ${maxLength} characters`, 'validation_failed')
  }
  return trimmed
}

const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const EMAIL_DOMAIN = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/

export function isValidEmail(value: string): boolean {
  const at = value.lastIndexOf('@')
  if (at <= 0 || value.length > 254) return false
  const local = value.slice(0, at)
  const domain = value.slice(at + 1)
  return local.length <= 64 && EMAIL_LOCAL.test(local) && EMAIL_DOMAIN.test(domain)
}

export function email(value: unknown): string {
  if (typeof value !== 'string') throw badRequest('email is required', 'validation_failed')
  const trimmed = value.trim()
  if (!isValidEmail(trimmed)) throw badRequest('email is not a valid email address', 'validation_failed')
  return trimmed
}

export function password(value: unknown, minLength: number): string {
  if (typeof value !== 'string' || value.length === 0)
    throw badRequest('password is required', 'validation_failed')
  if (value.length < minLength) {
    throw badRequest(`password must be at least ${minLength} characters`, 'validation_failed')
  }
  if (value.length > 256) throw badRequest('password must be at most 256 characters', 'validation_failed')
  return value
}

/** The string format of multi-line text fields (descriptions, reviews): tabs and line breaks allowed. */
export const MULTILINE = 'multiline'

// C0 and C1 control characters; multi-line text keeps tab, line feed and carriage return.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/
const LONE_SURROGATE = /\p{Cs}/u

/**
 * What is wrong with a piece of text a client sent, if anything: control characters (NUL among
 * them) have no place in names, titles or ids, and only line breaks and tabs in multi-line text;
 * an unpaired UTF-16 surrogate is not a character at all and cannot be stored as UTF-8.
 */
export function textProblem(value: string, multiline: boolean): string | undefined {
  // Surrounding whitespace (tabs and line breaks among it) is trimmed by the services, as the
  // HBnB contract wants for names: only what stays is checked.
  if ((multiline ? CONTROL_BUT_LINE_BREAKS : CONTROL).test(multiline ? value : value.trim())) {
    return multiline
      ? 'must not contain control characters other than tabs and line breaks'
      : 'must not contain control characters (line breaks and tabs included)'
  }
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (it holds an unpaired surrogate)'
  return undefined
}

/** A password the policy accepts (see password-policy.ts) for the account with this email. */
export function acceptablePassword(value: unknown, email: string | undefined, minLength = 1): string {
  const valid = password(value, Math.max(minLength, PASSWORD_MIN_LENGTH))
  const problem = passwordProblem(valid, { email })
  if (problem) throw badRequest(problem.message, problem.code)
  return valid
}
