// The keys and queries of a place's calendar: its nights a range at a time.
import { queryOptions } from '@tanstack/react-query'
import { api, unwrap } from '../client'

export const calendarQueries = {
  /** Every range of a place's calendar. */
  place: (placeId: string) => ['calendar', placeId] as const,
  range: (placeId: string, from: string, to: string) =>
    queryOptions({
      queryKey: ['calendar', placeId, from, to] as const,
      queryFn: () =>
        unwrap(
          api.GET('/api/v1/places/{id}/calendar', { params: { path: { id: placeId }, query: { from, to } } }),
        ),
    }),
}
