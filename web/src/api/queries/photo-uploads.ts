// Photo uploads with progress (XMLHttpRequest: fetch cannot report upload progress): a listing's
// photos and a user's profile photo. With S3, listing photos go straight to the bucket by a
// presigned request.
import { ApiError, api, unwrap } from '../client'
import { accessToken } from '../session'
import type { ErrorBody, Photo } from '../types'

type Progress = (sent: number) => void

/** The types a presigned request may carry; others (a HEIC the browser cannot name) go through the API. */
const DIRECT_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/heic'])
/** Headers the browser sets itself (it refuses to be told them). */
const BROWSER_HEADERS = new Set(['content-length', 'host'])

interface Sent {
  status: number
  body: unknown
}

function send(
  request: { method: string; url: string; headers: Record<string, string>; body: Blob | FormData },
  onProgress: Progress,
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(request.method, request.url)
    for (const [name, value] of Object.entries(request.headers)) {
      if (!BROWSER_HEADERS.has(name.toLowerCase())) xhr.setRequestHeader(name, value)
    }
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total)
    }
    xhr.onerror = () =>
      reject(new ApiError(0, 'network', 'The upload was interrupted: check your connection'))
    xhr.onload = () => {
      let body: unknown
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        body = undefined
      }
      resolve({ status: xhr.status, body })
    }
    xhr.send(request.body)
  })
}

/** A photo sent as multipart/form-data to the API, which answers 202 with it `processing`. */
async function sendThroughApi(url: string, file: File, onProgress: Progress): Promise<Photo> {
  const token = await accessToken()
  const form = new FormData()
  form.append('file', file)
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {}
  const { status, body } = await send({ method: 'POST', url, headers, body: form }, onProgress)
  if (status === 202) return body as Photo
  const error = (body ?? {}) as Partial<ErrorBody>
  throw new ApiError(status, error.code ?? 'upload_failed', error.error ?? `Upload failed (${status})`)
}

/** Sends the file to the bucket with a presigned request, then asks the API to make it a photo. */
async function sendToBucket(placeId: string, file: File, onProgress: Progress): Promise<Photo> {
  const path = { id: placeId }
  const upload = await unwrap(
    api.POST('/api/v1/places/{id}/photos/uploads', {
      params: { path },
      body: { content_type: file.type, size: file.size },
    }),
  )
  const sent = await send(
    { method: upload.method, url: upload.url, headers: upload.headers, body: file },
    onProgress,
  )
  if (sent.status < 200 || sent.status >= 300) {
    throw new ApiError(sent.status, 'upload_failed', `The photo storage refused the file (${sent.status})`)
  }
  return unwrap(
    api.POST('/api/v1/places/{id}/photos/uploads/{upload_id}', {
      params: { path: { ...path, upload_id: upload.upload_id } },
      body: {},
    }),
  )
}

/**
 * Sends one file to the listing; `onProgress` gets the fraction sent (0 to 1). `direct`: the
 * server takes uploads straight to its bucket (client-config).
 */
export function uploadPhoto(
  placeId: string,
  file: File,
  onProgress: Progress,
  direct = false,
): Promise<Photo> {
  if (direct && DIRECT_TYPES.has(file.type)) return sendToBucket(placeId, file, onProgress)
  return sendThroughApi(`/api/v1/places/${placeId}/photos`, file, onProgress)
}

/** Sends the signed-in user's new profile photo; it replaces the old one once the server made it. */
export function uploadProfilePhoto(file: File, onProgress: Progress): Promise<Photo> {
  return sendThroughApi('/api/v1/users/me/photo', file, onProgress)
}
