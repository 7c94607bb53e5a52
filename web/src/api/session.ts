// The signed-in session. The refresh token is an HttpOnly cookie the server sets (we log in with
// `X-HBNB-Session: cookie`), which scripts cannot read; the access token and the user live in this
// tab's memory only. Nothing sensitive is stored: localStorage holds only a flag saying a session
// may exist, so that a new tab or a reload knows to ask for an access token. Tabs share their
// session over a BroadcastChannel. A refresh token is single use, so only one refresh runs at a
// time across all tabs (Web Locks); a tab that waited takes the session another tab just got.
// Without a connection, a reload finds the user this device kept (offline.ts): the tab is signed in
// offline, without a token, and reads what the service worker kept until the network is back.
import { forgetUser, keepUser, keptUser } from './offline'
import type { Me, TokenResponse } from './types'

type MeResponse = Me

export interface Session {
  accessToken: string
  /** Epoch milliseconds when the access token expires. */
  expiresAt: number
  user: MeResponse
  /** Restored without a connection: no token yet, only the user this device kept. */
  offline?: boolean
}

export type SignedOutReason = 'logout' | 'expired' | undefined

/** The header that asks for (and, at refresh and logout, authenticates with) the session cookie. */
export const SESSION_HEADERS = { 'X-HBNB-Session': 'cookie' }

const FLAG = 'hbnb.signed-in'
const CHANNEL = 'hbnb.session'
const LOCK = 'hbnb.auth-refresh'
/** Refresh this long before the access token expires. */
const EARLY_MS = 60_000
/** How long a tab starting up waits for another tab to share its session before refreshing. */
const ASK_OTHER_TABS_MS = 150

type Message = { type: 'session'; session: Session } | { type: 'signed-out' } | { type: 'ask' }

let current: Session | null = null
let signedOut: SignedOutReason
const listeners = new Set<() => void>()
let snapshot: { session: Session | null; signedOut: SignedOutReason } = { session: null, signedOut }

const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(CHANNEL) : null

function emit() {
  snapshot = { session: current, signedOut }
  for (const listener of listeners) listener()
}

function setFlag(on: boolean) {
  try {
    if (on) localStorage.setItem(FLAG, '1')
    else localStorage.removeItem(FLAG)
  } catch {
    // Private mode without storage: a reload signs out.
  }
}

function hasFlag(): boolean {
  try {
    return localStorage.getItem(FLAG) === '1'
  } catch {
    return false
  }
}

function isFresh(session: Session): boolean {
  return session.expiresAt - Date.now() > EARLY_MS
}

/** Keeps a session (or its end) in this tab and tells the other tabs. */
function store(session: Session | null, reason?: SignedOutReason) {
  if (session) void keepUser(session.user)
  else void forgetUser()
  current = session
  signedOut = session ? undefined : reason
  setFlag(Boolean(session))
  channel?.postMessage(session ? { type: 'session', session } : { type: 'signed-out' })
  emit()
}

const waiters = new Set<(session: Session) => void>()

channel?.addEventListener('message', (event: MessageEvent<Message>) => {
  const message = event.data
  if (message.type === 'ask') {
    if (current && !current.offline) channel.postMessage({ type: 'session', session: current })
  } else if (message.type === 'session') {
    // Keep the later of two sessions: each refresh makes a new access token.
    if (!current || message.session.expiresAt >= current.expiresAt) {
      current = message.session
      signedOut = undefined
      emit()
    }
    for (const waiter of waiters) waiter(message.session)
  } else if (current) {
    current = null
    signedOut = 'logout'
    emit()
  }
})

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

/** A fresh session another open tab has, if one answers in time. */
function askOtherTabs(): Promise<Session | null> {
  if (!channel) return Promise.resolve(null)
  return new Promise((resolve) => {
    const done = (session: Session | null) => {
      clearTimeout(timer)
      waiters.delete(take)
      resolve(session)
    }
    const take = (session: Session) => {
      if (isFresh(session)) done(session)
    }
    const timer = setTimeout(() => done(null), ASK_OTHER_TABS_MS)
    waiters.add(take)
    channel.postMessage({ type: 'ask' })
  })
}

/** Trades the refresh cookie for a new session; null when there is none (logged out, expired). */
async function refreshWithCookie(): Promise<Session | null> {
  const response = await fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...SESSION_HEADERS },
    body: '{}',
  })
  if (response.ok) return fromTokens((await response.json()) as TokenResponse)
  if (response.status === 401 || response.status === 400 || response.status === 403) return null
  throw new Error(`refresh failed with HTTP ${response.status}`)
}

let inflight: Promise<string | null> | null = null

/**
 * A fresh access token after `stale` was refused or is about to expire (or, `stale` null, when
 * this tab has none yet): refreshes once for all callers of this tab, under a lock shared with
 * other tabs. Null when the session is over.
 */
export function refreshAccessToken(stale: string | null): Promise<string | null> {
  inflight ??= withLock(async () => {
    // Another tab (or an earlier call) already has a newer session: use it.
    if (current && isFresh(current) && current.accessToken !== stale) return current.accessToken
    if (stale === null) {
      const shared = await askOtherTabs()
      if (shared) {
        current = shared
        emit()
        return shared.accessToken
      }
    }
    const session = await refreshWithCookie()
    if (session) {
      store(session)
      return session.accessToken
    }
    if (stale !== null) {
      store(null, 'expired')
    } else {
      // A tab starting up without a usable cookie: signed out here; other tabs find out themselves.
      setFlag(false)
      void forgetUser()
      if (current?.offline) store(null, 'expired')
    }
    return null
  }).finally(() => {
    inflight = null
  })
  return inflight
}

/**
 * On start (a new tab, a reload): the session, when the refresh cookie still holds one. Resolves
 * once this tab knows whether it is signed in; a network failure leaves it signed out for now.
 */
export async function restoreSession(): Promise<void> {
  if (!hasFlag()) return
  try {
    await refreshAccessToken(null)
  } catch (error) {
    // No answer at all (offline, fetch fails with a TypeError): signed in offline as the user this
    // device kept, if any. The first API call once the network is back gets a token (or ends the
    // session). A server that answers with an error leaves the tab signed out for now, as before.
    if (!(error instanceof TypeError)) return
    const user = await keptUser()
    if (user && !current) {
      current = { accessToken: '', expiresAt: 0, user, offline: true }
      emit()
    }
  }
}

/** Whether this browser may have a session to restore (a reload or a new tab of a member). */
export function maybeSignedIn(): boolean {
  return hasFlag()
}

/** The access token to send now, refreshed first when it is about to expire. */
export async function accessToken(): Promise<string | null> {
  const session = current
  if (!session) return null
  if (isFresh(session)) return session.accessToken
  return refreshAccessToken(session.accessToken)
}
