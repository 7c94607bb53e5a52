// What makes a password or a secret too weak: too short, on the list of common and breached
// passwords (the 49k of @zxcvbn-ts/language-common, from public breach corpora), made of the
// account's email, or (secrets) too little entropy. Used by the services and by the configuration.
import { createRequire } from 'node:module'

export const PASSWORD_MIN_LENGTH = 8

export interface PasswordProblem {
  /** Stable, for clients: `validation_failed` (missing, too short or long), `password_too_common`, `password_contains_email`. */
  code: 'validation_failed' | 'password_too_common' | 'password_contains_email'
  /** Says what to do. */
  message: string
}

let common: Set<string> | undefined

/** The list, loaded on first use (decompressing it takes a few hundred milliseconds). */
function commonPasswords(): Set<string> {
  if (!common) {
    const require = createRequire(import.meta.url)
    const { dictionary } = require('@zxcvbn-ts/language-common') as {
      dictionary: Record<'passwords-common', string[]>
    }
    common = new Set(dictionary['passwords-common'].map((word) => word.toLowerCase()))
  }
  return common
}

/** Whether the password, or it without trailing digits and symbols (`dragon2024!`), is a common one. */
export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase()
  const stem = lower.replace(/[\d\W_]+$/u, '')
  const list = commonPasswords()
  return list.has(lower) || (stem.length >= 4 && list.has(stem))
}

/** The email, or its local part (3 characters or more), inside the password. */
function containsEmail(password: string, email: string): boolean {
  const lower = password.toLowerCase()
  const address = email.trim().toLowerCase()
  const local = address.split('@')[0] ?? ''
  return (address !== '' && lower.includes(address)) || (local.length >= 3 && lower.includes(local))
}

/** Why the password may not be used, or undefined when it may. */
export function passwordProblem(
  password: string,
  options: { email?: string; minLength?: number } = {},
): PasswordProblem | undefined {
  const minLength = Math.max(options.minLength ?? PASSWORD_MIN_LENGTH, 1)
  if (password.length < minLength) {
    return { code: 'validation_failed', message: `password must be at least ${minLength} characters` }
  }
  if (options.email && containsEmail(password, options.email)) {
    return {
      code: 'password_contains_email',
      message: 'password must not contain your email address or its name part: choose another one',
    }
  }
  if (isCommonPassword(password)) {
    return {
      code: 'password_too_common',
      message:
        'password is one of the most common (or leaked) passwords: choose another one, for example a few unrelated words',
    }
  }
  return undefined
}

/**
 * An estimate of a secret's entropy in bits: its length times the Shannon entropy of its
 * characters, counting a repeated unit (`abcabcabc`) once. Random strings score about their real
 * strength; repeated or patterned ones far less.
 */
export function entropyBits(secret: string): number {
  const chars = [...secret]
  const unit = chars.slice(0, shortestPeriod(chars))
  return shannonBits(unit)
}

/** The length of the shortest unit the characters repeat (all of them when they repeat none). */
function shortestPeriod(chars: string[]): number {
  for (let period = 1; period <= chars.length / 2; period++) {
    if (chars.every((char, i) => i < period || char === chars[i - period])) return period
  }
  return chars.length
}

function shannonBits(chars: string[]): number {
  const counts = new Map<string, number>()
  for (const char of chars) counts.set(char, (counts.get(char) ?? 0) + 1)
  let perChar = 0
  for (const count of counts.values()) {
    const p = count / chars.length
    perChar -= p * Math.log2(p)
  }
  return perChar * chars.length
}
