// A listing's photos, and uploads with progress (XMLHttpRequest: fetch cannot report upload progress).
import type { QueryClient } from '@tanstack/react-query'
import { ApiError, api } from '../client'
import { accessToken } from '../session'
import type { ErrorBody, Photo } from '../types'
import { apiQuery } from './api-query'
import { invalidatePlace } from './places'

export const photoQueries = {
  ofPlace: (placeId: string) =>
    apiQuery(['photos', placeId], () =>
      api.GET('/api/v1/places/{id}/photos', { params: { path: { id: placeId } } }),
    ),
}

export function invalidatePhotos(queryClient: QueryClient, placeId: string) {
  void queryClient.invalidateQueries({ queryKey: photoQueries.ofPlace(placeId).queryKey })
  invalidatePlace(queryClient, placeId)
}

/** Sends one file to the listing; `onProgress` gets the fraction sent (0 to 1). */
export async function uploadPhoto(
  placeId: string,
  file: File,
  onProgress: (sent: number) => void,
): Promise<Photo> {
  const token = await accessToken()
  const form = new FormData()
  form.append('file', file)
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest()
    request.open('POST', `/api/v1/places/${placeId}/photos`)
    if (token) request.setRequestHeader('Authorization', `Bearer ${token}`)
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total)
    }
    request.onerror = () =>
      reject(new ApiError(0, 'network', 'The upload was interrupted: check your connection'))
    request.onload = () => {
      let body: unknown
      try {
        body = JSON.parse(request.responseText)
      } catch {
        body = undefined
      }
      if (request.status === 202) return resolve(body as Photo)
      const error = (body ?? {}) as Partial<ErrorBody>
      reject(
        new ApiError(
          request.status,
          error.code ?? 'upload_failed',
          error.error ?? `Upload failed (${request.status})`,
        ),
      )
    }
    request.send(form)
  })
}
