// The live-events seam's implementation: services publish here, the pub/sub port numbers the event
// and fans it out to every process. When the port fails (Redis down), the event still reaches the
// clients connected to this process, through `localFallback`.
import type { LiveEvent, LiveEvents } from '../domain/live.js'
import type { PubSub } from '../infra/pubsub/index.js'
import { ThrottledWarning } from '../infra/redis.js'
import type { Logger } from '../logger.js'
import { counter } from '../metrics.js'

const published = counter('hbnb_live_events_published_total', 'Live events published through the pub/sub')
const failed = counter(
  'hbnb_live_events_publish_failures_total',
  'Live events the pub/sub could not take (delivered to this process only, if it serves clients)',
)

export class LiveHub implements LiveEvents {
  private readonly warning: ThrottledWarning
  /** Where an event goes when the pub/sub fails: this process's own clients (none in worker/beat). */
  localFallback: (event: LiveEvent) => void = () => {}

  constructor(
    private readonly pubsub: PubSub,
    logger: Logger,
  ) {
    this.warning = new ThrottledWarning(logger, 30_000)
  }

  publish(event: LiveEvent): void {
    this.pubsub.publish(event).then(
      () => {
        published.inc()
        this.warning.recovered('live events: the pub/sub takes events again')
      },
      (error) => {
        failed.inc()
        this.warning.warn(error, 'live events: the pub/sub failed; delivering to this process only')
        this.localFallback(event)
      },
    )
  }
}
