// One client connection: who it is, the topics it follows, and how much is waiting to be sent to it.
import type { Socket } from 'socket.io'
import type { Actor } from '../domain/actor.js'
import type { SequencedMessage } from '../infra/pubsub/index.js'
import type { OpenLogin } from '../modules/auth/sessions.js'

export interface TopicState {
  /** The id of the last event sent (or the point a `resync` or the subscription started from). */
  lastSent: number
  /** Events that arrived while the replay was read: sent after it. Null once caught up. */
  pending: SequencedMessage[] | null
}

/** socket.io's engine connection, as far as measuring its buffers goes. */
interface EngineConnection {
  writeBuffer?: { data?: unknown }[]
  transport?: { socket?: { bufferedAmount?: number; terminate?: () => void } }
  close(discard?: boolean): void
}

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength
  return 0
}

export class Connection {
  /** Null: an anonymous visitor (no token), who never expires and follows public topics only. */
  readonly actor: Actor | null
  sessionId: string | null
  expiresAt: number
  expiryTimer: NodeJS.Timeout | undefined
  readonly topics = new Map<string, TopicState>()
  closed = false
  private windowStart = 0
  private messagesInWindow = 0

  constructor(
    readonly socket: Socket,
    login: OpenLogin | null,
    readonly maxBufferedBytes: number,
  ) {
    this.actor = login?.actor ?? null
    this.sessionId = login?.sessionId ?? null
    this.expiresAt = login?.expiresAt ?? Number.POSITIVE_INFINITY
  }

  /** Counts a message from the client; false past `limit` messages in the current minute. */
  allowMessage(now: number, limit: number): boolean {
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now
      this.messagesInWindow = 0
    }
    return ++this.messagesInWindow <= limit
  }

  renew(login: OpenLogin) {
    this.sessionId = login.sessionId
    this.expiresAt = login.expiresAt
  }

  /**
   * Drops the connection at once, with whatever waits to be sent: a graceful close would wait for
   * a client that does not read.
   */
  terminate() {
    this.closed = true
    const engine = this.socket.conn as unknown as EngineConnection
    this.socket.disconnect(true)
    engine.transport?.socket?.terminate?.()
    engine.close(true)
  }

  /** Bytes written for this client and not yet taken by the operating system. */
  bufferedBytes(): number {
    const engine = this.socket.conn as unknown as EngineConnection
    let bytes = engine.transport?.socket?.bufferedAmount ?? 0
    for (const packet of engine.writeBuffer ?? []) bytes += sizeOf(packet.data)
    return bytes
  }
}
