// Off-site copies of the nightly backups: with an S3 bucket, each backup file is also written to
// `backups/<file name>` in the bucket, which keeps its own number of them; `hbnb restore s3:<name>`
// (or `s3:latest`) fetches one back.
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { BACKUP_NAME } from '../db/backup.js'
import type { ObjectStorage } from '../infra/storage/port.js'

const PREFIX = 'backups/'
export const OFFSITE_SCHEME = 's3:'

/** Off-site backup keys in the bucket, oldest first (their names sort by age). */
export async function offsiteBackups(storage: ObjectStorage): Promise<string[]> {
  const keys: string[] = []
  for await (const object of storage.list(PREFIX)) {
    if (BACKUP_NAME.test(object.key.slice(PREFIX.length))) keys.push(object.key)
  }
  return keys.sort()
}

/** Copies a backup file to the bucket, then keeps the newest `keep` there; returns the key and the deleted. */
export async function copyBackupOffsite(storage: ObjectStorage, file: string, keep: number) {
  const key = `${PREFIX}${basename(file)}`
  await storage.put(key, createReadStream(file), { contentType: 'application/octet-stream' })
  const keys = await offsiteBackups(storage)
  const doomed = keys.slice(0, Math.max(0, keys.length - keep))
  for (const old of doomed) await storage.delete(old)
  return { key, pruned: doomed }
}

export class OffsiteBackupError extends Error {}

/**
 * Fetches the off-site backup `s3:<file name>` (or `s3:latest`) into a temporary directory and
 * hands its path to `use`; the copy is deleted afterwards.
 */
export async function withOffsiteBackup<T>(
  storage: ObjectStorage,
  reference: string,
  use: (file: string) => Promise<T>,
): Promise<T> {
  const name = reference.slice(OFFSITE_SCHEME.length)
  let key = `${PREFIX}${name}`
  if (name === 'latest') {
    const newest = (await offsiteBackups(storage)).at(-1)
    if (!newest) throw new OffsiteBackupError('no off-site backup in the bucket yet (backups/ is empty)')
    key = newest
  } else if (!BACKUP_NAME.test(name)) {
    throw new OffsiteBackupError(`expected s3:latest or s3:hbnb-<timestamp>.sqlite|.jsonl, got ${reference}`)
  }
  const found = await storage.get(key)
  if (!found) throw new OffsiteBackupError(`no off-site backup ${key} in the bucket`)
  const dir = await mkdtemp(join(tmpdir(), 'hbnb-restore-'))
  try {
    const file = join(dir, basename(key))
    await pipeline(found.body, createWriteStream(file))
    return await use(file)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
