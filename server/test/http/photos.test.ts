// Listing photos over HTTP: upload through the API (multipart), variants made by the task runner,
// served from /media/ without EXIF; bad files refused with nothing stored; order, cover, captions,
// deletion and orphan cleanup; who may do what.
import sharp from 'sharp'
import { beforeAll, expect, it } from 'vitest'
import { beatJobs } from '../../src/jobs/beat.js'
import { expectError } from '../helpers/contract.js'
import {
  decompressionBomb,
  multipartBody,
  PHP_AS_JPEG,
  phonePhoto,
  SVG_WITH_SCRIPT,
  smallPng,
} from '../helpers/images.js'
import { describeEachDriver, type TestApp } from '../helpers/test-app.js'
import { waitFor } from '../infra/mail-contract.js'

interface UploadFields {
  alt_text?: string
  caption?: string
}

async function upload(
  t: TestApp,
  placeId: string,
  token: string | undefined,
  bytes: Buffer,
  name = 'photo.jpg',
  fields: UploadFields = {},
) {
  const form = new FormData()
  for (const [key, value] of Object.entries(fields)) form.append(key, value)
  form.append('file', new Blob([bytes], { type: 'image/jpeg' }), name)
  const response = await fetch(`${t.baseUrl}/api/v1/places/${placeId}/photos`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  })
  const text = await response.text()
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    headers: Object.fromEntries(response.headers),
    text,
  }
}

async function storedKeys(t: TestApp, prefix: string): Promise<string[]> {
  const keys: string[] = []
  for await (const object of t.app.storage.list(prefix)) keys.push(object.key)
  return keys
}

async function ready(t: TestApp, placeId: string, token: string, photoId: string) {
  return waitFor(
    async () => {
      const photos = (await t.get(`/api/v1/places/${placeId}/photos`, { token })).body as {
        id: string
        status: string
        src: string
      }[]
      const photo = photos.find((p) => p.id === photoId)
      return photo && photo.status !== 'processing' ? photo : undefined
    },
    `photo ${photoId} processed`,
    30_000,
  )
}

describeEachDriver(
  'listing photos',
  (t) => {
    let host: { id: string; token: string }
    let placeId: string
    beforeAll(async () => {
      await t().app.jobs.start()
      host = await t().user()
      placeId = (await t().place(host.token, { title: 'Sea view flat' })).id
    })

    it('makes upright variants in three formats without EXIF, served with immutable caching', async () => {
      const uploaded = await upload(t(), placeId, host.token, await phonePhoto(), 'IMG_0001.JPG', {
        caption: 'The living room',
      })
      expect(uploaded.status, uploaded.text).toBe(202)
      expect(uploaded.body).toMatchObject({
        status: 'processing',
        position: 0,
        caption: 'The living room',
        alt_text: 'Photo 1 of Sea view flat',
        src: null,
      })
      // Guests see only finished photos.
      expect((await t().get(`/api/v1/places/${placeId}/photos`)).body).toEqual([])

      const photo = (await ready(t(), placeId, host.token, uploaded.body.id)) as any
      expect(photo).toMatchObject({ status: 'ready', width: 900, height: 1200, error: null })
      expect(photo.placeholder).toMatch(/^data:image\/webp;base64,/)
      for (const format of ['avif', 'webp', 'jpeg']) {
        expect(photo.srcset[format]).toMatch(/^\/media\/[0-9a-f]{32}-320\.\w+ 320w, .* 640w, .* 900w$/)
      }
      expect(photo.src).toMatch(/-900\.jpg$/)
      expect((await t().get(`/api/v1/places/${placeId}/photos`)).body).toEqual([photo])

      const jpeg = await fetch(`${t().baseUrl}${photo.src}`)
      expect(jpeg.status).toBe(200)
      expect(jpeg.headers.get('content-type')).toBe('image/jpeg')
      expect(jpeg.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      const bytes = Buffer.from(await jpeg.arrayBuffer())
      const metadata = await sharp(bytes).metadata()
      expect([metadata.width, metadata.height]).toEqual([900, 1200])
      expect(metadata.exif).toBeUndefined()
      expect(metadata.orientation).toBeUndefined()
      expect(bytes.includes(Buffer.from('PhoneMaker'))).toBe(false)
      const avifUrl = String(photo.srcset.avif).split(' ')[0]
      const avif = await fetch(`${t().baseUrl}${avifUrl}`)
      expect(avif.headers.get('content-type')).toBe('image/avif')
      // Search results show it as the listing's cover.
      const results = (await t().get('/api/v1/search?limit=100')).body.results as Record<string, any>[]
      const card = results.find((result) => result.id === placeId)
      expect(card?.cover_photo).toEqual({
        id: photo.id,
        alt_text: photo.alt_text,
        width: 900,
        height: 1200,
        placeholder: photo.placeholder,
        src: photo.src,
        srcset: photo.srcset,
      })
      // The original, with its GPS position, goes once the variants exist (a moment after the row says so).
      await waitFor(
        async () => ((await storedKeys(t(), 'originals/')).length === 0 ? true : undefined),
        'the original removed',
      )
    })

    it("shows a listing's cover wherever it is a card: the host's listings, wishlists, trips", async () => {
      const photos = (await t().get(`/api/v1/places/${placeId}/photos`)).body as Record<string, any>[]
      const cover = (await t().get('/api/v1/search?limit=100')).body.results.find(
        (result: { id: string }) => result.id === placeId,
      ).cover_photo
      expect(cover).toMatchObject({ id: photos[0]!.id, src: photos[0]!.src })
      const bare = await t().place(host.token, { title: 'No photos yet' })

      const mine = (await t().get('/api/v1/places/?owner_id=me&include=cover_photo', { token: host.token }))
        .body
      const coverOf = (list: { id: string; cover_photo?: unknown }[], id: string) =>
        list.find((place) => place.id === id)?.cover_photo
      expect(coverOf(mine, placeId)).toEqual(cover)
      expect(coverOf(mine, bare.id)).toBeNull()
      // The HBnB list stays as HBnB clients know it unless covers are asked for (public and cached too).
      for (const url of ['/api/v1/places/?owner_id=me', '/api/v1/places/?limit=100']) {
        const plain = (await t().get(url, { token: host.token })).body as Record<string, unknown>[]
        expect(plain.find((place) => place.id === placeId)).not.toHaveProperty('cover_photo')
      }
      const everyone = (await t().get('/api/v1/places/?limit=100&include=cover_photo')).body
      expect(coverOf(everyone, placeId)).toEqual(cover)
      expectError(await t().get('/api/v1/places/?include=photos'), 400)

      const guest = await t().user()
      const list = (await t().post('/api/v1/wishlists', { name: 'Seaside' }, { token: guest.token })).body
      for (const id of [placeId, bare.id]) {
        await t().put(`/api/v1/wishlists/${list.id}/places/${id}`, undefined, { token: guest.token })
      }
      const detail = (await t().get(`/api/v1/wishlists/${list.id}`, { token: guest.token })).body
      expect(coverOf(detail.places, placeId)).toEqual(cover)
      expect(coverOf(detail.places, bare.id)).toBeNull()
      // The list's own picture: the latest saved listing that has a cover.
      expect(detail.cover_photo).toEqual(cover)
      const lists = (await t().get('/api/v1/wishlists', { token: guest.token })).body
      expect(lists).toMatchObject([{ id: list.id, cover_photo: cover }])

      const checkIn = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10)
      const checkOut = new Date(Date.now() + 22 * 86_400_000).toISOString().slice(0, 10)
      const booked = await t().post(
        '/api/v1/bookings',
        { place_id: placeId, check_in: checkIn, check_out: checkOut, guests: 1 },
        { token: guest.token },
      )
      expect(booked.status, booked.text).toBe(201)
      expect(booked.body.place.cover_photo).toEqual(cover)
      const trips = (await t().get('/api/v1/bookings?role=guest', { token: guest.token })).body
      expect(trips).toMatchObject([{ id: booked.body.id, place: { id: placeId, cover_photo: cover } }])
    })

    it('refuses what is not a whole, reasonably sized photo, and stores nothing', async () => {
      const valid = await phonePhoto()
      const before = (await t().get(`/api/v1/places/${placeId}/photos`, { token: host.token })).body.length
      const cases: [string, Buffer, string, number, string][] = [
        ['a PHP script named .jpg', PHP_AS_JPEG, 'shell.jpg', 415, 'unsupported_image'],
        ['an SVG with a script', SVG_WITH_SCRIPT, 'logo.svg', 415, 'unsupported_image'],
        ['a 20,000 x 20,000 PNG of a few kB', decompressionBomb(), 'bomb.png', 422, 'image_too_large'],
        [
          'a truncated JPEG',
          valid.subarray(0, Math.floor(valid.length / 2)),
          'cut.jpg',
          422,
          'damaged_image',
        ],
        ['an empty file', Buffer.alloc(0), 'empty.jpg', 400, 'validation_failed'],
      ]
      for (const [what, bytes, name, status, code] of cases) {
        const refused = await upload(t(), placeId, host.token, bytes, name)
        expect(refused.status, `${what}: ${refused.text}`).toBe(status)
        expect(refused.body.code, what).toBe(code)
        expect(refused.body.error.length, what).toBeGreaterThan(10)
      }
      expect(decompressionBomb().length).toBeLessThan(10_000)
      const huge = Buffer.concat([valid.subarray(0, 4), Buffer.alloc(50 * 1024 * 1024)])
      const tooLarge = await upload(t(), placeId, host.token, huge, 'huge.jpg')
      expect(tooLarge.status, tooLarge.text).toBe(413)
      expect(tooLarge.body).toMatchObject({ code: 'photo_too_large', error: 'a photo may be at most 20 MB' })
      const notMultipart = await t().post(
        `/api/v1/places/${placeId}/photos`,
        { file: 'x' },
        { token: host.token },
      )
      expectError(notMultipart, 400)

      expect((await t().get(`/api/v1/places/${placeId}/photos`, { token: host.token })).body).toHaveLength(
        before,
      )
      expect(await storedKeys(t(), 'originals/')).toEqual([])
    })

    it('lets only the host (or an admin) add, change and delete photos', async () => {
      const other = await t().user()
      const png = await smallPng()
      expectError((await upload(t(), placeId, undefined, png)) as any, 401)
      expectError((await upload(t(), placeId, other.token, png)) as any, 403)
      expectError((await upload(t(), '00000000-0000-4000-8000-000000000000', host.token, png)) as any, 404)
      const draft = await t().place(host.token, { title: 'Hidden draft' })
      await t().put(`/api/v1/places/${draft.id}`, { status: 'draft' }, { token: host.token })
      const mine = await upload(t(), placeId, host.token, png)
      expect(mine.status).toBe(202)
      const url = `/api/v1/places/${placeId}/photos/${mine.body.id}`
      expectError(await t().request('PATCH', url, { body: { caption: 'x' }, token: other.token }), 403)
      expectError(await t().request('DELETE', url, { token: other.token }), 403)
      expectError(await t().request('DELETE', url), 401)
      const admin = await t().adminToken()
      const changed = await t().request('PATCH', url, { body: { caption: 'Checked by staff' }, token: admin })
      expect(changed.status, changed.text).toBe(200)
      expect(changed.body.caption).toBe('Checked by staff')
      // A photo of another listing is not found under this one.
      const elsewhere = await t().place(host.token, { title: 'Elsewhere' })
      expectError(
        await t().request('DELETE', `/api/v1/places/${elsewhere.id}/photos/${mine.body.id}`, {
          token: host.token,
        }),
        404,
      )
    })

    it('orders photos (the first is the cover), edits captions and alt text, and deletes with their files', async () => {
      const place = (await t().place(host.token, { title: 'Three rooms' })).id
      // A colour no other test uses: variants are shared by identical images, across listings too.
      const png = await smallPng({ r: 201, g: 13, b: 77 })
      const ids: string[] = []
      for (const alt of ['Kitchen', 'Bedroom', 'Garden']) {
        const uploaded = await upload(t(), place, host.token, png, 'room.png', { alt_text: alt })
        expect(uploaded.status, uploaded.text).toBe(202)
        ids.push(uploaded.body.id)
        await ready(t(), place, host.token, uploaded.body.id)
      }
      const order = async () =>
        (
          (await t().get(`/api/v1/places/${place}/photos`)).body as { alt_text: string; position: number }[]
        ).map((photo) => `${photo.position}:${photo.alt_text}`)
      expect(await order()).toEqual(['0:Kitchen', '1:Bedroom', '2:Garden'])
      // The host's cards and search results show the cover as it is now: the first photo, with its
      // latest alt text.
      type Card = { id: string; cover_photo: { id: string; alt_text: string } | null }
      const coverOf = (cards: Card[]) => {
        const card = cards.find((item) => item.id === place)
        return card?.cover_photo && `${card.cover_photo.id}:${card.cover_photo.alt_text}`
      }
      const coverOnCard = async () => {
        const mine = await t().get('/api/v1/places/?owner_id=me&limit=100&include=cover_photo', {
          token: host.token,
        })
        const found = await t().get('/api/v1/search?q=three%20rooms&limit=100')
        expect(coverOf(found.body.results), 'the cover in search results').toBe(coverOf(mine.body))
        return coverOf(mine.body)
      }
      expect(await coverOnCard()).toBe(`${ids[0]}:Kitchen`)
      const kitchen = await t().request('PATCH', `/api/v1/places/${place}/photos/${ids[0]}`, {
        body: { alt_text: 'Kitchen with a stove' },
        token: host.token,
      })
      expect(kitchen.status, kitchen.text).toBe(200)
      expect(await coverOnCard()).toBe(`${ids[0]}:Kitchen with a stove`)
      await t().request('PATCH', `/api/v1/places/${place}/photos/${ids[0]}`, {
        body: { alt_text: 'Kitchen' },
        token: host.token,
      })
      const cover = await t().request('PATCH', `/api/v1/places/${place}/photos/${ids[2]}`, {
        body: { position: 0, alt_text: 'Garden with lemon trees' },
        token: host.token,
      })
      expect(cover.status, cover.text).toBe(200)
      expect(await order()).toEqual(['0:Garden with lemon trees', '1:Kitchen', '2:Bedroom'])
      expect(await coverOnCard()).toBe(`${ids[2]}:Garden with lemon trees`)
      const emptyAlt = await t().request('PATCH', `/api/v1/places/${place}/photos/${ids[0]}`, {
        body: { alt_text: '  ' },
        token: host.token,
      })
      expectError(emptyAlt, 400)
      expect(await order()).toEqual(['0:Garden with lemon trees', '1:Kitchen', '2:Bedroom'])

      // Identical images share their variants: deleting one photo keeps the others' files.
      const bedroom = (await t().get(`/api/v1/places/${place}/photos`)).body[2]
      const removed = await t().request('DELETE', `/api/v1/places/${place}/photos/${ids[1]}`, {
        token: host.token,
      })
      expect(removed.status).toBe(200)
      expect(await order()).toEqual(['0:Garden with lemon trees', '1:Kitchen'])
      expect((await fetch(`${t().baseUrl}${bedroom.src}`)).status).toBe(200)
      for (const id of [ids[0], ids[2]]) {
        await t().request('DELETE', `/api/v1/places/${place}/photos/${id}`, { token: host.token })
      }
      expect((await fetch(`${t().baseUrl}${bedroom.src}`)).status).toBe(404)
    })

    it('stops at the per-listing limit', async () => {
      const place = (await t().place(host.token, { title: 'Small gallery' })).id
      const png = await smallPng()
      for (let n = 0; n < 3; n++) expect((await upload(t(), place, host.token, png)).status).toBe(202)
      const fourth = await upload(t(), place, host.token, png)
      expect(fourth.status).toBe(409)
      expect(fourth.body).toMatchObject({
        code: 'too_many_photos',
        error: 'a listing has at most 3 photos: delete one first',
      })
    })

    it('deletes orphaned files (interrupted uploads) but never those in use', async () => {
      const storage = t().app.storage
      // Photos of earlier tests still being made write variants before their row says so: the
      // cleanup's grace period (an hour) covers that; this test, which moves past it, waits instead.
      await waitFor(
        async () => {
          const processing = await t()
            .app.database.write.selectFrom('photos')
            .select('id')
            .where('status', '=', 'processing')
            .execute()
          return processing.length === 0 ? true : undefined
        },
        'every photo processed',
        30_000,
      )
      await storage.put('originals/interrupted-upload', Buffer.from('x'), { contentType: 'image/jpeg' })
      await storage.put('media/0123456789abcdef0123456789abcdef-320.jpg', Buffer.from('x'), {
        contentType: 'image/jpeg',
      })
      const inUse = (await t().get(`/api/v1/places/${placeId}/photos`)).body[0]
      const deleted = await t().app.services.photos.deleteOrphans(new Date(Date.now() + 60_000))
      expect(deleted).toBe(2)
      expect(await storage.head('originals/interrupted-upload')).toBeUndefined()
      expect((await fetch(`${t().baseUrl}${inUse.src}`)).status).toBe(200)
    })

    it("removes a deleted listing's photos, and the cleanup job their files", async () => {
      const place = (await t().place(host.token, { title: 'Soon gone' })).id
      const uploaded = await upload(
        t(),
        place,
        host.token,
        await smallPng({ r: 5, g: 250, b: 5 }),
        'green.png',
      )
      const photo = (await ready(t(), place, host.token, uploaded.body.id)) as { src: string }
      expect((await t().request('DELETE', `/api/v1/places/${place}`, { token: host.token })).status).toBe(200)
      expect((await fetch(`${t().baseUrl}${photo.src}`)).status).toBe(200)
      const cleanup = beatJobs({
        config: t().app.config,
        database: t().app.database,
        services: t().app.services,
        now: () => Date.now() + 2 * 3_600_000,
      }).find((job) => job.name === 'photos.cleanup')!
      expect(await cleanup.run(new Date())).toEqual({ deleted: 6 })
      expect((await fetch(`${t().baseUrl}${photo.src}`)).status).toBe(404)
    })

    it('keeps one profile photo per user: a new one replaces the old once ready', async () => {
      const user = await t().user()
      const send = async (bytes: Buffer) => {
        const body = multipartBody({}, { name: 'me.png', type: 'image/png', bytes })
        return t().request('POST', '/api/v1/users/me/photo', { token: user.token, ...body })
      }
      expectError(await t().get(`/api/v1/users/${user.id}/photo`), 404)
      const first = await send(await smallPng({ r: 90, g: 20, b: 160 }))
      expect(first.status, first.text).toBe(202)
      expect(first.body).toMatchObject({ place_id: null, status: 'processing', alt_text: 'Profile photo' })
      // Its sender follows its state; others see it once it is ready.
      const mine = await t().get('/api/v1/users/me/photo', { token: user.token })
      expect(mine.status).toBe(200)
      expect(mine.body).toMatchObject({ id: first.body.id, place_id: null, error: null })
      expect(['processing', 'ready']).toContain(mine.body.status)
      expectError(await t().get('/api/v1/users/me/photo'), 401)
      const firstPhoto = await waitFor(async () => {
        const found = await t().get(`/api/v1/users/${user.id}/photo`)
        return found.status === 200 ? found.body : undefined
      }, 'the first profile photo')
      expect(firstPhoto).toMatchObject({ width: 400, height: 300, alt_text: 'Profile photo' })
      expect((await t().get('/api/v1/users/me/photo', { token: user.token })).body).toMatchObject({
        id: first.body.id,
        status: 'ready',
        src: firstPhoto.src,
      })
      const second = await send(await smallPng({ r: 20, g: 160, b: 90 }))
      expect(second.status).toBe(202)
      await waitFor(async () => {
        const found = await t().get(`/api/v1/users/${user.id}/photo`)
        return found.body.src !== firstPhoto.src ? found.body : undefined
      }, 'the second profile photo')
      // The first one's files go with it (just after the second is shown).
      await waitFor(
        async () => ((await fetch(`${t().baseUrl}${firstPhoto.src}`)).status === 404 ? true : undefined),
        "the first photo's files deleted",
      )
      expectError(await send(PHP_AS_JPEG), 415)
      expectError(await t().request('POST', '/api/v1/users/me/photo', { body: {} }), 401)

      // Several people's photos in one request (a page of avatars): only those who have one.
      const other = await t().user()
      const many = await t().get(`/api/v1/users/photos?ids=${user.id},${other.id},${user.id},unknown`)
      expect(many.status).toBe(200)
      expect(Object.keys(many.body)).toEqual([user.id])
      expect(many.body[user.id]).toEqual((await t().get(`/api/v1/users/${user.id}/photo`)).body)
      const tooMany = Array.from({ length: 101 }, (_, i) => `id${i}`).join(',')
      for (const ids of ['', ',', `${user.id},,${other.id}`, tooMany]) {
        expectError(await t().get(`/api/v1/users/photos?ids=${encodeURIComponent(ids)}`), 400)
      }
      expectError(await t().get('/api/v1/users/photos'), 400)

      expect((await t().request('DELETE', '/api/v1/users/me/photo', { token: user.token })).status).toBe(200)
      expectError(await t().get(`/api/v1/users/${user.id}/photo`), 404)
      expectError(await t().get('/api/v1/users/me/photo', { token: user.token }), 404)
      expect((await t().get(`/api/v1/users/photos?ids=${user.id}`)).body).toEqual({})
    })

    it('serves only variants from /media/, never originals or paths outside the store', async () => {
      await t().app.storage.put('originals/secret', Buffer.from('gps'), { contentType: 'image/jpeg' })
      for (const path of [
        '/media/originals/secret',
        '/media/../originals/secret',
        '/media/none.jpg',
        '/media/media/none.jpg',
        '/media/%2e%2e/x',
      ]) {
        const response = await t().get(path)
        expect(response.status, path).toBe(404)
      }
    })
  },
  { HBNB_TASK_POLL_MS: '20', HBNB_PHOTOS_PER_PLACE: '3' },
)

describeEachDriver('a profile photo that cannot be prepared', (t) => {
  it('tells its sender why, and nobody else sees it', async () => {
    // No task runner here: the photo is processed when the test says, after its file went missing.
    const user = await t().user()
    const body = multipartBody(
      {},
      { name: 'me.png', type: 'image/png', bytes: await smallPng({ r: 1, g: 2, b: 3 }) },
    )
    const sent = await t().request('POST', '/api/v1/users/me/photo', { token: user.token, ...body })
    expect(sent.status, sent.text).toBe(202)
    const row = await t()
      .app.database.write.selectFrom('photos')
      .select('original_key')
      .where('id', '=', sent.body.id)
      .executeTakeFirstOrThrow()
    await t().app.storage.delete(row.original_key!)
    await t().app.services.photos.process(sent.body.id)
    const mine = await t().get('/api/v1/users/me/photo', { token: user.token })
    expect(mine.body).toMatchObject({ id: sent.body.id, status: 'failed', src: null })
    expect(mine.body.error).toMatch(/upload the photo again/)
    expectError(await t().get(`/api/v1/users/${user.id}/photo`), 404)
    expect((await t().get(`/api/v1/users/photos?ids=${user.id}`)).body).toEqual({})
  })
})
