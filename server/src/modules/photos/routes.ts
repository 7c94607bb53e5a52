import multipart from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { badRequest, notFound } from '../../errors.js'
import type { HttpContext, SchemaTypeProvider } from '../../http/context.js'
import { bearerAuth, errors, IdParams, MessageResponse } from '../../http/schemas.js'
import * as Type from '../../json-schema.js'
import {
  CompleteUploadBody,
  DirectUpload,
  DirectUploadBody,
  MediaParams,
  Photo,
  PhotoCover,
  PhotoParams,
  PhotoUpdate,
  UploadParams,
} from './schemas.js'
import type { PhotoUpload } from './service.js'

/** Users whose profile photos one request may ask for. */
const MAX_PROFILE_IDS = 100

/** The photo of a multipart request: its text fields (sent before the file), then the file's stream. */
async function receivePhoto(request: FastifyRequest): Promise<PhotoUpload> {
  const part = request.isMultipart() ? await request.file() : undefined
  if (part?.fieldname !== 'file') {
    throw badRequest('send the photo as multipart/form-data with a `file` field', 'validation_failed')
  }
  const field = (name: string) => {
    const value = part.fields[name]
    return value && !Array.isArray(value) && value.type === 'field' ? value.value : undefined
  }
  return {
    file: part.file,
    truncated: () => part.file.truncated,
    altText: field('alt_text'),
    caption: field('caption'),
  }
}

export function photoRoutes({ app, auth, services, config }: HttpContext) {
  const { photos } = services
  const tags = ['Photos']
  const security = bearerAuth

  app.get(
    '/api/v1/places/:id/photos',
    {
      schema: {
        tags,
        summary: "A listing's photos, cover first (its host also sees those in progress or failed)",
        params: IdParams,
        response: { 200: Type.Array(Photo), ...errors(404) },
      },
    },
    async (request) => photos.listOfPlace(request.params.id, await auth.optional(request)),
  )

  // The multipart parser serves this route alone: every other route keeps answering 415 to it.
  void app.register(async (scope) => {
    const uploads = scope.withTypeProvider<SchemaTypeProvider>()
    // One file of at most HBNB_PHOTO_MAX_BYTES, with a few short text fields.
    await uploads.register(multipart, {
      limits: { fileSize: config.photoMaxBytes, files: 1, fields: 4, fieldSize: 2000, parts: 5 },
    })
    uploads.post(
      '/api/v1/places/:id/photos',
      {
        schema: {
          tags,
          summary:
            'Upload a photo (multipart/form-data: optional `alt_text` and `caption` fields, then `file`)',
          description:
            'JPEG, PNG, WebP, AVIF or HEIC, recognised by its bytes. Answers 202 with the photo `processing`; ' +
            'its variants (AVIF, WebP, JPEG at several widths, without EXIF) are made in the background.',
          security,
          consumes: ['multipart/form-data'],
          params: IdParams,
          response: { 202: Photo, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const photo = await photos.upload(
          request.params.id,
          () => receivePhoto(request),
          await auth.require(request),
        )
        return reply.code(202).send(photo)
      },
    )

    uploads.post(
      '/api/v1/users/me/photo',
      {
        schema: {
          tags,
          summary: 'Upload my profile photo (multipart/form-data: an optional `alt_text` field, then `file`)',
          description: 'Checked and processed like a listing photo; it replaces the previous one once ready.',
          security,
          consumes: ['multipart/form-data'],
          response: { 202: Photo, ...errors(400, 401, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const actor = await auth.require(request)
        return reply.code(202).send(await photos.uploadProfile(() => receivePhoto(request), actor))
      },
    )
  })

  app.get(
    '/api/v1/users/photos',
    {
      schema: {
        tags,
        summary: 'The profile photos of several users at once',
        description:
          `\`ids\`: up to ${MAX_PROFILE_IDS} user ids, comma-separated. The answer maps each id that has a ` +
          'profile photo to it; users without one (or unknown ids) are left out.',
        querystring: Type.Object({
          ids: Type.String({ minLength: 1, maxLength: MAX_PROFILE_IDS * 65, pattern: '^[^,]+(,[^,]+)*$' }),
        }),
        response: { 200: Type.Record(Type.String(), PhotoCover), ...errors(400) },
      },
    },
    async (request) => {
      const ids = [...new Set(request.query.ids.split(','))]
      if (ids.length > MAX_PROFILE_IDS)
        throw badRequest(`ask for at most ${MAX_PROFILE_IDS} ids at once`, 'validation_failed')
      return photos.profilesOf(ids)
    },
  )

  app.get(
    '/api/v1/users/:id/photo',
    {
      schema: {
        tags,
        summary: "A user's profile photo",
        params: IdParams,
        response: { 200: PhotoCover, ...errors(404) },
      },
    },
    async (request) => photos.profileOf(request.params.id),
  )

  app.get(
    '/api/v1/users/me/photo',
    {
      schema: {
        tags,
        summary: 'My latest profile photo, with its state',
        description:
          'The photo sent last, while it is processed too (`status`: processing, ready or failed, with ' +
          '`error` saying why it failed); others see it at `GET /users/{id}/photo` once it is ready.',
        security,
        response: { 200: Photo, ...errors(401, 404) },
      },
    },
    async (request) => photos.latestProfile(await auth.require(request)),
  )

  app.delete(
    '/api/v1/users/me/photo',
    {
      schema: {
        tags,
        summary: 'Delete my profile photo',
        security,
        response: { 200: MessageResponse, ...errors(401) },
      },
    },
    async (request) => {
      await photos.deleteProfile(await auth.require(request))
      return { message: 'Profile photo deleted' }
    },
  )

  app.post(
    '/api/v1/places/:id/photos/uploads',
    {
      schema: {
        tags,
        summary: 'Start a direct upload to the S3 bucket (servers with S3 only; 409 otherwise)',
        description:
          'Answers a presigned request for exactly `size` bytes of `content_type`, valid 15 minutes. ' +
          'Send the file with it, then complete the upload to make it a photo.',
        security,
        params: IdParams,
        body: DirectUploadBody,
        response: { 201: DirectUpload, ...errors(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await photos.startUpload(request.params.id, request.body, await auth.require(request))),
  )

  app.post(
    '/api/v1/places/:id/photos/uploads/:upload_id',
    {
      schema: {
        tags,
        summary: 'Complete a direct upload: its file is checked like an upload through the API',
        security,
        params: UploadParams,
        body: CompleteUploadBody,
        response: { 202: Photo, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await photos.completeUpload(
            request.params.id,
            request.params.upload_id,
            request.body,
            await auth.require(request),
          ),
        ),
  )

  app.patch(
    '/api/v1/places/:id/photos/:photo_id',
    {
      schema: {
        tags,
        summary: "Change a photo's caption, alt text or place in the order",
        security,
        params: PhotoParams,
        body: PhotoUpdate,
        response: { 200: Photo, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      photos.update(request.params.id, request.params.photo_id, request.body, await auth.require(request)),
  )

  app.delete(
    '/api/v1/places/:id/photos/:photo_id',
    {
      schema: {
        tags,
        summary: 'Delete a photo and its files',
        security,
        params: PhotoParams,
        response: { 200: MessageResponse, ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      await photos.delete(request.params.id, request.params.photo_id, await auth.require(request))
      return { message: 'Photo deleted' }
    },
  )

  app.get(
    '/media/*',
    {
      schema: { tags, summary: 'A photo variant (immutable: its name is its content)', params: MediaParams },
    },
    async (request, reply) => {
      const found = await photos.media(request.params['*'])
      if (!found) throw notFound('Photo not found')
      reply.header('content-type', found.info.contentType)
      reply.header('content-length', found.info.size)
      if (found.info.cacheControl) reply.header('cache-control', found.info.cacheControl)
      return reply.send(found.body)
    },
  )
}
