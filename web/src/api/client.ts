// The typed API client: openapi-fetch over the generated paths, with the access token attached,
// refreshed transparently once when the server says it expired, and errors thrown as ApiError.
import createClient from 'openapi-fetch'
import type { paths } from './schema'
import { accessToken, currentSession, refreshAccessToken, signOut } from './session'
import type { ErrorBody } from './types'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { field: string; message: string }[],
    /** Seconds to wait, from Retry-After (429). */
    readonly retryAfter?: number,
  ) {
    super(message)
  }
}

/** A network failure (offline, server down): no HTTP answer at all. */
export class NetworkError extends Error {}

const REFRESHABLE = new Set(['token_expired', 'invalid_token'])

async function authFetch(request: Request): Promise<Response> {
  const retry = request.clone()
  const token = await accessToken().catch(() => currentSession()?.accessToken ?? null)
  if (token) request.headers.set('Authorization', `Bearer ${token}`)
  let response: Response
  try {
    response = await fetch(request)
  } catch (error) {
    throw new NetworkError((error as Error).message)
  }
  if (response.status === 401 && token) {
    const body = (await response
      .clone()
      .json()
      .catch(() => null)) as ErrorBody | null
    if (body && REFRESHABLE.has(body.code)) {
      const fresh = await refreshAccessToken(token)
      if (!fresh) return response
      retry.headers.set('Authorization', `Bearer ${fresh}`)
      response = await fetch(retry)
      if (response.status === 401) signOut('expired')
    }
  }
  return response
}

export const api = createClient<paths>({ baseUrl: '', fetch: authFetch })

/** Short lists (amenities, users) are read whole, in one page. */
export const WHOLE_LIST = { query: { limit: 1000 } }

export interface FetchResult<T> {
  data?: T
  error?: unknown
  response: Response
}

/** The data of a response, or an ApiError that says what went wrong. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>
  try {
    result = await call
  } catch (error) {
    if (error instanceof NetworkError || error instanceof TypeError) throw new NetworkError(String(error))
    throw error
  }
  const { data, error, response } = result
  if (response.ok) return data as T
  const body = (error ?? {}) as Partial<ErrorBody>
  const retryAfter = Number(response.headers.get('Retry-After')) || undefined
  throw new ApiError(
    response.status,
    body.code ?? `http_${response.status}`,
    body.error ?? response.statusText,
    Array.isArray(body.details) ? (body.details as { field: string; message: string }[]) : undefined,
    retryAfter,
  )
}

/** One page of a list: the API sends lists as arrays, with the paging in headers. */
export interface Page<T> {
  items: T[]
  /** The cursor of the next page (from `Link: rel="next"`), or undefined on the last page. */
  next: string | undefined
  /** How many items the whole list has (X-Total-Count), when the server says. */
  total: number | undefined
}

/** The cursor in a `Link: <...?cursor=...>; rel="next"` header. */
export function nextCursor(link: string | null): string | undefined {
  if (!link) return undefined
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part)
    if (!match?.[1]) continue
    try {
      return new URL(match[1], 'http://localhost').searchParams.get('cursor') ?? undefined
    } catch {
      return undefined
    }
  }
  return undefined
}

/** A page of a list endpoint: its items, the next page's cursor and the total. */
export async function unwrapPage<T>(call: Promise<FetchResult<T[]>>): Promise<Page<T>> {
  let response: Response | undefined
  const items = await unwrap(
    call.then((result) => {
      response = result.response
      return result
    }),
  )
  const total = response?.headers.get('X-Total-Count')
  return {
    items,
    next: nextCursor(response?.headers.get('Link') ?? null),
    total: total ? Number(total) : undefined,
  }
}

/** A stable key per attempt, so a retried booking is not made twice. */
export function idempotencyKey(): string {
  return crypto.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`
}
