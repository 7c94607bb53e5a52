// The production pub/sub: Redis. One Lua script numbers an event (one counter for every topic),
// appends it to its topic's log and publishes it, atomically, so every process receives events in
// id order. A second connection subscribes; when it comes back after a break, `onResumed` listeners
// learn that events may have been missed. Processes that only publish (`hbnb worker`, `hbnb beat`)
// never open that connection.
//
// Ids start from the clock (milliseconds x 1000) when the counter is created, and that start is
// kept: after Redis lost its data, new ids are above the old ones and an old id is known to
// predate every log.
import type { Logger } from '../../logger.js'
import { createSubscriber, type Redis } from '../redis.js'
import type { PubSub, Replay, ReplayLimits, SequencedMessage, TopicMessage } from './port.js'

// The publish script touches the id counter and the topic's keys together: one {hash tag}, one slot
// of a Redis Cluster. The channel is not a key (a cluster forwards PUBLISH to every node).
const PREFIX = '{hbnb:live}:'
const CHANNEL = 'hbnb:live:events'
const ID_KEY = `${PREFIX}id`
const START_KEY = `${PREFIX}start`
/** How long the id of a topic's last event is remembered: a `last_id` older than this may miss events. */
const LAST_TTL_SECONDS = 7 * 86_400

const PUBLISH = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[1], ARGV[6])
  redis.call('SET', KEYS[5], ARGV[6])
end
local id = redis.call('INCR', KEYS[1])
local message = '{"id":' .. string.format('%d', id) .. ',' .. string.sub(ARGV[1], 2)
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[3], redis.call('GET', KEYS[4]) or redis.call('GET', KEYS[5]) or 0)
end
local length = redis.call('RPUSH', KEYS[2], message)
local excess = length - tonumber(ARGV[2])
if excess > 0 then
  local dropped = redis.call('LPOP', KEYS[2], excess)
  redis.call('SET', KEYS[3], string.match(dropped[#dropped], '^{"id":(%d+),'))
end
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
redis.call('SET', KEYS[4], id, 'EX', ARGV[4])
redis.call('PUBLISH', ARGV[5], message)
return id
`

type PublishCommand = (...args: (string | number)[]) => Promise<number>

const logKey = (topic: string) => `${PREFIX}log:${topic}`
const floorKey = (topic: string) => `${PREFIX}floor:${topic}`
const lastKey = (topic: string) => `${PREFIX}last:${topic}`

export class RedisPubSub implements PubSub {
  private subscriber: Redis | undefined
  private subscribed = false
  private interrupted = false
  private readonly listeners: ((message: SequencedMessage) => void)[] = []
  private readonly resumedListeners: (() => void)[] = []

  constructor(
    private readonly redis: Redis,
    private readonly url: string,
    private readonly limits: ReplayLimits,
    private readonly logger?: Logger,
  ) {
    // Sent by its SHA1 (EVALSHA) after the first time, not as source with every event.
    if (!('hbnbLivePublish' in redis))
      redis.defineCommand('hbnbLivePublish', { numberOfKeys: 5, lua: PUBLISH })
  }

  async publish(message: TopicMessage): Promise<number> {
    const id = await (this.redis as Redis & { hbnbLivePublish: PublishCommand }).hbnbLivePublish(
      ID_KEY,
      logKey(message.topic),
      floorKey(message.topic),
      lastKey(message.topic),
      START_KEY,
      JSON.stringify({ topic: message.topic, type: message.type, data: message.data }),
      this.limits.size,
      this.limits.seconds,
      LAST_TTL_SECONDS,
      CHANNEL,
      Date.now() * 1000,
    )
    return Number(id)
  }

  subscribe(listener: (message: SequencedMessage) => void): void {
    this.listeners.push(listener)
    this.subscriber ??= this.openSubscriber()
  }

  onResumed(listener: () => void): void {
    this.resumedListeners.push(listener)
  }

  async since(topic: string, afterId: number): Promise<Replay> {
    const results = await this.redis
      .multi()
      .lrange(logKey(topic), 0, -1)
      .get(floorKey(topic))
      .get(lastKey(topic))
      .get(START_KEY)
      .exec()
    if (!results) throw new Error('redis: the replay read was aborted')
    for (const [error] of results) if (error) throw error
    const entries = results[0]![1] as string[]
    const [floor, last, start] = results.slice(1).map(([, value]) => Number(value ?? 0))
    if (afterId < start!) return { gap: true }
    if (entries.length === 0) return afterId >= last! ? { events: [] } : { gap: true }
    if (afterId < floor!) return { gap: true }
    const events = entries.map((entry) => JSON.parse(entry) as SequencedMessage)
    return { events: events.filter((event) => event.id > afterId) }
  }

  async latest(topics: string[]): Promise<number[]> {
    if (topics.length === 0) return []
    const [start, ...values] = await this.redis.mget(START_KEY, ...topics.map(lastKey))
    return values.map((value) => Number(value ?? start ?? 0))
  }

  connected(): boolean {
    return this.subscribed && this.subscriber?.status === 'ready'
  }

  async close(): Promise<void> {
    this.listeners.length = 0
    this.subscriber?.disconnect()
  }

  private openSubscriber(): Redis {
    const subscriber = createSubscriber(this.url, this.logger)
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== CHANNEL) return
      const message = JSON.parse(text) as SequencedMessage
      for (const listener of this.listeners) listener(message)
    })
    subscriber.on('close', () => {
      if (this.subscribed) this.interrupted = true
      this.subscribed = false
    })
    subscriber.on('ready', () => {
      subscriber.subscribe(CHANNEL).then(
        () => {
          this.subscribed = true
          if (!this.interrupted) return
          this.interrupted = false
          for (const listener of this.resumedListeners) listener()
        },
        (error) => this.logger?.warn({ err: error }, 'live events: subscribing to redis failed'),
      )
    })
    return subscriber
  }
}
