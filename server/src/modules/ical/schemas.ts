import * as Type from '../../json-schema.js'
import { Timestamps } from '../shared-schemas.js'

export const FEED_URL_MAX = 2048
export const FEED_NAME_MAX = 100

export const FeedParams = Type.Object({ id: Type.String(), feed_id: Type.String() })

export const ExportQuery = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 128, description: 'The secret from GET /places/{id}/ical' })),
})

export const Feed = Type.Object({
  id: Type.String(),
  place_id: Type.String(),
  url: Type.String(),
  name: Type.String(),
  last_sync_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  last_status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Null()], {
    description: 'Outcome of the last sync; null before the first',
  }),
  last_error: Type.Union([Type.String(), Type.Null()], {
    description: 'Why the last sync failed; after one that succeeded, the events it could not read',
  }),
  last_event_count: Type.Union([Type.Integer(), Type.Null()]),
  ...Timestamps,
})

export const FeedCreateBody = Type.Object({
  url: Type.String({ minLength: 1, maxLength: FEED_URL_MAX, description: 'An http or https iCal URL' }),
  name: Type.Optional(
    Type.String({ maxLength: FEED_NAME_MAX, description: 'Defaults to the host name of the URL' }),
  ),
})

export const IcalSettings = Type.Object({
  export_url: Type.String({ description: 'Secret URL of the listing calendar: anyone with it can read it' }),
  feeds: Type.Array(Feed),
})

export const SyncResult = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
  events: Type.Integer({
    description: 'Events read from the feed (cancelled ones excluded; a recurring event counts once)',
  }),
  blocked: Type.Integer({ description: 'Nights now blocked by this feed' }),
  skipped: Type.Array(Type.String(), {
    description: 'Nights of the feed left alone because a booking or another block has them',
  }),
  error: Type.Union([Type.String(), Type.Null()], {
    description: 'Why the sync failed; with status ok, the events left out because they could not be read',
  }),
})

export type FeedView = Type.Static<typeof Feed>
export type FeedCreateInput = Type.Static<typeof FeedCreateBody>
export type IcalSettingsView = Type.Static<typeof IcalSettings>
export type SyncResultView = Type.Static<typeof SyncResult>
