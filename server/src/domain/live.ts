// Live events: what the real-time tier pushes to the browsers and API clients connected to a topic.
// Services publish them after their transaction commits; delivery is best effort (a client that
// missed one refetches), so publishing never fails the request that caused it.
import type { Actor } from './actor.js'

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

/** Who may follow which topics besides their own `user:<id>`: checked when a client subscribes. */
export interface LiveAccess {
  /** Whether the listing is one the actor may see (public listings, or their own). */
  /** `actor` null: an anonymous visitor (published listings only). */
  canWatchPlace(actor: Actor | null, placeId: string): Promise<boolean>
  /** Whether the actor takes part in the conversation (or may open it for moderation). */
  canFollowConversation(actor: Actor, conversationId: string): Promise<boolean>
}

/** Until messaging provides its rule, nobody follows a conversation. */
export const noConversations: LiveAccess['canFollowConversation'] = async () => false

/** The nights of a listing whose availability changed: `availability.changed` on `place:<id>`. */
export const AVAILABILITY_CHANGED = 'availability.changed'

/** The event saying a listing's nights `from` to `to` (both included, YYYY-MM-DD) changed. */
export function availabilityChanged(placeId: string, from: string, to: string): LiveEvent {
  return { topic: `place:${placeId}`, type: AVAILABILITY_CHANGED, data: { place_id: placeId, from, to } }
}
