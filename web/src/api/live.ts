// Live events from the server's WebSocket endpoint (/api/v1/ws, see docs/realtime.md): one
// connection per tab, opened when a page first watches a topic and closed when none does; without a
// login it is anonymous (published listings only), and it is opened again when the user changes.
// socket.io's client is loaded then, not with the app. It reconnects by itself, each time with a
// fresh access token and the last event id of each topic, so the server replays what was missed or
// says `resync`; listeners then refetch.
import type { Socket } from 'socket.io-client'
import { currentSession, refreshAccessToken, sessionStore } from './session'

export interface LiveEvent {
  topic: string
  id: number
  type: string
  data: Record<string, unknown>
}

/** An event of the topic, or `resync`: something may have been missed, fetch again. */
export type LiveListener = (event: LiveEvent | { type: 'resync'; topic: string }) => void

const listeners = new Map<string, Set<LiveListener>>()
const lastIds = new Map<string, number>()
let socket: Socket | null = null
let opening: Promise<Socket> | null = null
/** The user the connection was opened as (null: anonymous, published listings only). */
let openedAs: string | null = null

/** The access token to connect with; none for a visitor who is not logged in. */
async function freshToken(): Promise<string | null> {
  const session = currentSession()
  if (!session) return null
  if (session.expiresAt - Date.now() > 30_000) return session.accessToken
  return refreshAccessToken(session.accessToken)
}

// Logging in or out changes what the connection may follow: open a new one as the new user, follow
// the same topics again, and have their pages fetch again.
sessionStore.subscribe(() => {
  const userId = currentSession()?.user.id ?? null
  if (!opening || userId === openedAs) return
  socket?.close()
  socket = null
  opening = null
  lastIds.clear()
  for (const topic of listeners.keys()) {
    void subscribe(topic).catch(() => {})
    dispatch(topic, { type: 'resync', topic })
  }
})

function dispatch(topic: string, event: Parameters<LiveListener>[0]) {
  for (const listener of listeners.get(topic) ?? []) listener(event)
}

async function open(): Promise<Socket> {
  openedAs = currentSession()?.user.id ?? null
  const { io } = await import('socket.io-client')
  const connection = io({
    path: '/api/v1/ws',
    transports: ['websocket', 'polling'],
    auth: (send) => {
      void freshToken().then((token) =>
        send({ token, last_ids: Object.fromEntries([...listeners.keys()].map((t) => [t, lastIds.get(t)])) }),
      )
    },
  })
  connection.on('event', (event: LiveEvent) => {
    lastIds.set(event.topic, event.id)
    dispatch(event.topic, event)
  })
  connection.on('resync', ({ topic, last_id }: { topic: string; last_id: number }) => {
    lastIds.set(topic, last_id)
    dispatch(topic, { type: 'resync', topic })
  })
  let connectedBefore = false
  connection.on('connect', () => {
    // Reconnected: topics never acknowledged had no last id to replay from, so fetch them again.
    if (connectedBefore) {
      for (const topic of listeners.keys())
        if (!lastIds.has(topic)) dispatch(topic, { type: 'resync', topic })
    }
    connectedBefore = true
  })
  connection.on('connect_error', (error: Error & { data?: { code?: string } }) => {
    // Refused at the handshake because the token ran out meanwhile: quietly try once more, fresh.
    if (error.data?.code !== 'token_expired' || listeners.size === 0) return
    setTimeout(() => {
      void refreshAccessToken(currentSession()?.accessToken ?? null).then((token) => {
        if (token && socket === connection && !connection.connected) connection.connect()
      })
    }, 1000)
  })
  connection.on('disconnect', (reason) => {
    // The server closed it (token expired, login ended): try again with a fresh token, if any.
    if (reason === 'io server disconnect' && listeners.size > 0) {
      void freshToken().then((token) => {
        if (token && socket === connection) connection.connect()
      })
    }
  })
  return connection
}

async function subscribe(topic: string) {
  if (!opening) {
    const pending: Promise<Socket> = open().then((connection) => {
      // Opened for a user who has since logged in or out: a newer connection replaces it.
      if (opening === pending) socket = connection
      else connection.close()
      return connection
    })
    opening = pending
  }
  const connection = await opening
  if (socket !== connection) return
  if (listeners.size === 0) {
    connection.close()
    socket = null
    opening = null
  }
  if (!listeners.has(topic)) return
  const answer = await connection.emitWithAck('subscribe', { topic, last_id: lastIds.get(topic) })
  if (answer?.ok && !lastIds.has(topic)) lastIds.set(topic, answer.last_id)
}

/** Calls `listener` with the topic's events until the returned function is called. */
export function watchTopic(topic: string, listener: LiveListener): () => void {
  let set = listeners.get(topic)
  if (!set) {
    set = new Set()
    listeners.set(topic, set)
    void subscribe(topic).catch(() => {})
  }
  set.add(listener)
  return () => {
    set.delete(listener)
    if (set.size > 0) return
    listeners.delete(topic)
    lastIds.delete(topic)
    socket?.emit('unsubscribe', { topic })
    if (listeners.size === 0 && socket) {
      socket.close()
      socket = null
      opening = null
    }
  }
}
