import { availableParallelism } from 'node:os'
import { hash, verify } from '@node-rs/argon2'
import bcrypt from 'bcryptjs'
import { ConcurrencyLimit } from '../../concurrency.js'

/** `Algorithm.Argon2id` of @node-rs/argon2 (a const enum, which this build cannot import). */
const ARGON2ID = 2

/**
 * Hashes and checks running at once. Each argon2id one holds 19 MiB and a CPU core until it ends:
 * more than one per core would not finish sooner, only hold more memory (a login flood's peak) and
 * more of the thread pool that file and DNS work share. The rest wait their turn.
 */
export const passwordWork = new ConcurrencyLimit(availableParallelism())

/** argon2id with the library defaults (m=19 MiB, t=2, p=1), the OWASP baseline. */
export function hashPassword(password: string): Promise<string> {
  return passwordWork.run(() => hash(password, { algorithm: ARGON2ID }))
}

export interface PasswordCheck {
  ok: boolean
  /** True when the stored hash is a legacy one (bcrypt from an HBnB import) to replace with argon2id. */
  needsRehash: boolean
}

const isBcrypt = (stored: string) => /^\$2[aby]\$\d{2}\$/.test(stored)

export async function checkPassword(stored: string, password: string): Promise<PasswordCheck> {
  if (isBcrypt(stored)) {
    return { ok: await passwordWork.run(() => bcrypt.compare(password, stored)), needsRehash: true }
  }
  try {
    return { ok: await passwordWork.run(() => verify(stored, password)), needsRehash: false }
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
