// The keys and queries of the price quotes of stays.
import { api } from '../client'
import { apiQuery } from './api-query'

export const quoteQueries = {
  /** Every quote of a place. */
  place: (placeId: string) => ['quote', placeId] as const,
  stay: (placeId: string, checkIn: string, checkOut: string, guests: number) =>
    apiQuery(['quote', placeId, checkIn, checkOut, guests], () =>
      api.GET('/api/v1/places/{id}/quote', {
        params: { path: { id: placeId }, query: { check_in: checkIn, check_out: checkOut, guests } },
      }),
    ),
}
