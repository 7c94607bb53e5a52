// The signed-in session: tokens and user in localStorage, shared by every tab. Access tokens are
// refreshed transparently; a refresh token is single use, so only one refresh runs at a time across
// all tabs (Web Locks), and a tab that waited re-reads the tokens another tab may have rotated.
import type { Me, TokenResponse } from './types'

type MeResponse = Me

export interface Session {
  accessToken: string
  refreshToken: string
  /** Epoch milliseconds when the access token expires. */
  expiresAt: number
  user: MeResponse
}

export type SignedOutReason = 'logout' | 'expired' | undefined

const KEY = 'hbnb.session'
const LOCK = 'hbnb.auth-refresh'
/** Refresh this long before the access token expires. */
const EARLY_MS = 60_000

let current: Session | null = read()
let signedOut: SignedOutReason
const listeners = new Set<() => void>()
let snapshot = { session: current, signedOut }

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY)
    return raw ? (JSON.parse(raw) as Session) : null
  } catch {
    return null
  }
}

function emit() {
  snapshot = { session: current, signedOut }
  for (const listener of listeners) listener()
}

function store(session: Session | null, reason?: SignedOutReason) {
  current = session
  signedOut = session ? undefined : reason
  try {
    if (session) localStorage.setItem(KEY, JSON.stringify(session))
    else localStorage.removeItem(KEY)
  } catch {
    // Private mode without storage: the session lives in this tab only.
  }
  emit()
}

if (typeof window !== 'undefined') {
  // Another tab logged in, refreshed or logged out.
  window.addEventListener('storage', (event) => {
    if (event.key !== KEY) return
    const next = read()
    const wasIn = Boolean(current)
    current = next
    if (!next && wasIn) signedOut = 'logout'
    emit()
  })
}

export const sessionStore = {
  subscribe(listener: () => void) {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
  getSnapshot: () => snapshot,
}

export function currentSession() {
  return current
}

export function fromTokens(body: TokenResponse): Session {
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: Date.now() + body.expires_in * 1000,
    user: body.user,
  }
}

export function signIn(body: TokenResponse) {
  store(fromTokens(body))
}

export function updateUser(user: MeResponse) {
  if (current) store({ ...current, user })
}

export function signOut(reason: SignedOutReason = 'logout') {
  store(null, reason)
}

export function clearSignedOutReason() {
  signedOut = undefined
  emit()
}

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks) {
    return navigator.locks.request(LOCK, work) as Promise<T>
  }
  return work()
}

let inflight: Promise<string | null> | null = null

/**
 * A fresh access token after `stale` was refused or is about to expire: refreshes once for all
 * callers of this tab, under a lock shared with other tabs. Null when the session is over.
 */
export function refreshAccessToken(stale: string): Promise<string | null> {
  inflight ??= withLock(async () => {
    const latest = read() ?? current
    if (!latest) {
      if (current) store(null, 'expired')
      return null
    }
    // Another tab (or an earlier call) already rotated the tokens: use theirs.
    if (latest.accessToken !== stale && latest.expiresAt - Date.now() > EARLY_MS) {
      current = latest
      emit()
      return latest.accessToken
    }
    const response = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: latest.refreshToken }),
    })
    if (response.ok) {
      const session = fromTokens((await response.json()) as TokenResponse)
      store(session)
      return session.accessToken
    }
    if (response.status === 401 || response.status === 400) {
      store(null, 'expired')
      return null
    }
    throw new Error(`refresh failed with HTTP ${response.status}`)
  }).finally(() => {
    inflight = null
  })
  return inflight
}

/** The access token to send now, refreshed first when it is about to expire. */
export async function accessToken(): Promise<string | null> {
  const session = current
  if (!session) return null
  if (session.expiresAt - Date.now() > EARLY_MS) return session.accessToken
  return refreshAccessToken(session.accessToken)
}
