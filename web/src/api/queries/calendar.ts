// The keys and queries of a place's calendar: its nights a range at a time.
import { api } from '../client'
import { apiQuery } from './api-query'

export const calendarQueries = {
  /** Every range of a place's calendar. */
  place: (placeId: string) => ['calendar', placeId] as const,
  range: (placeId: string, from: string, to: string) =>
    apiQuery(['calendar', placeId, from, to], () =>
      api.GET('/api/v1/places/{id}/calendar', { params: { path: { id: placeId }, query: { from, to } } }),
    ),
}
