import type { LiveEvent, LiveEvents } from '../../src/domain/live.js'

/** A LiveEvents double that keeps what is published, in order. */
export class RecordingLiveEvents implements LiveEvents {
  readonly events: LiveEvent[] = []

  publish(event: LiveEvent): void {
    this.events.push(event)
  }

  /** The events of a topic, as `type` strings or whole events. */
  on(topic: string): LiveEvent[] {
    return this.events.filter((event) => event.topic === topic)
  }

  typesOn(topic: string): string[] {
    return this.on(topic).map((event) => event.type)
  }
}
