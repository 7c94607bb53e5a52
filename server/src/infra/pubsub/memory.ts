// The embedded pub/sub: one process, events delivered synchronously, logs in memory. Ids start from
// the clock (milliseconds x 1000), so that ids given after a restart are above those given before it
// and a client's id from before the restart is known to predate the log.
import type { PubSub, Replay, ReplayLimits, SequencedMessage, TopicMessage } from './port.js'

interface TopicLog {
  events: { message: SequencedMessage; at: number }[]
  /** The log holds every event of the topic after this id. */
  floor: number
  last: number
}

/** Topics whose logs are kept at once; the least recently published is forgotten first. */
const MAX_TOPICS = 100_000

export class MemoryPubSub implements PubSub {
  private lastId: number
  private readonly logs = new Map<string, TopicLog>()
  /** Ids up to this one may belong to events no log holds (before start, or of forgotten topics). */
  private forgottenThrough: number
  private readonly listeners: ((message: SequencedMessage) => void)[] = []

  constructor(
    private readonly limits: ReplayLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.lastId = now() * 1000
    this.forgottenThrough = this.lastId
  }

  async publish(message: TopicMessage): Promise<number> {
    const sequenced = { ...message, id: ++this.lastId }
    const log = this.logs.get(message.topic) ?? { events: [], floor: this.forgottenThrough, last: 0 }
    this.logs.delete(message.topic)
    this.logs.set(message.topic, log)
    log.events.push({ message: sequenced, at: this.now() })
    log.last = sequenced.id
    this.prune(log)
    if (this.logs.size > MAX_TOPICS) {
      const [oldest, forgotten] = this.logs.entries().next().value!
      this.forgottenThrough = Math.max(this.forgottenThrough, forgotten.last)
      this.logs.delete(oldest)
    }
    for (const listener of this.listeners) listener(sequenced)
    return sequenced.id
  }

  subscribe(listener: (message: SequencedMessage) => void): void {
    this.listeners.push(listener)
  }

  onResumed(): void {}

  async since(topic: string, afterId: number): Promise<Replay> {
    const log = this.logs.get(topic)
    if (!log) return afterId < this.forgottenThrough ? { gap: true } : { events: [] }
    this.prune(log)
    if (afterId < log.floor) return { gap: true }
    return { events: log.events.filter((e) => e.message.id > afterId).map((e) => e.message) }
  }

  async latest(topics: string[]): Promise<number[]> {
    return topics.map((topic) => this.logs.get(topic)?.last ?? this.forgottenThrough)
  }

  connected(): boolean {
    return true
  }

  async close(): Promise<void> {
    this.listeners.length = 0
  }

  private prune(log: TopicLog) {
    const oldest = this.now() - this.limits.seconds * 1000
    let drop = Math.max(0, log.events.length - this.limits.size)
    while (drop < log.events.length && log.events[drop]!.at < oldest) drop++
    if (drop === 0) return
    log.floor = log.events[drop - 1]!.message.id
    log.events.splice(0, drop)
  }
}
