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

/** A password the policy accepts (see password-policy.ts) for the account with this email. */
export function acceptablePassword(value: unknown, email: string | undefined, minLength = 1): string {
  const valid = password(value, Math.max(minLength, PASSWORD_MIN_LENGTH))
  const problem = passwordProblem(valid, { email })
  if (problem) throw badRequest(problem.message, problem.code)
  return valid
}
