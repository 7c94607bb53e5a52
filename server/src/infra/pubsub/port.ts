// The pub/sub port: fans events out to every process and keeps a short replay log per topic.
// Ids come from one counter shared by every process, so they increase within a topic (and
// across topics); they are not consecutive within a topic.

/** An event as published: where it goes, what happened, and its JSON data. */
export interface TopicMessage {
  topic: string
  type: string
  data: Record<string, unknown>
}

/** An event as delivered: with its id. */
export interface SequencedMessage extends TopicMessage {
  id: number
}

/** What a topic's replay log holds after an id: every later event, or `gap` when some were dropped. */
export type Replay = { events: SequencedMessage[] } | { gap: true }

export interface PubSub {
  /** Numbers, logs and fans out one event to every subscriber of every process; resolves to its id. */
  publish(message: TopicMessage): Promise<number>
  /** Called with every event of every topic, in id order, from now on. */
  subscribe(listener: (message: SequencedMessage) => void): void
  /**
   * Called when this process's subscription was interrupted and is back: events published
   * meanwhile were not delivered here.
   */
  onResumed(listener: () => void): void
  /** The events of a topic after `afterId`, or `gap` when the log no longer holds all of them. */
  since(topic: string, afterId: number): Promise<Replay>
  /** The id of each topic's last event (0 for a topic with none). */
  latest(topics: string[]): Promise<number[]>
  /** Whether events published elsewhere reach this process now. */
  connected(): boolean
  close(): Promise<void>
}

export interface ReplayLimits {
  /** Events kept per topic. */
  size: number
  /** How long a topic's log lives after its last event, in seconds. */
  seconds: number
}
