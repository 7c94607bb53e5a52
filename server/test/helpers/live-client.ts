// A WebSocket client of /api/v1/ws (socket.io-client, as browsers use it) that records what it gets.
import { io, type Socket } from 'socket.io-client'

export interface LiveEventMessage {
  topic: string
  id: number
  type: string
  data: Record<string, any>
}

export interface LiveClientOptions {
  token?: string
  lastIds?: Record<string, number>
  headers?: Record<string, string>
}

export class LiveClient {
  readonly events: LiveEventMessage[] = []
  readonly resyncs: { topic: string; last_id: number }[] = []
  readonly closings: { code: string; message: string }[] = []
  disconnectReason: string | undefined

  private constructor(readonly socket: Socket) {
    socket.on('event', (event: LiveEventMessage) => this.events.push(event))
    socket.on('resync', (resync: { topic: string; last_id: number }) => this.resyncs.push(resync))
    socket.on('closing', (closing: { code: string; message: string }) => this.closings.push(closing))
    socket.on('disconnect', (reason) => {
      this.disconnectReason = reason
    })
  }

  /**
   * Connects and waits for `ready` (the user's own topic followed); rejects with the server's
   * `connect_error` (its `data` holds `code`).
   */
  static connect(baseUrl: string, options: LiveClientOptions = {}): Promise<LiveClient> {
    const socket = io(baseUrl, {
      path: '/api/v1/ws',
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: options.token, last_ids: options.lastIds },
      extraHeaders: options.headers,
    })
    const client = new LiveClient(socket)
    return new Promise((resolve, reject) => {
      socket.once('ready', () => resolve(client))
      socket.once('connect_error', (error: Error & { data?: { code: string } }) => {
        socket.close()
        reject(error)
      })
    })
  }

  /** Sends a message and waits for its acknowledgement. */
  request<T = any>(name: string, payload: unknown): Promise<T> {
    return this.socket.timeout(10_000).emitWithAck(name, payload)
  }

  subscribe(topic: string, lastId?: number) {
    return this.request('subscribe', lastId === undefined ? { topic } : { topic, last_id: lastId })
  }

  eventsOf(topic: string, type?: string): LiveEventMessage[] {
    return this.events.filter((e) => e.topic === topic && (type === undefined || e.type === type))
  }

  async until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  get connected(): boolean {
    return this.socket.connected
  }

  close() {
    this.socket.close()
  }
}

/** The `sid` claim of an access token: the login it belongs to. */
export function sessionOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).sid
}
