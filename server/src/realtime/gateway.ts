// The WebSocket endpoint (`/api/v1/ws`, socket.io): authenticates each connection with an access
// token, joins it to its user's topic, lets it subscribe to listings and conversations, and delivers
// every event of the pub/sub to the connections subscribed to its topic, each event once, in id order.
// docs/realtime.md describes the protocol for clients.
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Server as Engine } from 'engine.io'
import type { Server, Socket } from 'socket.io'
import type { Config } from '../config.js'
import type { Actor } from '../domain/actor.js'
import type { LiveAccess, LiveEvent } from '../domain/live.js'
import { AppError } from '../errors.js'
import type { PubSub, SequencedMessage } from '../infra/pubsub/index.js'
import type { Logger } from '../logger.js'
import { counter, gauge } from '../metrics.js'
import { type OpenLogin, SESSION_ENDED } from '../modules/auth/sessions.js'
import { Connection, type TopicState } from './connection.js'
import { parseTopic } from './topics.js'

export const WS_PATH = '/api/v1/ws'
/** The largest message a client may send (subscriptions and tokens are small). */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024
/** Messages (subscribe, unsubscribe, authenticate) one connection may send per minute. */
const MESSAGES_PER_MINUTE = 120
/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2_147_483_647

const connectionsGauge = gauge('hbnb_realtime_connections', 'WebSocket connections open on this process')
const delivered = counter('hbnb_realtime_events_delivered_total', 'Live events sent to WebSocket connections')
const dropped = counter(
  'hbnb_realtime_slow_disconnects_total',
  'WebSocket connections closed because the client did not read what was sent to it',
)

export interface GatewayLogins {
  login(token: string): Promise<OpenLogin>
  isOpen(sessionId: string): Promise<boolean>
}

export interface GatewayDeps {
  config: Config
  logger: Logger
  pubsub: PubSub
  logins: GatewayLogins
  access: LiveAccess
  /** Whether a handshake's `Origin` (with its `Host`) may connect: the CORS rules (http/cors.ts). */
  originAllowed(origin: string | undefined, host?: string): boolean
  /** The client's address, through trusted proxies only (http/client-address.ts). */
  clientAddress(request: IncomingMessage): string
  /** The clock (milliseconds since the epoch). */
  now: () => number
}

/** An error a client sees: in `connect_error` (`data`) and in acknowledgements (`error`). */
export interface ClientError {
  code: string
  message: string
}

const isRealtime = (request: IncomingMessage) => request.url?.startsWith(`${WS_PATH}/`) === true

const clientError = (code: string, message: string): ClientError => ({ code, message })

function asClientError(error: unknown): ClientError {
  if (error instanceof AppError) return clientError(error.code, error.message)
  return clientError('internal_error', 'Something went wrong on our side')
}

type Ack = (answer: Record<string, unknown>) => void

export class RealtimeGateway {
  /** socket.io, once the first request for WS_PATH has loaded it. */
  private io: Server | undefined
  private starting: Promise<Engine> | undefined
  private readonly topics = new Map<string, Set<Connection>>()
  /** The last id delivered per topic followed here: a subscription or resync never starts below it. */
  private readonly lastSeen = new Map<string, number>()
  private readonly perAddress = new Map<string, number>()
  private readonly addressOf: (request: IncomingMessage) => string
  private closed = false

  constructor(
    private readonly server: HttpServer,
    private readonly deps: GatewayDeps,
  ) {
    this.addressOf = deps.clientAddress
    this.startOnFirstRequest()
    deps.pubsub.subscribe((message) => this.deliver(message))
    deps.pubsub.onResumed(() => void this.resumed())
  }

  /**
   * socket.io (about 3 MB of heap) is loaded by the first request for WS_PATH: a process that no
   * client follows live never holds it. Requests for WS_PATH go to its engine, the others on as
   * before; upgrades to other paths are refused, as socket.io refuses them.
   */
  private startOnFirstRequest() {
    const listeners = this.server.listeners('request') as ((...args: unknown[]) => void)[]
    this.server.removeAllListeners('request')
    this.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (!isRealtime(request)) {
        for (const listener of listeners) listener.call(this.server, request, response)
        return
      }
      this.started().then(
        (engine) => engine.handleRequest(request, response),
        () => response.writeHead(503).end(),
      )
    })
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!isRealtime(request)) return void socket.destroy()
      this.started().then(
        (engine) => engine.handleUpgrade(request, socket, head),
        () => socket.destroy(),
      )
    })
  }

  private started(): Promise<Engine> {
    if (!this.starting) {
      this.starting = Promise.all([import('socket.io'), import('engine.io')]).then(
        ([{ Server: SocketServer }, { Server: EngineServer }]) => {
          if (this.closed) throw new Error('the realtime gateway is closed')
          this.io = this.createServer(SocketServer, EngineServer)
          return this.io.engine
        },
      )
      this.starting.catch((error) => {
        if (!this.closed) this.deps.logger.error({ err: error }, 'could not start the WebSocket endpoint')
      })
    }
    return this.starting
  }

  private createServer(SocketServer: typeof Server, EngineServer: typeof Engine): Server {
    const { config, originAllowed } = this.deps
    const options = {
      path: WS_PATH,
      serveClient: false,
      pingInterval: config.realtimePingIntervalSeconds * 1000,
      pingTimeout: config.realtimePingTimeoutSeconds * 1000,
      maxHttpBufferSize: MAX_CLIENT_MESSAGE_BYTES,
      cors: {
        origin: (origin: string | undefined, callback: (error: Error | null, allow: boolean) => void) =>
          callback(null, originAllowed(origin)),
        credentials: true,
      },
      allowRequest: (request: IncomingMessage, callback: (error: string | null, allow: boolean) => void) => {
        if (!originAllowed(request.headers.origin, request.headers.host)) {
          return callback('origin_not_allowed', false)
        }
        const address = this.addressOf(request)
        if ((this.perAddress.get(address) ?? 0) >= config.realtimeMaxConnectionsPerAddress) {
          return callback('too_many_connections', false)
        }
        callback(null, true)
      },
    }
    // Bound to an engine of its own rather than attached to the HTTP server: requests reach it through
    // startOnFirstRequest, and the server's other listeners (lifecycle's tracking) still see them.
    const io = new SocketServer(options).bind(new EngineServer(options))
    io.engine.on('connection', (raw: { request: IncomingMessage; once(e: string, f: () => void): void }) => {
      const address = this.addressOf(raw.request)
      this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1)
      raw.once('close', () => {
        const left = (this.perAddress.get(address) ?? 1) - 1
        if (left > 0) this.perAddress.set(address, left)
        else this.perAddress.delete(address)
      })
    })
    io.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error) => {
          const failure = new Error(asClientError(error).message) as Error & { data: ClientError }
          failure.data = asClientError(error)
          next(failure)
        },
      )
    })
    io.on('connection', (socket) => this.connected(socket))
    return io
  }

  /**
   * Delivers an event the pub/sub could not take to this process's clients. Its id is provisional:
   * the last id each client saw plus one half (ids the pub/sub gives are whole numbers).
   */
  deliverLocally(event: LiveEvent): void {
    this.deliver({ ...event, id: 0 }, true)
  }

  /** Connections open on this process. */
  get connectionCount(): number {
    return this.io?.engine.clientsCount ?? 0
  }

  /** Closes every connection as a lost transport, so that clients reconnect (to another process). */
  async close(): Promise<void> {
    this.closed = true
    this.io?.engine.close()
    await this.deps.pubsub.close()
  }

  private async authenticate(socket: Socket): Promise<void> {
    const token = tokenOf(socket)
    // Without a token: an anonymous visitor, who may follow published listings only.
    socket.data.login = token ? await this.deps.logins.login(token) : null
  }

  private connected(socket: Socket) {
    const login = socket.data.login as OpenLogin | null
    const connection = new Connection(socket, login, this.deps.config.realtimeMaxBufferedBytes)
    connectionsGauge.inc()
    if (login) this.scheduleExpiry(connection)
    socket.on('disconnect', () => {
      connectionsGauge.dec()
      connection.closed = true
      clearTimeout(connection.expiryTimer)
      for (const topic of connection.topics.keys()) this.leave(connection, topic)
    })
    // Past the limit, a message is answered with an error and not acted on.
    socket.use((packet, next) => {
      if (connection.allowMessage(this.deps.now(), MESSAGES_PER_MINUTE)) return next()
      answer(packet.at(-1))({
        error: clientError('rate_limited', `At most ${MESSAGES_PER_MINUTE} messages a minute: slow down`),
      })
    })
    socket.on('subscribe', (input: unknown, ack: unknown) => {
      const { topic, lastId } = subscription(input)
      void this.subscribe(connection, topic, lastId).then(answer(ack))
    })
    socket.on('unsubscribe', (input: unknown, ack: unknown) => {
      const topic = (input as { topic?: unknown } | null)?.topic
      if (typeof topic === 'string' && connection.topics.has(topic) && topic !== ownTopic(connection)) {
        connection.topics.delete(topic)
        this.leave(connection, topic)
      }
      answer(ack)({ ok: true, topic })
    })
    socket.on('authenticate', (input: unknown, ack: unknown) => {
      void this.reauthenticate(connection, input).then(answer(ack))
    })
    // The user's own topic, then whatever the client followed before it reconnected.
    const lastIds = lastIdsOf(socket)
    const own = ownTopic(connection)
    // `ready` once the user's own topic is followed: events published after it reach this connection.
    if (own) {
      void this.subscribe(connection, own, lastIds.get(own)).then(() => socket.emit('ready', { topic: own }))
    } else socket.emit('ready', { topic: null })
    for (const [topic, lastId] of lastIds) {
      if (topic === own) continue
      void this.subscribe(connection, topic, lastId).then((result) => {
        if (result.error) socket.emit('subscribe_failed', { topic, error: result.error })
      })
    }
  }

  /** Subscribes the connection to a topic, replaying what it missed after `lastId` when given. */
  async subscribe(
    connection: Connection,
    topic: string | undefined,
    lastId: number | undefined,
  ): Promise<Record<string, unknown> & { error?: ClientError }> {
    try {
      const parsed = parseTopic(topic)
      if (!parsed) {
        return {
          error: clientError('invalid_topic', 'topic must be user:<id>, place:<id> or conversation:<id>'),
        }
      }
      const existing = connection.topics.get(parsed.topic)
      if (existing) return { ok: true, topic: parsed.topic, last_id: existing.lastSent }
      const full = () => connection.topics.size >= this.deps.config.realtimeMaxSubscriptions
      const tooMany = clientError(
        'too_many_subscriptions',
        `A connection follows at most ${this.deps.config.realtimeMaxSubscriptions} topics: unsubscribe from one first`,
      )
      if (full()) return { error: tooMany }
      if (!(await this.mayFollow(connection.actor, parsed))) {
        return { error: clientError('topic_forbidden', 'You may not follow this topic') }
      }
      // Other subscriptions may have been made while the access was checked.
      if (connection.closed || connection.topics.has(parsed.topic)) {
        return { ok: true, topic: parsed.topic, last_id: connection.topics.get(parsed.topic)?.lastSent ?? 0 }
      }
      if (full()) return { error: tooMany }
      const state: TopicState = { lastSent: lastId ?? 0, pending: [] }
      connection.topics.set(parsed.topic, state)
      this.join(connection, parsed.topic)
      await this.catchUp(connection, parsed.topic, state, lastId)
      return { ok: true, topic: parsed.topic, last_id: state.lastSent }
    } catch (error) {
      this.deps.logger.error({ err: error, topic }, 'realtime: subscribe failed')
      return { error: asClientError(error) }
    }
  }

  /** Sends what the connection missed (or `resync`), then the events that arrived meanwhile. */
  private async catchUp(
    connection: Connection,
    topic: string,
    state: TopicState,
    lastId: number | undefined,
  ) {
    try {
      if (lastId === undefined) {
        const [latest] = await this.deps.pubsub.latest([topic])
        state.lastSent = Math.max(latest ?? 0, this.lastSeen.get(topic) ?? 0)
      } else {
        const replay = await this.deps.pubsub.since(topic, lastId)
        if ('gap' in replay) await this.resync(connection, topic, state)
        else for (const event of replay.events) this.send(connection, state, event)
      }
    } catch (error) {
      this.deps.logger.warn(
        { err: error, topic },
        'realtime: the replay log is unavailable; asking to resync',
      )
      if (lastId !== undefined) this.sendResync(connection, topic, state, this.lastSeen.get(topic) ?? lastId)
      else state.lastSent = this.lastSeen.get(topic) ?? 0
    }
    const pending = state.pending ?? []
    state.pending = null
    // Unsubscribed meanwhile: nothing more to send.
    if (connection.topics.get(topic) !== state) return
    for (const event of pending) this.send(connection, state, event)
  }

  private async resync(connection: Connection, topic: string, state: TopicState) {
    const [latest] = await this.deps.pubsub.latest([topic])
    this.sendResync(connection, topic, state, Math.max(latest ?? 0, this.lastSeen.get(topic) ?? 0))
  }

  private sendResync(connection: Connection, topic: string, state: TopicState, lastId: number) {
    state.lastSent = lastId
    connection.socket.emit('resync', { topic, last_id: lastId })
    this.checkBackpressure(connection)
  }

  private async mayFollow(actor: Actor | null, parsed: NonNullable<ReturnType<typeof parseTopic>>) {
    switch (parsed.kind) {
      case 'user':
        return parsed.id === actor?.id
      case 'place':
        return this.deps.access.canWatchPlace(actor, parsed.id)
      case 'conversation':
        return actor !== null && this.deps.access.canFollowConversation(actor, parsed.id)
    }
  }

  private deliver(message: SequencedMessage, provisional = false) {
    const followers = this.topics.get(message.topic)
    if (!followers) return
    if (!provisional && message.id > (this.lastSeen.get(message.topic) ?? 0)) {
      this.lastSeen.set(message.topic, message.id)
    }
    const endsSessions =
      message.type === SESSION_ENDED && Array.isArray(message.data.session_ids)
        ? new Set(message.data.session_ids as unknown[])
        : undefined
    // Those due this event get it in one broadcast: encoded once, written to each.
    const due: Connection[] = []
    for (const connection of followers) {
      const state = connection.topics.get(message.topic)
      if (!state || connection.closed) continue
      if (state.pending) {
        if (!provisional) state.pending.push(message)
      } else if (provisional) {
        this.send(connection, state, { ...message, id: Math.floor(state.lastSent) + 0.5 }, true)
      } else if (message.id > state.lastSent) {
        state.lastSent = message.id
        due.push(connection)
      }
    }
    if (due.length > 0) {
      const event = { topic: message.topic, id: message.id, type: message.type, data: message.data }
      if (due.length === 1) due[0]!.socket.emit('event', event)
      else this.io?.to(due.map((connection) => connection.socket.id)).emit('event', event)
      delivered.inc(due.length)
      for (const connection of due) this.checkBackpressure(connection)
    }
    if (!endsSessions) return
    for (const connection of followers) {
      if (connection.sessionId !== null && endsSessions.has(connection.sessionId)) {
        this.end(
          connection,
          'token_revoked',
          'This login was ended (logout or password change): log in again',
        )
      }
    }
  }

  private send(connection: Connection, state: TopicState, message: SequencedMessage, provisional = false) {
    if (connection.closed || (!provisional && message.id <= state.lastSent)) return
    state.lastSent = message.id
    connection.socket.emit('event', {
      topic: message.topic,
      id: message.id,
      type: message.type,
      data: message.data,
    })
    delivered.inc()
    this.checkBackpressure(connection)
  }

  private checkBackpressure(connection: Connection) {
    if (connection.closed || connection.bufferedBytes() <= connection.maxBufferedBytes) return
    dropped.inc()
    connection.terminate()
  }

  /** After a break in the pub/sub: every connection refetches what it follows; ended logins close. */
  private async resumed() {
    if (this.closed) return
    this.deps.logger.info('realtime: the pub/sub is back; asking every client to resync')
    const topics = [...this.topics.keys()]
    let latest: number[]
    try {
      latest = await this.deps.pubsub.latest(topics)
    } catch {
      latest = topics.map((topic) => this.lastSeen.get(topic) ?? 0)
    }
    topics.forEach((topic, i) => {
      const lastId = Math.max(latest[i] ?? 0, this.lastSeen.get(topic) ?? 0)
      this.lastSeen.set(topic, lastId)
      for (const connection of this.topics.get(topic) ?? []) {
        const state = connection.topics.get(topic)
        if (state && !state.pending) this.sendResync(connection, topic, state, lastId)
      }
    })
    const sessions = new Map<string, Connection[]>()
    for (const followers of this.topics.values()) {
      for (const connection of followers) {
        if (connection.sessionId === null) continue
        const list = sessions.get(connection.sessionId) ?? []
        if (!list.includes(connection)) list.push(connection)
        sessions.set(connection.sessionId, list)
      }
    }
    for (const [sessionId, connections] of sessions) {
      if (await this.deps.logins.isOpen(sessionId).catch(() => true)) continue
      for (const connection of connections) {
        this.end(
          connection,
          'token_revoked',
          'This login was ended (logout or password change): log in again',
        )
      }
    }
  }

  private async reauthenticate(connection: Connection, input: unknown) {
    const token = (input as { token?: unknown } | null)?.token
    if (typeof token !== 'string' || !token) {
      return { error: clientError('missing_token', 'Send { token } with a fresh access token') }
    }
    try {
      const login = await this.deps.logins.login(token)
      if (login.actor.id !== connection.actor?.id) {
        return { error: clientError('wrong_user', 'The token is of another user: open a new connection') }
      }
      connection.renew(login)
      this.scheduleExpiry(connection)
      return { ok: true, expires_at: new Date(login.expiresAt).toISOString() }
    } catch (error) {
      return { error: asClientError(error) }
    }
  }

  private scheduleExpiry(connection: Connection) {
    clearTimeout(connection.expiryTimer)
    const delay = Math.min(Math.max(connection.expiresAt - this.deps.now(), 0), MAX_TIMER_MS)
    connection.expiryTimer = setTimeout(() => {
      this.end(connection, 'token_expired', 'The access token expired: reconnect with a fresh one')
    }, delay)
    connection.expiryTimer.unref()
  }

  /** Tells the client why, then closes its connection. */
  private end(connection: Connection, code: string, message: string) {
    if (connection.closed) return
    connection.socket.emit('closing', clientError(code, message))
    connection.closed = true
    connection.socket.disconnect(true)
  }

  private join(connection: Connection, topic: string) {
    let followers = this.topics.get(topic)
    if (!followers) {
      followers = new Set()
      this.topics.set(topic, followers)
    }
    followers.add(connection)
  }

  private leave(connection: Connection, topic: string) {
    const followers = this.topics.get(topic)
    if (!followers) return
    followers.delete(connection)
    if (followers.size === 0) {
      this.topics.delete(topic)
      this.lastSeen.delete(topic)
    }
  }
}

/** The user's own topic; none for an anonymous connection. */
const ownTopic = (connection: Connection) => (connection.actor ? `user:${connection.actor.id}` : null)

function answer(ack: unknown): Ack {
  return typeof ack === 'function' ? (ack as Ack) : () => {}
}

function tokenOf(socket: Socket): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token
  if (typeof fromAuth === 'string' && fromAuth) return fromAuth.replace(/^Bearer /i, '')
  const header = socket.handshake.headers.authorization
  if (typeof header === 'string' && /^bearer /i.test(header)) return header.slice(7)
  return undefined
}

function validId(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined
}

function subscription(input: unknown): { topic: string | undefined; lastId: number | undefined } {
  const { topic, last_id } = (input ?? {}) as { topic?: unknown; last_id?: unknown }
  return { topic: typeof topic === 'string' ? topic : undefined, lastId: validId(last_id) }
}

/** `auth.last_ids`: the topics a reconnecting client followed and the last id it saw of each. */
function lastIdsOf(socket: Socket): Map<string, number | undefined> {
  const lastIds = (socket.handshake.auth as { last_ids?: unknown } | undefined)?.last_ids
  const found = new Map<string, number | undefined>()
  if (!lastIds || typeof lastIds !== 'object') return found
  for (const [topic, id] of Object.entries(lastIds)) found.set(topic, validId(id))
  return found
}
