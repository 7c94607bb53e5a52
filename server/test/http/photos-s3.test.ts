// Photos on S3 (s3rver on loopback): direct uploads from the client to the bucket with a presigned
// request, then checked by the server as any upload; tasks through RabbitMQ, variants made by a real
// `hbnb worker` process (on MariaDB: on SQLite the test database is in memory, so the app's own
// runner consumes them).
import { randomBytes } from 'node:crypto'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { expectError } from '../helpers/contract.js'
import { decompressionBomb, multipartBody, phonePhoto, smallPng } from '../helpers/images.js'
import { startWorkerProcess, type WorkerProcess } from '../helpers/processes.js'
import { S3_CREDENTIALS, S3TestServer } from '../helpers/s3-server.js'
import { AMQP_URL, describeEachDriver, type TestApp } from '../helpers/test-app.js'
import { waitFor } from '../infra/mail-contract.js'

const s3 = await new S3TestServer(['hbnb-media']).start()
afterAll(() => s3.close())

const S3_ENV = {
  HBNB_S3_BUCKET: 'hbnb-media',
  HBNB_S3_ENDPOINT: s3.endpoint,
  HBNB_S3_PATH_STYLE: 'true',
  HBNB_S3_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
  HBNB_S3_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
  HBNB_TASK_POLL_MS: '20',
  HBNB_AMQP_URL: AMQP_URL,
  HBNB_AMQP_QUEUE_PREFIX: `hbnb-test-photos-${randomBytes(4).toString('hex')}.`,
}

async function startUpload(t: TestApp, placeId: string, token: string, bytes: Buffer, type = 'image/jpeg') {
  return t.post(
    `/api/v1/places/${placeId}/photos/uploads`,
    { content_type: type, size: bytes.length },
    { token },
  )
}

async function putToBucket(
  upload: { url: string; method: string; headers: Record<string, string> },
  bytes: Buffer,
) {
  return fetch(upload.url, { method: upload.method, headers: upload.headers, body: bytes })
}

async function readyPhoto(t: TestApp, placeId: string, token: string, photoId: string) {
  return waitFor(
    async () => {
      const photos = (await t.get(`/api/v1/places/${placeId}/photos`, { token })).body as Record<
        string,
        any
      >[]
      const photo = photos.find((p) => p.id === photoId)
      return photo && photo.status !== 'processing' ? photo : undefined
    },
    `photo ${photoId} processed`,
    60_000,
  )
}

async function keysIn(t: TestApp, prefix: string) {
  const keys: string[] = []
  for await (const object of t.app.storage.list(prefix)) keys.push(object.key)
  return keys
}

describeEachDriver(
  'photos on S3',
  (t) => {
    let host: { id: string; token: string }
    let placeId: string
    let worker: WorkerProcess | undefined
    beforeAll(async () => {
      expect(t().app.storage.kind).toBe('s3')
      if (t().driver === 'mysql') {
        t().app.jobs.startRelay()
        worker = await startWorkerProcess({ ...S3_ENV, HBNB_DATABASE_URL: t().app.config.databaseUrl })
      } else {
        await t().app.jobs.start()
      }
      host = await t().user()
      placeId = (await t().place(host.token, { title: 'Bucket view' })).id
    }, 120_000)
    afterAll(async () => {
      await worker?.stop()
    })

    it('takes a photo uploaded straight to the bucket, and makes its variants there', async () => {
      const bytes = await phonePhoto()
      const started = await startUpload(t(), placeId, host.token, bytes)
      expect(started.status, started.text).toBe(201)
      expect(started.body).toMatchObject({ method: 'PUT', headers: { 'content-type': 'image/jpeg' } })
      expect(started.body.url.startsWith(`${s3.endpoint}/hbnb-media/originals/${placeId}/`)).toBe(true)
      expect((await putToBucket(started.body, bytes)).status).toBe(200)
      const completed = await t().post(
        `/api/v1/places/${placeId}/photos/uploads/${started.body.upload_id}`,
        { alt_text: 'Sea from the balcony' },
        { token: host.token },
      )
      expect(completed.status, completed.text).toBe(202)
      expect(completed.body).toMatchObject({ status: 'processing', alt_text: 'Sea from the balcony' })
      const photo = await readyPhoto(t(), placeId, host.token, completed.body.id)
      expect(photo).toMatchObject({ status: 'ready', width: 900, height: 1200 })
      const jpeg = await fetch(`${t().baseUrl}${photo.src}`)
      expect(jpeg.status).toBe(200)
      expect(jpeg.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect((await sharp(Buffer.from(await jpeg.arrayBuffer())).metadata()).exif).toBeUndefined()
      const variantUrls = Object.values(photo.srcset as Record<string, string>).flatMap((set) =>
        set.split(', ').map((entry) => entry.split(' ')[0]!),
      )
      expect(variantUrls).toHaveLength(9)
      const stored = await keysIn(t(), 'media/')
      for (const url of variantUrls) expect(stored).toContain(`media/${url.slice('/media/'.length)}`)
      // The original goes once the row says ready (a moment after).
      await waitFor(
        async () => ((await keysIn(t(), 'originals/')).length === 0 ? true : undefined),
        'original removed',
      )
      // An upload is completed once.
      const again = await t().post(
        `/api/v1/places/${placeId}/photos/uploads/${started.body.upload_id}`,
        {},
        { token: host.token },
      )
      expectError(again, 404)
    })

    it('takes a multipart upload through the API into the bucket too', async () => {
      const body = multipartBody(
        { caption: 'Blue' },
        { name: 'blue.png', type: 'image/png', bytes: await smallPng() },
      )
      const uploaded = await t().request('POST', `/api/v1/places/${placeId}/photos`, {
        token: host.token,
        ...body,
      })
      expect(uploaded.status, uploaded.text).toBe(202)
      const photo = await readyPhoto(t(), placeId, host.token, uploaded.body.id)
      expect(photo).toMatchObject({ status: 'ready', caption: 'Blue', width: 400 })
    })

    it('refuses what arrived in the bucket when it is not a proper photo, and deletes it', async () => {
      const bomb = decompressionBomb()
      const started = await startUpload(t(), placeId, host.token, bomb, 'image/png')
      expect((await putToBucket(started.body, bomb)).status).toBe(200)
      const completed = await t().post(
        `/api/v1/places/${placeId}/photos/uploads/${started.body.upload_id}`,
        {},
        { token: host.token },
      )
      expect(completed.status, completed.text).toBe(422)
      expect(completed.body.code).toBe('image_too_large')
      expect(await keysIn(t(), 'originals/')).toEqual([])

      const script = Buffer.from('<?php echo 1; ?>')
      const disguised = await startUpload(t(), placeId, host.token, script)
      expect((await putToBucket(disguised.body, script)).status).toBe(200)
      const refused = await t().post(
        `/api/v1/places/${placeId}/photos/uploads/${disguised.body.upload_id}`,
        {},
        { token: host.token },
      )
      expect(refused.status).toBe(415)
      expect(await keysIn(t(), 'originals/')).toEqual([])
    })

    it('refuses to start an upload that is too large, of another type, or on a listing of someone else', async () => {
      const tooLarge = await t().post(
        `/api/v1/places/${placeId}/photos/uploads`,
        { content_type: 'image/jpeg', size: 50 * 1024 * 1024 },
        { token: host.token },
      )
      expect(tooLarge.status).toBe(413)
      const svg = await t().post(
        `/api/v1/places/${placeId}/photos/uploads`,
        { content_type: 'image/svg+xml', size: 100 },
        { token: host.token },
      )
      expect(svg.status).toBe(415)
      const other = await t().user()
      expectError(await startUpload(t(), placeId, other.token, Buffer.from('x')), 403)
      const notUploaded = await t().post(
        `/api/v1/places/${placeId}/photos/uploads/00000000-0000-4000-8000-000000000000`,
        {},
        { token: host.token },
      )
      expectError(notUploaded, 404)
      expectError(
        await t().post(`/api/v1/places/${placeId}/photos/uploads/../../x`, {}, { token: host.token }),
        404,
      )
    })
  },
  S3_ENV,
)
