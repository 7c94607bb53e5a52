// Live events: what the real-time tier pushes to the browsers and API clients connected to a topic.
// Services publish them after their transaction commits; delivery is best effort (a client that
// missed one refetches), so publishing never fails the request that caused it.

/** Who receives an event: one user's every tab, one conversation's participants, one listing's viewers. */
export type LiveTopic = `user:${string}` | `conversation:${string}` | `place:${string}`

export interface LiveEvent {
  topic: LiveTopic
  /** What happened, e.g. `message.created`, `availability.changed`, `notification.created`. */
  type: string
  data: Record<string, unknown>
}

export interface LiveEvents {
  /** Queues the event for every process's connected clients; never throws. */
  publish(event: LiveEvent): void
}

/** For processes with no real-time tier wired in yet: events go nowhere. */
export const noLiveEvents: LiveEvents = { publish() {} }
