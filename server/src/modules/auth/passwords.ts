import { availableParallelism } from 'node:os'
import { hash, verify } from '@node-rs/argon2'
import { ConcurrencyLimit } from '../../concurrency.js'

/** `Algorithm.Argon2id` of @node-rs/argon2 (a const enum, which this build cannot import). */
const ARGON2ID = 2

/**
 * argon2id with m=7 MiB, t=5, p=1: one of the settings the OWASP Password Storage Cheat Sheet lists
 * as equally strong (with m=19 MiB, t=2, the library's default), for about the same CPU and a third of
 * the memory: two logins at once held 38 MiB, the largest part of a server's peak (docs/benchmarks.md).
 */
const ARGON2 = { algorithm: ARGON2ID, memoryCost: 7168, timeCost: 5, parallelism: 1 }
/** How a hash made with those settings names them. */
const CURRENT_SETTINGS = `$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}$`

/**
 * Hashes and checks running at once. Each argon2id one holds its memory and a CPU core until it ends:
 * more than one per core would not finish sooner, only hold more memory (a login flood's peak) and
 * more of the thread pool that file and DNS work share. The rest wait their turn.
 */
export const passwordWork = new ConcurrencyLimit(availableParallelism())

export function hashPassword(password: string): Promise<string> {
  return passwordWork.run(() => hash(password, ARGON2))
}

export interface PasswordCheck {
  ok: boolean
  /**
   * True when the stored hash should be replaced at this login: a legacy one (bcrypt from an HBnB
   * import), or argon2id made with other settings (the default m=19 MiB before 2026-12-05).
   */
  needsRehash: boolean
}

const isBcrypt = (stored: string) => /^\$2[aby]\$\d{2}\$/.test(stored)

export async function checkPassword(stored: string, password: string): Promise<PasswordCheck> {
  if (isBcrypt(stored)) {
    // Loaded by the first legacy hash checked: most installs never hold one.
    const { default: bcrypt } = await import('bcryptjs')
    return { ok: await passwordWork.run(() => bcrypt.compare(password, stored)), needsRehash: true }
  }
  try {
    const ok = await passwordWork.run(() => verify(stored, password))
    return { ok, needsRehash: ok && !stored.includes(CURRENT_SETTINGS) }
  } catch {
    return { ok: false, needsRehash: false }
  }
}

let decoy: Promise<string> | undefined

/** Spends the time of a real check when there is no account, so timing does not reveal which emails exist. */
export async function checkAgainstDecoy(password: string): Promise<void> {
  decoy ??= hashPassword('hbnb-decoy-password')
  await checkPassword(await decoy, password)
}
