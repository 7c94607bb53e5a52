// Off-site backups: the nightly backup job copies each backup to the S3 bucket (a real S3-compatible
// server on loopback), keeps its own number there, and `hbnb restore s3:...` brings one back.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createDatabase } from '../../src/db/database.js'
import { FileObjectStorage } from '../../src/infra/storage/file.js'
import type { ObjectStorage } from '../../src/infra/storage/port.js'
import { S3ObjectStorage } from '../../src/infra/storage/s3.js'
import { beatJobs } from '../../src/jobs/beat.js'
import { offsiteBackups } from '../../src/jobs/offsite-backups.js'
import { runHbnb } from '../helpers/processes.js'
import { S3_CREDENTIALS, S3TestServer } from '../helpers/s3-server.js'
import { describeEachDriver, freshDatabase, type TestApp } from '../helpers/test-app.js'

const DAY = 86_400_000
const START = Date.parse('2030-01-01T03:00:00.000Z')

describeEachDriver('off-site backups', (t) => {
  const server = new S3TestServer(['backups-bucket'])
  let storage: S3ObjectStorage
  let backupDir: string
  beforeAll(async () => {
    await server.start()
    storage = new S3ObjectStorage(server.options())
    backupDir = mkdtempSync(join(tmpdir(), 'hbnb-offsite-'))
  })
  afterAll(async () => {
    await storage?.close()
    await server.close()
    rmSync(backupDir, { recursive: true, force: true })
  })

  function backupJob(app: TestApp, objects: ObjectStorage, at: number) {
    const config = { ...app.app.config, backupDir, backupKeep: 5, backupOffsiteKeep: 2 }
    const jobs = beatJobs({
      config,
      database: app.app.database,
      services: app.app.services,
      storage: objects,
      now: () => at,
    })
    return jobs.find((job) => job.name === 'database.backup')!
  }

  function s3Env(databaseUrl: string) {
    return {
      HBNB_DATABASE_URL: databaseUrl,
      HBNB_S3_BUCKET: 'backups-bucket',
      HBNB_S3_ENDPOINT: server.endpoint,
      HBNB_S3_PATH_STYLE: 'true',
      HBNB_S3_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      HBNB_S3_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
    }
  }

  it('copies each nightly backup to the bucket and keeps the newest there', async () => {
    const app = t()
    const host = await app.user()
    await app.place(host.token, { title: 'Kept off-site' })
    const results = []
    for (const day of [0, 1, 2])
      results.push(await backupJob(app, storage, START + day * DAY).run(new Date()))
    const extension = app.driver === 'sqlite' ? 'sqlite' : 'jsonl'
    expect(results[2]).toMatchObject({
      offsite: `backups/hbnb-20300103T030000000Z.${extension}`,
      offsitePruned: 1,
    })
    expect(await offsiteBackups(storage)).toEqual([
      `backups/hbnb-20300102T030000000Z.${extension}`,
      `backups/hbnb-20300103T030000000Z.${extension}`,
    ])
    // The local copies follow their own retention (5 here).
    expect(readdirSync(backupDir).filter((name) => name.endsWith(extension))).toHaveLength(3)
  })

  it('restores the newest off-site backup with `hbnb restore s3:latest`', async () => {
    const app = t()
    const target =
      app.driver === 'sqlite'
        ? { url: `sqlite:${join(backupDir, 'restored.sqlite')}`, drop: async () => {} }
        : await freshDatabase('mysql')
    try {
      const restored = await runHbnb(['restore', 's3:latest'], s3Env(target.url))
      expect(restored.stderr).toBe('')
      expect(restored.code).toBe(0)
      expect(restored.stdout).toMatch(/^restored /)
      const database = createDatabase(target.url)
      try {
        const titles = await database.write.selectFrom('places').select('title').execute()
        expect(titles.map((row) => row.title)).toContain('Kept off-site')
      } finally {
        await database.close()
      }
    } finally {
      await target.drop()
    }
  })

  it('says what is wrong with an off-site reference, and restores nothing', async () => {
    const url = `sqlite:${join(backupDir, 'never.sqlite')}`
    const unknown = await runHbnb(['restore', 's3:hbnb-20290101T000000000Z.sqlite'], s3Env(url))
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain(
      'no off-site backup backups/hbnb-20290101T000000000Z.sqlite in the bucket',
    )
    const malformed = await runHbnb(['restore', 's3:../../etc/passwd'], s3Env(url))
    expect(malformed.code).toBe(1)
    expect(malformed.stderr).toContain('expected s3:latest or s3:hbnb-<timestamp>')
    const noBucket = await runHbnb(['restore', 's3:latest'], { HBNB_DATABASE_URL: url })
    expect(noBucket.code).toBe(1)
    expect(noBucket.stderr).toContain('off-site backups need HBNB_S3_BUCKET')
    expect(readdirSync(backupDir)).not.toContain('never.sqlite')
  })

  it('copies nothing when the storage is the local disk (not off-site)', async () => {
    const app = t()
    const local = new FileObjectStorage(join(backupDir, 'storage'))
    const result = await backupJob(app, local, START + 10 * DAY).run(new Date())
    expect(result).not.toHaveProperty('offsite')
    expect(readdirSync(backupDir)).not.toContain('storage')
  })
})
