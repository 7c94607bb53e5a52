// A LiveEvents that keeps what is published: the seam's test double (the real-time tier that
// delivers events to sockets is tested on its own).
import type { LiveEvent, LiveEvents } from '../../src/domain/live.js'

export class RecordingLiveEvents implements LiveEvents {
  readonly events: LiveEvent[] = []

  publish(event: LiveEvent): void {
    this.events.push(structuredClone(event))
  }

  /** The events of a type on a topic, oldest first. */
  on(topic: string, type?: string): LiveEvent[] {
    return this.events.filter((e) => e.topic === topic && (type === undefined || e.type === type))
  }
}
