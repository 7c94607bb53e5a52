// A listing's photos: uploaded through the API (spooled to a temporary file within a byte limit,
// checked by their bytes), their variants made by a background task, then ordered, captioned and
// deleted by the host. Only variants are ever served; the original (with its EXIF) is deleted once
// they exist, or as soon as the upload is refused.
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { pipeline } from 'node:stream/promises'
import { ConcurrencyLimit } from '../../concurrency.js'
import { outboxRow } from '../../db/outbox.js'
import type { PhotoRow } from '../../db/schema.js'
import type { Actor } from '../../domain/actor.js'
import { photoTask } from '../../domain/tasks.js'
import { AppError, badRequest, conflict, notFound } from '../../errors.js'
import { nowIso, uuidv7 } from '../../ids.js'
import type { ResponseCache } from '../../infra/cache/index.js'
import type { ObjectStorage } from '../../infra/storage/port.js'
import type { Logger } from '../../logger.js'
import { Changes } from '../cache-scopes.js'
import { findManagedPlace, findVisiblePlace } from '../places/access.js'
import type { PlaceRepository } from '../places/repository.js'
import { textProblem } from '../validation.js'
import {
  ImageProblem,
  inspectImage,
  makeVariants,
  mimeOf,
  placeholderOf,
  type VariantFormat,
  variantKey,
} from './images.js'
import type { CoverRow, PhotoRepository } from './repository.js'

const TEXT_MAX = 500
/** What an upload being spooled to its temporary file may hold in memory at once. */
const SPOOL_BUFFER_BYTES = 1 << 20
/**
 * Photos made into variants at once: one per two cores (libvips already spreads one photo over
 * several threads). Each holds its original, a decoded width and the AVIF encoder's buffers: on 2
 * cores, 20 photos took 14 s at a peak of 257 MB one at a time, 10.5 s at 380 MB two at a time
 * (docs/benchmarks.md, "Photos"). Tasks taken beyond it wait here instead of growing the worker.
 */
const imageWork = new ConcurrencyLimit(Math.max(1, Math.floor(availableParallelism() / 2)))
/** Variants never change (their names are their content): caches keep them for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
const ORIGINALS = 'originals/'
/** How long a direct upload's URL is valid. */
const DIRECT_UPLOAD_SECONDS = 900
const UPLOAD_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/avif',
  'image/heic',
  'image/heif',
])
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
export const MEDIA_PREFIX = 'media/'

export interface PhotoVariant {
  format: VariantFormat
  width: number
  height: number
  key: string
}

export interface PhotoLimits {
  /** Largest upload in bytes. */
  maxBytes: number
  /** Largest image in pixels (width x height). */
  maxPixels: number
  /** Photos a listing may have. */
  perPlace: number
  /** Base URL of media objects (a CDN, the bucket's public URL or the API's `/media`). */
  mediaUrl: string
}

export interface PhotoServiceDeps {
  photos: PhotoRepository
  places: PlaceRepository
  storage: ObjectStorage
  /** Search results and place lists show covers: they are rebuilt when photos change. */
  cache: ResponseCache
  logger: Logger
  now: () => number
  options: PhotoLimits
}

export interface PhotoUpload {
  file: Readable
  /** Set by the multipart parser when the file went past the byte limit. */
  truncated: () => boolean
  altText?: unknown
  caption?: unknown
}

export type PhotoCoverView = Pick<PhotoView, 'id' | 'alt_text' | 'placeholder' | 'srcset'> & {
  width: number
  height: number
  src: string
}

/** The cover photo of each listing that has one (`PhotoService.coversOf`, given to other modules). */
export type CoversOf = (placeIds: string[]) => Promise<Map<string, PhotoCoverView>>

/** Covers by listing from the versions read with the listings (`PhotoService.coversByVersion`). */
export type CoversByVersion = (versions: Map<string, string>) => Promise<Map<string, PhotoCoverView>>

/** Listings with their cover photo (null when they have none ready). */
export async function withCovers<T extends { id: string }>(
  places: T[],
  coversOf: CoversOf,
): Promise<(T & { cover_photo: PhotoCoverView | null })[]> {
  const covers = places.length > 0 ? await coversOf(places.map((place) => place.id)) : new Map()
  return places.map((place) => ({ ...place, cover_photo: covers.get(place.id) ?? null }))
}

export interface PhotoView {
  id: string
  place_id: string | null
  status: PhotoRow['status']
  position: number
  caption: string | null
  alt_text: string
  width: number | null
  height: number | null
  placeholder: string | null
  /** The largest JPEG: for clients that take one URL. */
  src: string | null
  /** `srcset` attribute values per format, smallest first. */
  srcset: Partial<Record<VariantFormat, string>>
  error: string | null
  created_at: string
  updated_at: string
}

function optionalText(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw badRequest(`${field} must be text`, 'validation_failed')
  const text = value.trim()
  if (text.length > TEXT_MAX)
    throw badRequest(`${field} must be at most ${TEXT_MAX} characters`, 'validation_failed')
  const problem = textProblem(text, false)
  if (problem) throw badRequest(`${field} ${problem}`, 'validation_failed')
  return text
}

/** A version of a photo: its id and when its row last changed. */
const coverKey = (photo: Pick<PhotoRow, 'id' | 'updated_at'>) => `${photo.id}@${photo.updated_at}`

/** Covers kept made (a few hundred bytes each). */
const COVERS_KEPT = 10_000

export class PhotoService {
  private readonly covers = new Map<string, PhotoCoverView>()

  constructor(private readonly deps: PhotoServiceDeps) {}

  /** The media URL points at the `media/` prefix (the API's `/media/`, a CDN, the bucket's). */
  private urlOf(key: string): string {
    return `${this.deps.options.mediaUrl}/${key.slice(MEDIA_PREFIX.length)}`
  }

  /** The URLs of a photo's variants: `src` (the largest JPEG) and a `srcset` per format. */
  private urlsOf(variantsJson: string | null): Pick<PhotoView, 'src' | 'srcset'> {
    const variants: PhotoVariant[] = variantsJson ? JSON.parse(variantsJson) : []
    const srcset: Partial<Record<VariantFormat, string>> = {}
    for (const variant of variants) {
      const entry = `${this.urlOf(variant.key)} ${variant.width}w`
      srcset[variant.format] = srcset[variant.format] ? `${srcset[variant.format]}, ${entry}` : entry
    }
    const largestJpeg = variants.filter((variant) => variant.format === 'jpeg').at(-1)
    return { src: largestJpeg ? this.urlOf(largestJpeg.key) : null, srcset }
  }

  view(row: PhotoRow): PhotoView {
    const { src, srcset } = this.urlsOf(row.variants)
    return {
      id: row.id,
      place_id: row.place_id,
      status: row.status,
      position: row.position,
      caption: row.caption,
      alt_text: row.alt_text,
      width: row.width,
      height: row.height,
      placeholder: row.placeholder,
      src,
      srcset,
      error: row.error,
      created_at: row.created_at,
      updated_at: row.updated_at,
    }
  }

  /** The cover (first ready photo) of each listing that has one. */
  async coversOf(placeIds: string[]): Promise<Map<string, PhotoCoverView>> {
    const found = await this.deps.photos.coverIdsOf(placeIds)
    return this.coversByVersion(new Map(found.map((cover) => [cover.place_id, coverKey(cover)])))
  }

  /**
   * The covers of listings whose cover versions were read with them (`placeCoverVersion`), by
   * listing. Covers made before are kept by version: only new ones are read whole.
   */
  async coversByVersion(versions: Map<string, string>): Promise<Map<string, PhotoCoverView>> {
    const photoOf = (version: string) => version.slice(0, version.indexOf('@'))
    const views = new Map<string, PhotoCoverView>()
    const missing: string[] = []
    for (const version of versions.values()) {
      const kept = this.covers.get(version)
      if (kept) views.set(photoOf(version), kept)
      else missing.push(photoOf(version))
    }
    for (const row of await this.deps.photos.coverRows(missing)) views.set(row.id, this.coverOf(row))
    const covers = new Map<string, PhotoCoverView>()
    for (const [placeId, version] of versions) {
      const view = views.get(photoOf(version))
      if (view) covers.set(placeId, view)
    }
    return covers
  }

  /** A listing's photos: everyone sees the ready ones; its host and admins also those in progress or failed. */
  async listOfPlace(placeId: string, actor: Actor | null): Promise<PhotoView[]> {
    const place = await findVisiblePlace(this.deps.places, placeId, actor)
    const manager = actor !== null && (actor.isAdmin || actor.id === place.owner_id)
    const rows = await this.deps.photos.ofPlace(place.id)
    return rows.filter((row) => manager || row.status === 'ready').map((row) => this.view(row))
  }

  /** `receive` reads the upload from the request, once the actor may add photos to the place. */
  async upload(placeId: string, receive: () => Promise<PhotoUpload>, actor: Actor): Promise<PhotoView> {
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    const upload = await receive()
    const fields = {
      altText: optionalText('alt_text', upload.altText),
      caption: optionalText('caption', upload.caption),
    }
    await this.checkRoom(place.id).catch((error) => {
      upload.file.resume()
      throw error
    })
    return this.store(upload, place, fields, actor)
  }

  /** The actor's profile photo: it replaces the one before once its variants exist. */
  async uploadProfile(receive: () => Promise<PhotoUpload>, actor: Actor): Promise<PhotoView> {
    const upload = await receive()
    const altText = optionalText('alt_text', upload.altText)
    return this.store(upload, undefined, { altText, caption: undefined }, actor)
  }

  /** An upload through the API: spooled, checked, stored as the original, then registered. */
  private store(
    upload: PhotoUpload,
    place: { id: string; title: string } | undefined,
    fields: { altText: string | undefined; caption: string | undefined },
    actor: Actor,
  ): Promise<PhotoView> {
    return this.spooled(upload.file, async (path) => {
      if (upload.truncated()) throw this.tooLarge()
      const id = uuidv7()
      const originalKey = `${ORIGINALS}${id}`
      const image = await this.accept(path)
      await this.deps.storage.putFile(originalKey, path, { contentType: `image/${image.type}` })
      return this.register(id, place, originalKey, fields, actor, image)
    })
  }

  /** A user's current profile photo (their newest ready one). */
  async profileOf(userId: string): Promise<PhotoCoverView> {
    const row = (await this.deps.photos.profileOf(userId)).find((photo) => photo.status === 'ready')
    if (!row) throw notFound('No profile photo')
    return this.coverOf(row)
  }

  /** The user's profile photo sent last, in whatever state it is. */
  async latestProfile(actor: Actor): Promise<PhotoView> {
    const [latest] = await this.deps.photos.profileOf(actor.id)
    if (!latest) throw notFound('No profile photo')
    return this.view(latest)
  }

  /** The current profile photo of each of these users who has one, by user id. */
  async profilesOf(userIds: string[]): Promise<Record<string, PhotoCoverView>> {
    const photos: Record<string, PhotoCoverView> = {}
    for (const row of await this.deps.photos.readyProfilesOf(userIds)) {
      photos[row.owner_id] ??= this.coverOf(row)
    }
    return photos
  }

  /**
   * A ready photo as a picture to show (its size and URLs are known once it is ready). Lists show
   * a cover per item: each is made once per version of its row (`updated_at`), then kept.
   */
  private coverOf(row: CoverRow): PhotoCoverView {
    const key = coverKey(row)
    let cover = this.covers.get(key)
    if (!cover) {
      const { id, alt_text, width, height, placeholder } = row
      const { src, srcset } = this.urlsOf(row.variants)
      cover = { id, alt_text, width: width!, height: height!, placeholder, src: src!, srcset }
      if (this.covers.size >= COVERS_KEPT) this.covers.delete(this.covers.keys().next().value!)
      this.covers.set(key, cover)
    }
    return cover
  }

  async deleteProfile(actor: Actor): Promise<void> {
    const rows = await this.deps.photos.profileOf(actor.id)
    for (const row of rows) await this.deps.photos.delete(row.id)
    await this.deleteObjects(rows)
  }

  /**
   * A direct upload to the bucket (S3 only): a presigned `PUT` of exactly `size` bytes of
   * `content_type`, valid for 15 minutes; the client then completes it with `completeUpload`.
   */
  async startUpload(placeId: string, input: { content_type: string; size: number }, actor: Actor) {
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    if (!UPLOAD_TYPES.has(input.content_type)) {
      throw new AppError(
        415,
        'unsupported_image',
        'not a photo: upload a JPEG, PNG, WebP, AVIF or HEIC image',
      )
    }
    if (input.size > this.deps.options.maxBytes) throw this.tooLarge()
    await this.checkRoom(place.id)
    const uploadId = uuidv7()
    const upload = await this.deps.storage.directUpload(`${ORIGINALS}${place.id}/${uploadId}`, {
      contentType: input.content_type,
      size: input.size,
      expiresInSeconds: DIRECT_UPLOAD_SECONDS,
    })
    if (!upload) {
      throw conflict(
        'this server takes photos through the API: POST them as multipart/form-data to /photos',
        'direct_uploads_unavailable',
      )
    }
    return {
      upload_id: uploadId,
      url: upload.url,
      method: upload.method,
      headers: upload.headers,
      expires_at: upload.expiresAt.toISOString(),
    }
  }

  /** The photo of a finished direct upload: its bytes are checked as an upload through the API is. */
  async completeUpload(
    placeId: string,
    uploadId: string,
    input: { alt_text?: unknown; caption?: unknown },
    actor: Actor,
  ): Promise<PhotoView> {
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    const fields = {
      altText: optionalText('alt_text', input.alt_text),
      caption: optionalText('caption', input.caption),
    }
    const key = `${ORIGINALS}${place.id}/${uploadId}`
    const notUploaded = notFound(
      'No such upload: send the file to its upload URL first (it may have expired)',
    )
    if (!UUID.test(uploadId) || (await this.deps.photos.originalInUse(key))) throw notUploaded
    const found = await this.deps.storage.get(key)
    if (!found) throw notUploaded
    try {
      await this.checkRoom(place.id)
      if (found.info.size > this.deps.options.maxBytes) throw this.tooLarge()
      return await this.spooled(found.body, async (path) => {
        const image = await this.accept(path)
        return this.register(uuidv7(), place, key, fields, actor, image)
      })
    } catch (error) {
      found.body.destroy()
      await this.deps.storage.delete(key)
      throw error
    }
  }

  private tooLarge(): AppError {
    const megabytes = Math.floor(this.deps.options.maxBytes / 1_048_576)
    return new AppError(413, 'photo_too_large', `a photo may be at most ${megabytes} MB`)
  }

  private async checkRoom(placeId: string): Promise<void> {
    const { perPlace } = this.deps.options
    if ((await this.deps.photos.countOfPlace(placeId)) >= perPlace) {
      throw conflict(`a listing has at most ${perPlace} photos: delete one first`, 'too_many_photos')
    }
  }

  /** Runs `use` on the stream written to a temporary file, deleted afterwards. */
  private async spooled<T>(stream: Readable, use: (path: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), 'hbnb-upload-'))
    try {
      const path = join(dir, 'upload')
      // Written in batches of up to 1 MiB (writev) rather than one write per network chunk: half the CPU.
      await pipeline(stream, createWriteStream(path, { highWaterMark: SPOOL_BUFFER_BYTES }))
      return await use(path)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  /** The checks of every upload, by its bytes: a 4xx naming the problem, or the image's type and size. */
  private async accept(path: string) {
    const { size } = await stat(path)
    if (size === 0) throw badRequest('the file is empty: choose a photo to upload', 'validation_failed')
    if (size > this.deps.options.maxBytes) throw this.tooLarge()
    return inspectImage(path, size, this.deps.options.maxPixels).catch((error) => {
      if (!(error instanceof ImageProblem)) throw error
      throw new AppError(error.code === 'unsupported_image' ? 415 : 422, error.code, error.message)
    })
  }

  /** The photo's row, last in its listing, and the task that makes its variants. */
  private async register(
    id: string,
    place: { id: string; title: string } | undefined,
    originalKey: string,
    fields: { altText: string | undefined; caption: string | undefined },
    actor: Actor,
    image: { type: string },
  ): Promise<PhotoView> {
    const at = nowIso()
    const count = place ? await this.deps.photos.countOfPlace(place.id) : 0
    const row = await this.deps.photos.insert(
      {
        id,
        owner_id: actor.id,
        place_id: place?.id ?? null,
        status: 'processing',
        caption: fields.caption || null,
        alt_text: fields.altText || (place ? `Photo ${count + 1} of ${place.title}` : 'Profile photo'),
        original_key: originalKey,
        width: null,
        height: null,
        variants: null,
        placeholder: null,
        error: null,
        created_at: at,
        updated_at: at,
      },
      outboxRow(photoTask(id), this.deps.now()),
    )
    this.deps.logger.info({ photo_id: id, place_id: place?.id, type: image.type }, 'photo uploaded')
    return this.view(row)
  }

  /**
   * The background task: the variants of an uploaded photo. An image that cannot be made into
   * variants fails for good (its status says why); a storage failure is thrown, to be retried.
   */
  async process(photoId: string): Promise<void> {
    await imageWork.run(() => this.makeVariantsOf(photoId))
  }

  private async makeVariantsOf(photoId: string): Promise<void> {
    const row = await this.deps.photos.findById(photoId)
    if (row?.status !== 'processing' || !row.original_key) return
    const found = await this.deps.storage.get(row.original_key)
    if (!found) {
      await this.fail(row, 'the uploaded file is gone: upload the photo again')
      return
    }
    let variants: Awaited<ReturnType<typeof makeVariants>>
    try {
      variants = await makeVariants(await buffer(found.body), this.deps.options.maxPixels)
    } catch (error) {
      this.deps.logger.warn({ photo_id: row.id, err: error }, 'photo could not be processed')
      await this.fail(row, 'the image could not be read: it is damaged or incomplete; upload it again')
      return
    }
    const stored: PhotoVariant[] = []
    for (const variant of variants) {
      const key = variantKey(variant)
      await this.deps.storage.put(key, variant.bytes, {
        contentType: mimeOf(variant.format),
        cacheControl: IMMUTABLE,
      })
      stored.push({ format: variant.format, width: variant.width, height: variant.height, key })
    }
    const largest = variants.at(-1)!
    await this.deps.photos.update(row.id, {
      status: 'ready',
      variants: JSON.stringify(stored),
      width: largest.width,
      height: largest.height,
      placeholder: await placeholderOf(variants[0]!),
      original_key: null,
      updated_at: nowIso(),
    })
    await this.deps.storage.delete(row.original_key)
    if (row.place_id) await this.deps.cache.invalidate(Changes.place(row.place_id))
    else await this.replaceOlderProfilePhotos(row)
    this.deps.logger.info({ photo_id: row.id, variants: stored.length }, 'photo ready')
  }

  private async replaceOlderProfilePhotos(current: PhotoRow): Promise<void> {
    const older = (await this.deps.photos.profileOf(current.owner_id)).filter(
      (photo) => photo.id < current.id,
    )
    for (const row of older) await this.deps.photos.delete(row.id)
    await this.deleteObjects(older)
  }

  private async fail(row: PhotoRow, reason: string): Promise<void> {
    await this.deps.photos.update(row.id, {
      status: 'failed',
      error: reason,
      original_key: null,
      updated_at: nowIso(),
    })
    if (row.original_key) await this.deps.storage.delete(row.original_key)
  }

  async update(
    placeId: string,
    photoId: string,
    input: { caption?: unknown; alt_text?: unknown; position?: number },
    actor: Actor,
  ): Promise<PhotoView> {
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    const row = await this.photoOf(place.id, photoId)
    const caption = optionalText('caption', input.caption)
    const altText = optionalText('alt_text', input.alt_text)
    if (altText === '')
      throw badRequest('alt_text must not be empty: describe the photo for blind guests', 'validation_failed')
    const at = nowIso()
    if (caption !== undefined || altText !== undefined) {
      await this.deps.photos.update(row.id, {
        ...(caption !== undefined ? { caption: caption || null } : {}),
        ...(altText !== undefined ? { alt_text: altText } : {}),
        updated_at: at,
      })
    }
    if (input.position !== undefined) {
      const order = (await this.deps.photos.ofPlace(place.id))
        .map((photo) => photo.id)
        .filter((id) => id !== row.id)
      order.splice(Math.min(input.position, order.length), 0, row.id)
      await this.deps.photos.reorder(place.id, order, at)
    }
    await this.deps.cache.invalidate(Changes.place(place.id))
    return this.view((await this.deps.photos.findById(row.id))!)
  }

  async delete(placeId: string, photoId: string, actor: Actor): Promise<void> {
    const place = await findManagedPlace(this.deps.places, placeId, actor)
    const row = await this.photoOf(place.id, photoId)
    await this.deps.photos.delete(row.id)
    const rest = (await this.deps.photos.ofPlace(place.id)).map((photo) => photo.id)
    await this.deps.photos.reorder(place.id, rest, nowIso())
    await this.deps.cache.invalidate(Changes.place(place.id))
    await this.deleteObjects([row])
  }

  /** Removes the objects of photos whose rows are gone (a variant shared by another photo stays). */
  async deleteObjects(rows: PhotoRow[]): Promise<void> {
    for (const row of rows) {
      if (row.original_key) await this.deps.storage.delete(row.original_key)
      const variants: PhotoVariant[] = row.variants ? JSON.parse(row.variants) : []
      for (const { key } of variants) {
        if (!(await this.deps.photos.variantInUse(key))) await this.deps.storage.delete(key)
      }
    }
  }

  /**
   * Objects no photo points at: uploads and variants of requests or tasks that were interrupted
   * (or of rows deleted with their listing). Only those older than `before` (ISO), so that an upload
   * in progress is never taken for an orphan.
   */
  async deleteOrphans(before: Date): Promise<number> {
    let deleted = 0
    for (const prefix of [ORIGINALS, MEDIA_PREFIX]) {
      for await (const object of this.deps.storage.list(prefix)) {
        if (object.lastModified >= before) continue
        const inUse =
          prefix === ORIGINALS
            ? await this.deps.photos.originalInUse(object.key)
            : await this.deps.photos.variantInUse(object.key)
        if (inUse) continue
        await this.deps.storage.delete(object.key)
        deleted++
      }
    }
    return deleted
  }

  /** A public variant by its name under `media/` (the `/media/` route); never an original. */
  async media(name: string) {
    return this.deps.storage.get(`${MEDIA_PREFIX}${name}`).catch((error) => {
      if ((error as Error).name === 'InvalidObjectKeyError') return undefined
      throw error
    })
  }

  private async photoOf(placeId: string, photoId: string): Promise<PhotoRow> {
    const row = await this.deps.photos.findById(photoId)
    if (!row || row.place_id !== placeId) throw notFound('Photo not found')
    return row
  }
}
